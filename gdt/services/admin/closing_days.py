"""Closing days (admin only): the municipality's own non-working days on top of weekends and public holidays.

Deadlines skip them like a holiday (gdt/services/core/deadlines.py `calendar()`), together with the days in the
setting EXTRA_NON_WORKING_DAYS. A deadline is fixed when its clock starts, so a change here only moves deadlines
whose clock starts afterwards; that is why only days after today can be added or removed. A weekend day or a public
holiday is refused: it already counts as a non-working day. Each change is audited, kept in the history with its
values, and reaches this process's calendar at once and every other process within
gdt.services.core.closing_days.CACHE_SECONDS.
"""
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import ClosingDay, User
from gdt.services.admin import reference_history
from gdt.services.core import audit, closing_days, deadlines
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.core.working_days import holiday_name, today
from gdt.validation import InvalidValue, clean_fields, required, single_line

DESCRIPTION_MAX = 100
YEARS_AHEAD = 5  # further ahead is a typo (2062 for 2026) rather than a plan
HISTORY_LABELS = {"day": _l("Datum"), "description": _l("Omschrijving")}
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DUTCH = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")


@dataclass(frozen=True)
class ClosingDayEntry:
    """One closing day as the admin sees it: stored in the table (with its description), in the setting, or both."""

    day: date
    description: str | None  # None: only in EXTRA_NON_WORKING_DAYS
    in_settings: bool

    @property
    def is_stored(self) -> bool:
        return self.description is not None


@dataclass(frozen=True)
class ClosingDayList:
    upcoming: list[ClosingDayEntry]  # after today, soonest first
    past_by_year: list[tuple[int, list[ClosingDayEntry]]]  # today and earlier: the newest year first, days in order


def list_closing_days(*, now_day: date | None = None) -> ClosingDayList:
    """Every closing day, stored or configured, split at today."""
    now_day = now_day or today()
    entries = _entries()
    upcoming = [entry for entry in entries if entry.day > now_day]
    past: dict[int, list[ClosingDayEntry]] = {}
    for entry in entries:
        if entry.day <= now_day:
            past.setdefault(entry.day.year, []).append(entry)
    return ClosingDayList(upcoming=upcoming, past_by_year=sorted(past.items(), reverse=True))


def get_entry(raw_day: str) -> ClosingDayEntry:
    """The closing day on `raw_day` (ISO, as in the page's addresses); NotFound when that day is none."""
    try:
        day = parse_day(raw_day)
    except InvalidValue:
        raise NotFound(_l("Deze sluitingsdag bestaat niet.")) from None
    found = [entry for entry in _entries() if entry.day == day]
    if not found:
        raise NotFound(_l("Deze sluitingsdag bestaat niet."))
    return found[0]


def add_closing_day(day: date | str | None, description: str | None, *, actor: User | None,
                    now_day: date | None = None) -> ClosingDay:
    """A new closing day after today, not in a weekend and not on a public holiday; every later deadline skips it."""
    fields = _clean_fields(day=day, description=description)
    _check_new_day(fields["day"], now_day or today())
    with unit_of_work():
        if db.session.scalar(sa.select(ClosingDay.id).where(ClosingDay.day == fields["day"])) is not None:
            raise ServiceError(_l("Deze dag is al een sluitingsdag."), field="day")
        closing_day = ClosingDay(**fields)
        db.session.add(closing_day)
        reference_history.record_change(actor, "closing_day", fields["day"].isoformat(), "create",
                                        after=reference_history.snapshot(closing_day, HISTORY_LABELS))
        audit.record(actor, "create", "closing_day", fields["day"].isoformat())
    closing_days.forget()
    return closing_day


def remove_closing_day(day: date | str, *, actor: User | None, now_day: date | None = None) -> None:
    """Remove a stored closing day after today; one that is also in EXTRA_NON_WORKING_DAYS is refused (it would
    stay a closing day)."""
    entry = get_entry(day.isoformat() if isinstance(day, date) else day)
    refusal = why_not_removable(entry, now_day=now_day)
    if refusal is not None:
        raise ServiceError(refusal)
    with unit_of_work():
        closing_day = db.session.scalar(sa.select(ClosingDay).where(ClosingDay.day == entry.day).with_for_update())
        if closing_day is None:  # removed by someone else meanwhile
            raise NotFound(_l("Deze sluitingsdag bestaat niet."))
        reference_history.record_change(actor, "closing_day", entry.day.isoformat(), "delete",
                                        before=reference_history.snapshot(closing_day, HISTORY_LABELS))
        db.session.delete(closing_day)
        audit.record(actor, "delete", "closing_day", entry.day.isoformat())
    closing_days.forget()


def why_not_removable(entry: ClosingDayEntry, *, now_day: date | None = None) -> str | None:
    """Why the admin cannot remove this day (shown instead of the button), or None when it can go."""
    if entry.day <= (now_day or today()):
        return str(_l("Een sluitingsdag van vandaag of eerder blijft staan: termijnen hebben hem al overgeslagen."))
    if entry.in_settings:
        return str(_l("Deze dag staat in de instelling EXTRA_NON_WORKING_DAYS en blijft daardoor een sluitingsdag. "
                      "Laat de beheerder van de server hem daar eerst weghalen."))
    return None


def history() -> list[reference_history.ChangeLine]:
    """The changes to every closing day, newest first."""
    return reference_history.change_lines("closing_day", None, labels=HISTORY_LABELS,
                                          display={"day": lambda value: day_words(date.fromisoformat(value))})


def day_words(day: date, *, sentence_start: bool = False) -> str:
    """"vrijdag 15 mei 2026" ("Vrijdag …" at the start of a sentence): the weekday helps to spot a typo."""
    words = format_date(day, "full")
    return words[:1].upper() + words[1:] if sentence_start else words


def parse_day(raw: date | str | None) -> date:
    """A day from the form's date field (2026-05-15) or typed the Dutch way (15-05-2026 or 15-5-2026)."""
    if isinstance(raw, date):
        return raw
    text = (raw or "").strip()
    if not text:
        raise InvalidValue(_l("Vul een datum in, zoals 15-05-2026."))
    iso, dutch = _ISO.fullmatch(text), _DUTCH.fullmatch(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dutch:
            return date(int(dutch[3]), int(dutch[2]), int(dutch[1]))
    except ValueError:
        raise InvalidValue(_l("Deze datum bestaat niet.")) from None
    raise InvalidValue(_l("Vul een datum in als dag-maand-jaar, zoals 15-05-2026."))


def _check_new_day(day: date, now_day: date) -> None:
    if day <= now_day:
        raise ServiceError(_l("Kies een dag na vandaag. Een sluitingsdag telt alleen voor termijnen die daarna "
                              "beginnen: termijnen die al lopen, verschuiven niet."), field="day")
    if day.year > now_day.year + YEARS_AHEAD:
        raise ServiceError(_l("Kies een dag in de komende %(years)d jaar.", years=YEARS_AHEAD), field="day")
    holiday = holiday_name(day, _holiday_language())
    if holiday is not None:
        raise ServiceError(_l("Deze dag (%(day)s) is al een feestdag: %(holiday)s. Feestdagen tellen al niet mee "
                              "voor termijnen.", day=day_words(day), holiday=holiday), field="day")
    if day.weekday() >= 5:
        raise ServiceError(_l("Deze dag (%(day)s) valt in het weekend en telt al niet mee voor termijnen.",
                              day=day_words(day)), field="day")


def _holiday_language() -> str:
    locale = get_locale()
    return "en_US" if locale is not None and locale.language == "en" else "nl"


def _entries() -> list[ClosingDayEntry]:
    stored = dict(db.session.execute(sa.select(ClosingDay.day, ClosingDay.description)).all())
    configured = deadlines.configured_closing_days()
    return [ClosingDayEntry(day=day, description=stored.get(day), in_settings=day in configured)
            for day in sorted(stored.keys() | configured)]


def _clean_fields(**raw) -> dict:
    fields, errors = clean_fields(RULES, raw)
    if errors:
        raise ValidationFailed(errors)
    return fields


RULES = {
    "day": parse_day,
    "description": required(single_line(DESCRIPTION_MAX), _l("Vul een omschrijving in, zoals Brugdag na Hemelvaart.")),
}
