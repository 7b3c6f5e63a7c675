"""The demo years' shape (the 2019 annual report's) and a planner that draws them as plain objects, no database.

Everything is drawn from generators seeded with the year and the size, so the same command gives
the same data and tests can count on it. The headline shares (channels, outcomes, modes) are
exact quotas, shuffled, so the statistics page shows the annual report's figures. Planning apart
from writing keeps the randomness in one place: gdt.services.demo.demo_data only turns the plans into rows.
"""
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from faker import Faker

from gdt.db import AMSTERDAM

# The shape of a year, as in the Eindhoven GDT's annual report 2019.
CHANNEL_SHARES = {"app": 0.80, "webform": 0.12, "phone": 0.08}
ESCALATED_SHARE = 0.06
REPORT_MODE_SHARES = {"advice": 0.53, "regie": 0.47}
PARTNER_MODE_SHARES = {"advice": 0.66, "regie": 0.34}
PARTNER_REGISTRATIONS_PER_CASE = 1 / 3
OPEN_CASE_SHARE = 0.15  # of the cases opened in the last STILL_OPEN_DAYS; older ones are all closed
STILL_OPEN_DAYS = 240
YEARLY_GROWTH = 1.05  # each demo year has this many times the reports of the year before: a real comparison
# Of the open cases reviewed in time, these many are past their periodic review (the start page shows a few,
# not all); the rest had their last review within the review period.
OVERDUE_REVIEWS = 4
ANONYMOUS_SHARE = 0.15
UNTRIAGED_RECENT = 8

REFERRAL_WEIGHTS = {"ruimtelijk-domein": 70, "woningcorporatie": 9, "politie": 8, "wijkteam": 6, "ggz": 4,
                    "veilig-thuis": 2, "reclassering": 1}
CATEGORY_WEIGHTS = {  # referred reports are mostly nuisance; escalations lean towards care and safety
    "referred": {"geluidsoverlast": 30, "vervuiling": 14, "woonoverlast": 14, "stankoverlast": 8, "intimidatie": 8,
                 "drugsoverlast": 8, "verwaarlozing": 7, "verward-gedrag": 7, "overig": 4},
    "escalated": {"verward-gedrag": 30, "intimidatie": 22, "woonoverlast": 15, "drugsoverlast": 13,
                  "verwaarlozing": 10, "geluidsoverlast": 10},
}
RESULT_WEIGHTS = {
    "advice": {"handled-by-partner": 80, "de-escalated": 15, "stopped": 5},
    "regie": {"de-escalated": 60, "handed-over-zvh": 20, "handled-by-partner": 15, "stopped": 5},
}
CASE_PARTNER_ROLES = {"politie": "wijkagent", "ggz": "ambulant hulpverlener", "woningcorporatie": "woonconsulent",
                      "wijkteam": "wijkteamcoach", "veilig-thuis": "aandachtsfunctionaris",
                      "reclassering": "reclasseringswerker", "om": "officier van justitie"}
DESCRIPTIONS = {
    "geluidsoverlast": ["Elke nacht harde muziek en geschreeuw bij de bovenburen.",
                        "Buren slaan met deuren en boren tot na middernacht.",
                        "Er wordt tot in de vroege ochtend gefeest, ook doordeweeks."],
    "vervuiling": ["Vuilniszakken staan al weken in de gezamenlijke gang.",
                   "Afval wordt vanaf het balkon naar beneden gegooid.",
                   "De tuin ligt vol met grofvuil en er lopen ratten."],
    "intimidatie": ["Buurman scheldt ons uit en dreigt als we hem aanspreken.",
                    "Bewoner blokkeert de galerij en intimideert kinderen.",
                    "Na een ruzie over parkeren worden we bedreigd."],
    "verward-gedrag": ["Bewoner loopt 's nachts verward over straat en roept naar voorbijgangers.",
                       "Buurvrouw denkt dat we haar afluisteren en bonkt op de muren.",
                       "Man lijkt de weg kwijt en laat het gas openstaan."],
    "drugsoverlast": ["Veel aanloop aan de deur, vermoedelijk drugshandel.",
                      "Sterke wietlucht in het trappenhuis en spuiten in de bosjes.",
                      "Auto's stoppen kort voor de deur, 's avonds en 's nachts."],
    "stankoverlast": ["Er komt een doordringende stank uit de woning naast ons.",
                      "Rioollucht en rotte etensresten op het balkon."],
    "verwaarlozing": ["Woning lijkt ernstig vervuild; de bewoner komt nauwelijks buiten.",
                      "Huisdieren worden verwaarloosd en blaffen de hele dag."],
    "woonoverlast": ["Aanhoudende overlast van de onderburen; gesprekken hebben niet geholpen.",
                     "Meerdere buren klagen al maanden over dit adres."],
    "overig": ["Melding over onveilige situatie in de portiek.", "Overlast van een bewoner, aard onduidelijk."],
}
NOTES = {"advice": "Advies gegeven aan de ketenpartner; zij pakken de casus verder op.",
         "regie": "Casusoverleg gepland met de betrokken partners; plan van aanpak in voorbereiding."}
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"  # letters real postcodes use
HOUR_WEIGHTS = dict(zip(range(7, 24), [2, 4, 6, 7, 7, 6, 6, 6, 6, 6, 6, 7, 7, 6, 5, 4, 3]))  # when people report


# --- plans: plain objects; the writer fills in `reference` and `id` ----------------------------------

@dataclass
class PlannedCase:
    source: str
    mode: str | None
    received_at: datetime
    opened_at: datetime
    mode_decided_at: datetime | None
    closed_at: datetime | None
    result: str | None
    partners: list[str]
    last_review_at: datetime | None = None  # the latest periodic review of an open case, if it had one
    reference: str = ""
    id: int | None = None


@dataclass
class PlannedReport:
    channel: str
    received_at: datetime
    category: str
    address: tuple[str, str, int, str | None]  # street, postcode, house number, addition
    description: str
    reporter: dict
    outcome: str | None
    triaged_at: datetime | None
    partner: str | None
    case: PlannedCase | None
    reference: str = ""
    id: int | None = None


class Planner:
    """One per load: every draw comes from its generators, seeded with the year and the size."""

    def __init__(self, year: int, size: int, now: datetime):
        self.rng = random.Random(f"gdt-demo-{year}-{size}")
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(self.rng.randrange(2**32))
        self.now = now
        self.addresses = self._addresses(max(20, size * 7 // 10))
        self.hotspots = self.addresses[:max(3, len(self.addresses) // 30)]  # where reports pile up

    def reviews(self, plans: list[PlannedReport], review_weeks: int) -> None:
        """Open cases that were due for a review had it: the last one within the period for most, so they are due
        again later, and one period and some days ago for OVERDUE_REVIEWS of the older ones, which are past due."""
        period = timedelta(weeks=review_weeks)
        due_soon = [plan.case for plan in plans if plan.case and not plan.case.closed_at
                    and plan.case.opened_at < self.now - period + timedelta(days=7)]
        older = [case for case in due_soon if case.opened_at < self.now - period - timedelta(days=7)]
        overdue = {id(case) for case in self.rng.sample(older, min(OVERDUE_REVIEWS, len(older)))}
        for case in due_soon:
            if id(case) in overdue:
                last = self.now - period - timedelta(days=self.rng.uniform(2, 20))
                case.last_review_at = last if last > case.opened_at else None
            else:
                earliest = max(case.opened_at, self.now - period + timedelta(days=2))
                case.last_review_at = earliest + (self.now - timedelta(days=1) - earliest) * self.rng.random()

    def year(self, year: int, size: int) -> list[PlannedReport]:
        """`size` resident reports with exact channel/outcome/mode quotas, plus partner registrations."""
        start = datetime(year, 1, 1, tzinfo=AMSTERDAM)
        end = min(datetime(year + 1, 1, 1, tzinfo=AMSTERDAM), self.now)
        escalated = round(size * ESCALATED_SHARE)
        outcomes = self._shuffled(["escalated"] * escalated + ["referred"] * (size - escalated))
        modes = iter(self._quota(escalated, REPORT_MODE_SHARES))
        plans = [self._report(channel, outcome, start, end, next(modes) if outcome == "escalated" else None)
                 for channel, outcome in zip(self._quota(size, CHANNEL_SHARES), outcomes)]
        registrations = self._quota(round(escalated * PARTNER_REGISTRATIONS_PER_CASE), PARTNER_MODE_SHARES)
        return plans + [self._report("partner", "escalated", start, end, mode) for mode in registrations]

    def untriaged(self, count: int) -> list[PlannedReport]:
        """A few reports from the last days, so the intake queue has work."""
        start = max(self.now - timedelta(days=3), datetime(self.now.astimezone(AMSTERDAM).year, 1, 1, tzinfo=AMSTERDAM))
        return [self._report(channel, None, start, self.now, None) for channel in self._quota(count, CHANNEL_SHARES)]

    def _report(self, channel: str, outcome: str | None, start: datetime, end: datetime,
                mode: str | None) -> PlannedReport:
        received = self._moment(start, end)
        category = self._weighted(CATEGORY_WEIGHTS["referred" if outcome != "escalated" else "escalated"])
        triaged = min(self._office_hours(received + timedelta(hours=self.rng.uniform(0.5, 48))), self.now) \
            if outcome else None
        return PlannedReport(
            channel=channel, received_at=received, category=category, address=self._address(outcome),
            description=self.rng.choice(DESCRIPTIONS[category]), reporter=self._reporter(channel), outcome=outcome,
            triaged_at=triaged, partner=self._weighted(REFERRAL_WEIGHTS) if outcome == "referred" else None,
            case=self._case(channel, mode, received, triaged) if outcome == "escalated" else None,
        )

    def _case(self, channel: str, mode: str, received: datetime, opened: datetime) -> PlannedCase:
        """Most cases closed with a result after weeks or months; recent ones may still be open or undecided."""
        decided = opened + timedelta(days=self.rng.uniform(0.2, 5))
        closed = opened + timedelta(days=self.rng.uniform(14, 150))
        if closed > self.now or (self.rng.random() < OPEN_CASE_SHARE
                                 and opened > self.now - timedelta(days=STILL_OPEN_DAYS)):
            closed = None
        if decided > self.now:
            mode, decided = None, None
        involved = {"advice": 1, "regie": self.rng.randint(2, 4)}.get(mode, 0)
        partners = self.rng.sample(sorted(CASE_PARTNER_ROLES), involved)
        return PlannedCase(source="partner" if channel == "partner" else "report", mode=mode, received_at=received,
                            opened_at=opened, mode_decided_at=decided, closed_at=closed, partners=partners,
                            result=self._weighted(RESULT_WEIGHTS[mode or "regie"]) if closed else None)

    def _reporter(self, channel: str) -> dict:
        if channel != "partner" and self.rng.random() < ANONYMOUS_SHARE:
            return dict(reporter_is_anonymous=True, reporter_name=None, reporter_email=None, reporter_phone=None,
                        reporter_may_contact=False)
        name = self.fake.name()
        email = None if channel == "phone" else _demo_email(name)
        phone = f"06{self.rng.randrange(10**8):08d}" if channel == "phone" or self.rng.random() < 0.4 else None
        return dict(reporter_is_anonymous=False, reporter_name=name, reporter_email=email, reporter_phone=phone,
                    reporter_may_contact=self.rng.random() < 0.7)

    def _addresses(self, count: int) -> list[tuple[str, str, int, str | None]]:
        """Eindhoven-looking addresses: a few houses per street, each street in one postcode."""
        streets = [(self.fake.street_name(), self._postcode()) for _ in range(max(5, count // 12))]
        addresses = []
        for _ in range(count):
            street, postcode = self.rng.choice(streets)
            addition = self.rng.choice(["A", "B", "1", "2", "BIS"]) if self.rng.random() < 0.1 else None
            addresses.append((street, postcode, self.rng.randint(1, 180), addition))
        return addresses

    def _postcode(self) -> str:
        while True:
            letters = self.rng.choice(POSTCODE_LETTERS) + self.rng.choice(POSTCODE_LETTERS)
            if letters not in ("SA", "SD", "SS"):
                return f"{self.rng.randint(5611, 5658)}{letters}"

    def _address(self, outcome: str | None) -> tuple[str, str, int, str | None]:
        """Escalations happen where reports pile up: repeat addresses make the address history worth reading."""
        hotspot_chance = 0.5 if outcome == "escalated" else 0.08
        return self.rng.choice(self.hotspots if self.rng.random() < hotspot_chance else self.addresses)

    def _moment(self, start: datetime, end: datetime) -> datetime:
        """A time of day people report (07–24 h, no DST gap), on a random day in [start, end)."""
        days = (end - start).days
        for _ in range(10):
            day = start.astimezone(AMSTERDAM).date() + timedelta(days=self.rng.randint(0, days))
            moment = datetime.combine(day, time(self._weighted(HOUR_WEIGHTS), self.rng.randrange(60)),
                                      tzinfo=AMSTERDAM)
            if start <= moment < end:
                return moment
        return start + (end - start) * self.rng.random()

    def _office_hours(self, moment: datetime) -> datetime:
        """Coordinators triage between 8 and 18 h: a later moment moves to the next morning."""
        local = moment.astimezone(AMSTERDAM)
        if 8 <= local.hour < 18:
            return moment
        day = local.date() + timedelta(days=1 if local.hour >= 18 else 0)
        return datetime.combine(day, time(8, self.rng.randrange(60)), tzinfo=AMSTERDAM)

    def _quota(self, total: int, shares: dict[str, float]) -> list[str]:
        """Exactly `total` keys in the given shares (largest remainder), shuffled."""
        exact = {key: total * share / sum(shares.values()) for key, share in shares.items()}
        counts = {key: int(value) for key, value in exact.items()}
        for key in sorted(exact, key=lambda key: exact[key] - counts[key], reverse=True)[:total - sum(counts.values())]:
            counts[key] += 1
        return self._shuffled([key for key, count in counts.items() for _ in range(count)])

    def _shuffled(self, items: list) -> list:
        self.rng.shuffle(items)
        return items

    def _weighted(self, weights: dict[str, float]):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]


def _demo_email(name: str) -> str:
    """A reserved .example domain, so no demo e-mail can ever reach a real person."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]+", ".", ascii_name).strip(".") + "@mail.example"


def year_sizes(years: list[int], reports: int, now: datetime) -> dict[int, int]:
    """Resident reports per year: `reports` in the last full year (or the one year asked for), YEARLY_GROWTH
    fewer per year before it and more after; the current year only up to `now`, so in proportion."""
    local = now.astimezone(AMSTERDAM)
    base = local.year - 1 if len(years) > 1 else years[0]
    sizes = {}
    for year in years:
        size = reports * YEARLY_GROWTH ** (year - base)
        if year == local.year:
            start, end = (datetime(year + offset, 1, 1, tzinfo=AMSTERDAM) for offset in (0, 1))
            size *= (now - start) / (end - start)
        sizes[year] = round(size)
    return sizes
