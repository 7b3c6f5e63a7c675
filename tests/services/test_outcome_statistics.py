""""Werkt het?": interventions, results, recurrence, durations and satisfaction on data with known answers.

`build_outcomes_2025` is shared with the page, export and API tests: every figure it yields is worked out by hand
in the comments below.
"""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import Case, Report
from gdt.models.interventions import Intervention, InterventionType
from gdt.models.people import Person, PersonLink
from gdt.models.resident_contact import SatisfactionResponse
from gdt.services.reporting import outcome_counts, outcomes, recurrence
from gdt.services.reporting.recurrence import Recurrence, Window

NOW = datetime(2026, 9, 1, tzinfo=UTC)
CLOSED = datetime(2025, 3, 10, 12, tzinfo=UTC)


def at(moment: datetime, months: int) -> datetime:
    """`moment` plus calendar months (the day exists in every month used here)."""
    month = moment.month - 1 + months
    return moment.replace(year=moment.year + month // 12, month=month % 12 + 1)


class Recurring:
    """A small world of closed cases, each at an address of its own (postcode 5611xx, number by case)."""

    def __init__(self, make):
        self.make = make
        self.numbers = iter(range(1, 1000))

    def closed_case(self, closed_at: datetime, **fields) -> tuple[Case, dict]:
        address = {"postcode": "5611AB", "house_number": next(self.numbers)}
        case = self.make.case("closed", received_at=closed_at - timedelta(days=60), closed_at=closed_at, **fields)
        self.make.report(case=case, received_at=closed_at - timedelta(days=60), **address)
        return case, address

    def new_report(self, received_at: datetime, **fields):
        return self.make.report(received_at=received_at, **fields)

    def person(self, **link):
        person = Person(name="Bewoner")
        self.make.session.add(person)
        self.make.session.flush()
        self.link(person, **link)
        return person

    def link(self, person, **owner):
        self.make._add(PersonLink(person=person, role="subject", **owner))


def build_recurrence_2025(make) -> None:
    """11 cases closed in 2025 (Amsterdam); with NOW: 6 months — 10 measured, 5 recurred (1, 4, 5, 6, 7); 12 months —
    9 measured, 7 recurred (1, 2, 4, 5, 7, 8, 9), 1 too recent (6); 1 destroyed (11, untraceable)."""
    world = Recurring(make)
    # 1. A new report at exactly closing + 6 months: within both windows.
    _, address = world.closed_case(CLOSED)
    world.new_report(at(CLOSED, 6), **address)
    # 2. One microsecond after closing + 6 months: only within 12.
    _, address = world.closed_case(CLOSED)
    world.new_report(at(CLOSED, 6) + timedelta(microseconds=1), **address)
    # 3. The case's own late report and an unlinked report before closing: no recurrence.
    case, address = world.closed_case(CLOSED)
    world.new_report(CLOSED + timedelta(days=20), case=case, **address)
    world.new_report(CLOSED - timedelta(days=5), **address)
    # 4. A person of the case reports at another address: recurrence through the person.
    case, _ = world.closed_case(CLOSED)
    person = world.person(case=case)
    world.link(person, report=world.new_report(CLOSED + timedelta(days=90), postcode="1011AA", house_number=1))
    # 5. A person linked to one of the case's reports turns up in another (open) case with a new report.
    case, _ = world.closed_case(CLOSED)
    person = world.person(report=case.reports[0])
    other = make.case(received_at=CLOSED + timedelta(days=30))
    world.link(person, case=other)
    world.new_report(CLOSED + timedelta(days=30), case=other, postcode="1011AB", house_number=2)
    # 6. Closed on 20 December: 6 months have passed by NOW, 12 have not; a new report after 2 months.
    closed_late = datetime(2025, 12, 20, 12, tzinfo=UTC)
    _, address = world.closed_case(closed_late)
    world.new_report(at(closed_late, 2), **address)
    # 7. Closed 31 August: + 6 months is 28 February (the month's last day), where a new report counts …
    end_of_august = datetime(2025, 8, 31, 12, tzinfo=UTC)
    _, address = world.closed_case(end_of_august)
    world.new_report(datetime(2026, 2, 28, 12, tzinfo=UTC), **address)
    # 8. … and on 1 March it is after the 6-month window (a date that ran over would say 3 March): only within 12.
    _, address = world.closed_case(end_of_august)
    world.new_report(datetime(2026, 3, 1, 9, tzinfo=UTC), **address)
    # 9. BAG ids decide when both reports have one: a renumbered postcode matches, another id at the number not.
    case = make.case("closed", received_at=datetime(2024, 12, 1, tzinfo=UTC),
                     closed_at=datetime(2025, 2, 1, tzinfo=UTC))
    make.report(case=case, received_at=datetime(2024, 12, 1, tzinfo=UTC), postcode="5622AA", house_number=7,
                bag_id="0772200000000001")
    world.new_report(datetime(2025, 12, 1, tzinfo=UTC), postcode="5622AZ", house_number=7, bag_id="0772200000000001")
    world.new_report(datetime(2025, 3, 1, tzinfo=UTC), postcode="5622AA", house_number=7, bag_id="0772200000000002")
    # 10. Closed 31 December 23:30 UTC, which is 2025 in Amsterdam; nothing new.
    world.closed_case(datetime(2024, 12, 31, 23, 30, tzinfo=UTC))
    # 11. Destroyed: its report has no address left, so the new report there cannot be found; counted apart.
    case = make.case("closed", received_at=CLOSED - timedelta(days=60), closed_at=CLOSED, destroyed_at=NOW)
    make.report(case=case, received_at=CLOSED - timedelta(days=60), postcode=None, house_number=None, destroyed_at=NOW)
    world.new_report(CLOSED + timedelta(days=10), postcode="5611AB", house_number=999)
    # Not closed in 2025: a merged case with a new report at its address, an open case, a case closed in 2024.
    merged_into = make.case(received_at=CLOSED)
    merged = make.case("merged", merged_into_id=merged_into.id, received_at=CLOSED)
    make.report(case=merged, received_at=CLOSED, postcode="5633AA", house_number=1)
    world.new_report(CLOSED + timedelta(days=1), postcode="5633AA", house_number=1)
    world.closed_case(datetime(2024, 12, 31, 22, 30, tzinfo=UTC))


def test_recurrence_on_known_data(make):
    build_recurrence_2025(make)
    found = recurrence.recurrence([2024, 2025, 2026], now=NOW)
    assert found[2025] == Recurrence(2025, closed=11, untraceable=1, windows=(
        Window(6, measured=10, recurred=5, too_recent=0), Window(12, measured=9, recurred=7, too_recent=1)))
    assert found[2024].closed == 1 and found[2026].closed == 0


def test_nothing_measured_before_the_window_has_passed(make):
    build_recurrence_2025(make)
    found = recurrence.recurrence([2025], now=datetime(2025, 9, 10, 11, 59, tzinfo=UTC))[2025]
    # Only case 9 (closed 1 February) and case 10 (1 January) are 6 months past; none 12 months.
    assert found.windows == (Window(6, measured=2, recurred=0, too_recent=8), Window(12, measured=0, recurred=0,
                                                                                        too_recent=10))


def test_recurrence_shares_and_small_cells():
    found = Recurrence(2025, closed=40, untraceable=2, windows=(Window(6, 30, 3, 8), Window(12, 4, 4, 34)))
    section = outcomes.recurrence_section(found, threshold=5)
    assert section["windows"][0] == {"months": 6, "measured": 30, "recurred": None, "suppressed": True,
                                     "percent": None, "too_recent": 8}
    assert section["windows"][1]["percent"] is None  # four of four: a group too small for a share
    section = outcomes.recurrence_section(Recurrence(2025, 40, 0, (Window(6, 30, 6, 10), Window(12, 8, 5, 32))), 5)
    assert [window["percent"] for window in section["windows"]] == [20.0, 62.5]


def test_add_months_keeps_the_time_and_stops_at_the_last_day(make, db):
    from gdt.db import UTCDateTime

    cases = {moment: make.case("closed", received_at=moment, closed_at=moment) for moment in (
        datetime(2025, 8, 31, 23, 59, 59, 999999, tzinfo=UTC), datetime(2023, 8, 30, 6, tzinfo=UTC),
        datetime(2025, 1, 31, 12, 0, 0, 1, tzinfo=UTC))}
    expected = {datetime(2025, 8, 31, 23, 59, 59, 999999, tzinfo=UTC): datetime(2026, 2, 28, 23, 59, 59, 999999,
                                                                                  tzinfo=UTC),
                datetime(2023, 8, 30, 6, tzinfo=UTC): datetime(2024, 2, 29, 6, tzinfo=UTC),
                datetime(2025, 1, 31, 12, 0, 0, 1, tzinfo=UTC): datetime(2025, 7, 31, 12, 0, 0, 1, tzinfo=UTC)}
    for moment, case in cases.items():
        end = sa.literal(expected[moment], UTCDateTime())
        shifted = recurrence.add_months(Case.closed_at, 6)
        row = db.session.execute(sa.select(shifted == end, shifted < end).where(Case.id == case.id)).one()
        assert tuple(bool(value) for value in row) == (True, False), moment


def build_interventions_2025(make) -> None:
    """2025: gesprek 6, buurtbemiddeling 2, waarschuwing 1 (an inactive type, still used); sluiting unused."""
    case = make.case()
    kinds = [InterventionType(code=code, name=name, position=position, active=active)
             for code, name, position, active in (("gesprek", "Gesprek", 1, True),
                                                  ("buurtbemiddeling", "Buurtbemiddeling", 2, True),
                                                  ("sluiting-174a", "Sluiting 174a", 9, False),
                                                  ("waarschuwing", "Waarschuwing", 4, False))]
    for kind in kinds:
        make._add(kind)
    talk, mediation, _, warning = kinds

    def add(kind, status, proposed_on, decided_on=None):
        make._add(Intervention(case=case, type=kind, status=status, proposed_on=proposed_on, decided_on=decided_on))

    for day in range(1, 6):
        add(talk, "decided", date(2025, 3, day), date(2025, 3, day + 1))
    add(talk, "decided", date(2024, 12, 20), date(2025, 1, 2))  # decided in 2025: counts there
    add(talk, "decided", date(2024, 12, 20), date(2024, 12, 31))  # decided in 2024
    add(talk, "withdrawn", date(2025, 5, 1))  # withdrawn before a decision: never counted
    add(mediation, "in_force", date(2025, 4, 1), date(2025, 4, 2))
    add(mediation, "withdrawn", date(2025, 4, 1), date(2025, 4, 3))  # decided, later withdrawn: it happened
    add(warning, "proposed", date(2025, 12, 31))


def test_interventions_per_type(make):
    build_interventions_2025(make)
    assert outcome_counts.interventions_per_type(2025) == [
        ("gesprek", "Gesprek", 6), ("buurtbemiddeling", "Buurtbemiddeling", 2), ("waarschuwing", "Waarschuwing", 1)]
    assert outcome_counts.interventions_per_type(2024) == [
        ("gesprek", "Gesprek", 1), ("buurtbemiddeling", "Buurtbemiddeling", 0)]


def test_small_intervention_counts_are_suppressed_and_have_no_share(app, make):
    build_interventions_2025(make)
    with app.test_request_context():
        section = outcomes.yearly_outcomes(2025)["interventions"]
    assert section["total"] == 9
    assert section["items"] == [
        {"key": "gesprek", "label": "Gesprek", "count": 6, "percent": 66.7, "suppressed": False},
        {"key": "buurtbemiddeling", "label": "Buurtbemiddeling", "count": None, "percent": None, "suppressed": True},
        {"key": "waarschuwing", "label": "Waarschuwing", "count": None, "percent": None, "suppressed": True}]


def test_closed_cases_per_result_in_the_amsterdam_year(app, make):
    make.defaults()
    for _ in range(5):
        make.case("closed", closed_at=datetime(2025, 6, 1, tzinfo=UTC), received_at=datetime(2025, 1, 1, tzinfo=UTC))
    make.case("closed", closed_at=datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
              received_at=datetime(2024, 1, 1, tzinfo=UTC))  # 2025 in Amsterdam
    make.case("closed", closed_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC), result="stopped",
              received_at=datetime(2025, 1, 1, tzinfo=UTC))  # 2026 in Amsterdam
    make.case("closed", closed_at=datetime(2025, 7, 1, tzinfo=UTC), result="imported",
              received_at=datetime(2025, 1, 1, tzinfo=UTC))  # a key without a row in case_results
    make.case("merged", merged_into_id=make.case().id)
    assert outcome_counts.closed_per_result(2025) == [
        ("de-escalated", "Gede-escaleerd", 6), ("handled-by-partner", "Afgehandeld door ketenpartner", 0),
        ("handed-over-zvh", "Overgedragen aan Zorg- en Veiligheidshuis", 0), ("stopped", "Gestopt", 0),
        ("imported", "imported", 1)]
    with app.test_request_context():
        section = outcomes.yearly_outcomes(2025)["closed_cases"]
    assert section["total"] == 7
    assert section["items"][0] == {"key": "de-escalated", "label": "Gede-escaleerd", "count": 6, "percent": 85.7,
                                   "suppressed": False}
    assert section["items"][1]["count"] == 0 and section["items"][1]["percent"] == 0.0  # zero reveals nobody
    assert section["items"][-1]["suppressed"]


def build_durations_2025(make) -> None:
    """Closed in 2025, opened → closed: advice 10, 20, 30, 40, 50 days (median 30, p90 46); regie 100 days twice
    (too few to show); one regie case closed in 2024."""
    closed = datetime(2025, 11, 1, 12, tzinfo=UTC)
    for days in (10, 20, 30, 40, 50):
        make.case("closed", mode="advice", opened_at=closed - timedelta(days=days), closed_at=closed,
                  received_at=closed - timedelta(days=days + 5))
    for _ in range(2):
        make.case("closed", mode="regie", opened_at=closed - timedelta(days=100), closed_at=closed,
                  received_at=closed - timedelta(days=100))
    make.case("closed", mode="regie", opened_at=datetime(2024, 1, 1, tzinfo=UTC),
              closed_at=datetime(2024, 6, 1, tzinfo=UTC), received_at=datetime(2024, 1, 1, tzinfo=UTC))


def test_median_duration_per_mode(app, make):
    build_durations_2025(make)
    found = outcome_counts.durations_per_mode([2024, 2025])
    assert {mode: (d.count, d.median_days, d.p90_days) for mode, d in found[2025].items()} == {
        "advice": (5, 30, 46), "regie": (2, 100, 100)}
    assert found[2024]["regie"].count == 1
    with app.test_request_context():
        section = outcomes.yearly_outcomes(2025)["durations"]
    assert section["by_mode"] == [
        {"key": "advice", "label": "Informatie/advies aan ketenpartner", "count": 5, "suppressed": False,
         "median_days": 30.0, "p90_days": 46.0},
        {"key": "regie", "label": "Casus-/procesregie", "count": None, "suppressed": True, "median_days": None,
         "p90_days": None}]


def build_satisfaction_2025(make) -> None:
    """2025: score 5 six times, 4 five times, 1 once (mean 51 / 12 = 4.25 → 4.3); one answer in 2024."""
    for score, times in ((5, 6), (4, 5), (1, 1)):
        for _ in range(times):
            make._add(SatisfactionResponse(report_id=make.report().id, score=score,
                                           answered_at=datetime(2025, 4, 1, tzinfo=UTC)))
    make._add(SatisfactionResponse(report_id=make.report().id, score=2, answered_at=datetime(2024, 4, 1, tzinfo=UTC)))


def test_satisfaction_shares_and_mean(app, make):
    build_satisfaction_2025(make)
    assert outcome_counts.satisfaction_per_score([2024, 2025]) == {2024: {2: 1}, 2025: {5: 6, 4: 5, 1: 1}}
    with app.test_request_context():
        section = outcomes.yearly_outcomes(2025)["satisfaction"]
    assert section["total"] == 12 and section["mean"] == 4.3
    assert [(item["key"], item["count"], item["percent"]) for item in section["by_score"]] == [
        ("1", None, None), ("2", 0, 0.0), ("3", 0, 0.0), ("4", 5, 41.7), ("5", 6, 50.0)]
    with app.test_request_context():
        few = outcomes.yearly_outcomes(2024)["satisfaction"]
    assert few["total"] == 1 and few["mean"] is None  # one answer's mean is that person's score


@pytest.mark.parametrize("found, mean", [({}, None), ({3: 1, 4: 1}, 3.5), ({1: 2, 2: 1}, 1.3)])
def test_mean_score(found, mean):
    assert outcomes.mean_score(found) == mean


def test_the_indicators_compute_the_same_figures(app, make, monkeypatch):
    from decimal import Decimal

    from gdt.services.reporting import indicator_table, indicators

    monkeypatch.setattr(recurrence, "utcnow", lambda: NOW)
    build_recurrence_2025(make)
    build_durations_2025(make)
    build_satisfaction_2025(make)
    for source in outcomes.RECURRENCE_SOURCES | outcomes.DURATION_SOURCES | {"share_satisfied": None}:
        indicators.create_indicator(source.replace("_", "-"), source, source=source, actor=None)
    with app.test_request_context():
        table = indicator_table.table([2024, 2025])
    values = {row.source: [cell.value for cell in row.cells] for row in table.rows}
    # 2025: 6 months 5 of 17 (the 10 above and the 7 of the durations), 12 months 7 of 9 (the durations' cases
    # closed 1 November, too recent); advice median 30 days,
    # regie too few; 11 of 12 answers 4 or 5. 2024: one case closed, too few for any share.
    assert values == {"recurrence_6_months": [None, Decimal("29.4")], "recurrence_12_months": [None, Decimal("77.8")],
                      "median_days_advice": [None, Decimal("30.0")], "median_days_regie": [None, None],
                      "share_satisfied": [None, Decimal("91.7")]}
    assert {row.source: row.unit for row in table.rows} == {
        "recurrence_6_months": "percent", "recurrence_12_months": "percent", "median_days_advice": "days",
        "median_days_regie": "days", "share_satisfied": "percent"}


def build_outcomes_2025(make) -> None:
    """All of the above together (for the page, the downloads and the API). In 2025: 18 cases closed (the 11 of
    the recurrence world and the 7 of the durations); 6 months on, 17 can be told and 5 recurred (29.4 %)."""
    make.defaults()
    build_recurrence_2025(make)
    build_interventions_2025(make)
    build_durations_2025(make)
    build_satisfaction_2025(make)


ADDRESS_PAIRS = [  # (the case's report, the new report): the new one is at the same address exactly when the rule says
    ({"bag_id": "0772200000000011"}, {"bag_id": "0772200000000011", "postcode": "5699ZZ"}),  # the id decides
    ({"bag_id": "0772200000000012"}, {"bag_id": "0772200000000013"}),  # another id at the same number
    ({"bag_id": "0772200000000014"}, {}),  # typed by hand: postcode and number
    ({}, {"bag_id": "0772200000000015"}),
    ({"house_number_addition": "A"}, {"house_number_addition": "B"}),
    ({"house_number_addition": "A"}, {}),  # without an addition: any address at the number
    ({}, {"house_number": 99}),
]


def test_the_address_halves_are_the_triage_rule(make, db):
    """recurrence splits same_address into two joins for the indexes; each pair gets a year of its own."""
    import sqlalchemy.orm as so

    from gdt.services.intake.report_intake import same_address

    expected = {}
    for offset, (own_fields, new_fields) in enumerate(ADDRESS_PAIRS):
        year = 2011 + offset
        closed = datetime(year, 6, 1, tzinfo=UTC)
        address = {"postcode": f"56{offset:02d}AA", "house_number": 7}
        case = make.case("closed", received_at=closed - timedelta(days=30), closed_at=closed)
        own = make.report(case=case, received_at=closed - timedelta(days=30), **address | own_fields)
        new = make.report(received_at=closed + timedelta(days=30), **address | new_fields)
        this, other = so.aliased(Report), so.aliased(Report)
        expected[year] = int(db.session.scalar(sa.select(same_address(other, this))
                                               .join_from(this, other, other.id == new.id).where(this.id == own.id)))
    found = recurrence.recurrence(list(expected), now=NOW)
    assert {year: found[year].windows[0].recurred for year in expected} == expected
    assert expected == {2011: 1, 2012: 0, 2013: 1, 2014: 1, 2015: 0, 2016: 1, 2017: 0}


def test_destruction_leaves_no_address_to_follow(make, db):
    """Destroying a case (gdt.services.retention) keeps its row, its report's wijk and buurt, and removes postcode,
    number, BAG id and person links: it moves from the shares to "untraceable". Destroying the new report instead
    (a referred report's own retention) makes the case look as if nothing came back."""
    from gdt.services.core.transaction import unit_of_work
    from gdt.services.retention import content_removal

    world = Recurring(make)
    followed, address = world.closed_case(CLOSED)
    make.session.execute(Report.__table__.update().where(Report.case_id == followed.id)
                         .values(bag_id="0772200000000099", wijk_code="WK077201", buurt_code="BU07720101"))
    world.person(case=followed)
    world.new_report(CLOSED + timedelta(days=20), **address)
    other, address = world.closed_case(CLOSED)
    new = world.new_report(CLOSED + timedelta(days=20), **address)
    assert recurrence.recurrence([2025], now=NOW)[2025].windows[0] == Window(6, measured=2, recurred=2, too_recent=0)

    with unit_of_work():
        content_removal.remove_case(followed)
        content_removal.remove_report(new)
    kept = db.session.execute(sa.select(Report.postcode, Report.house_number, Report.bag_id, Report.wijk_code,
                                        Report.buurt_code, Report.destroyed_at.is_not(None))
                              .where(Report.case_id == followed.id)).one()
    assert tuple(kept) == (None, None, None, "WK077201", "BU07720101", True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonLink)
                             .where(PersonLink.case_id == followed.id)) == 0
    found = recurrence.recurrence([2025], now=NOW)[2025]
    assert (found.closed, found.untraceable) == (2, 1)
    assert found.windows[0] == Window(6, measured=1, recurred=0, too_recent=0)
