"""The resident's logbook on "Mijn melding": dated entries (what happened, when, how long) with photos and sound.

The resident writes through their signed link only while the report (or its case) is open; afterwards the logbook
is read-only. Every entry goes through the intake's rules: the text as a report's description
(gdt.validation.clean_text, DESCRIPTION_MAX), the files through `attachments.prepare` (type sniffed and matched,
photos decoded and re-encoded so EXIF is gone, sound read as a recording), at most the webform's number of photos
and one sound fragment per entry. Entries are never changed; staff read them on the report and case pages.
"""
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import Case, Report, User
from gdt.models.resident import ResidentLogEntry
from gdt.services.core import access, audit
from gdt.services.core.errors import Conflict, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.core.working_days import AMSTERDAM
from gdt.services.intake import attachments, webform_intake
from gdt.services.intake.app_intake import public_status_of
from gdt.services.intake.report_intake import DESCRIPTION_MAX
from gdt.validation import InvalidValue, clean_fields, clean_text, required

TEXT_MAX = DESCRIPTION_MAX
MAX_PHOTOS = webform_intake.MAX_PHOTOS
MAX_ENTRIES = 200  # per report: with the rate limit, a bound on what one link can store
DAYS_BACK = 366
MAX_MINUTES = 24 * 60
STAFF_ROLES = ("coordinator", "intake")  # partners never: the logbook is the resident's account to the team

_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DUTCH_DAY = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")
_TIME = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")
_MINUTES = re.compile(r"[0-9]{1,4}")

CLOSED = _l("Uw melding is afgehandeld. U kunt niets meer aan het logboek toevoegen.")
FULL = _l("Het logboek van deze melding is vol. Bel 14 040 en noem uw kenmerk.")
TOO_MANY_PHOTOS = _l("U kunt hoogstens %(count)s foto's toevoegen.")
NOT_A_SOUND = _l("Voeg alleen een geluidsopname toe (m4a, aac, mp3, ogg of wav).")
SOUND_TYPES = frozenset(attachments.AUDIO_TYPES)


@dataclass(frozen=True)
class EntryInput:
    """An entry as typed: the day (2026-05-15 or 15-05-2026), the time (21:30), minutes, the text."""

    happened_on: str | None = None
    happened_at: str | None = None
    duration_minutes: str | None = None
    text: str | None = None


def is_open(report: Report) -> bool:
    """While the report, or the case it is in, is not handled, the resident may add to the logbook."""
    return public_status_of(report) != "handled"


def entries_of(report: Report) -> list[ResidentLogEntry]:
    """The report's entries, the latest day first, with their files."""
    return list(db.session.scalars(
        sa.select(ResidentLogEntry).where(ResidentLogEntry.report_id == report.id)
        .options(selectinload(ResidentLogEntry.attachments))
        .order_by(ResidentLogEntry.happened_on.desc(), ResidentLogEntry.happened_at.desc().nulls_last(),
                  ResidentLogEntry.id.desc())))


def add_entry(report: Report, data: EntryInput, photos: list[tuple[str | None, bytes]],
              sound: tuple[str | None, bytes] | None = None) -> ResidentLogEntry:
    """Store one entry with its files (the resident is the actor: none); every mistake refused at once."""
    if not is_open(report):
        raise Conflict(CLOSED, code="closed")
    count = db.session.scalar(sa.select(sa.func.count()).where(ResidentLogEntry.report_id == report.id))
    if count >= MAX_ENTRIES:
        raise Conflict(FULL, code="full")
    fields, prepared = _checked(data, photos, sound)
    client = webform_intake.webform_client()
    with unit_of_work():
        entry = ResidentLogEntry(report_id=report.id, **fields)
        db.session.add(entry)
        db.session.flush()
        for upload in prepared:
            attachments.store(report, upload, api_client=client, log_entry=entry)
        audit.record(None, "create", "resident_log_entry", report.reference,
                     detail={"entry": entry.id, "photos": sum(upload.kind == "photo" for upload in prepared),
                             "sound": sum(upload.kind == "audio" for upload in prepared)})
    return entry


def may_read(user: User, report: Report) -> bool:
    """Coordinators and intake who may open the report; partners never, whatever they may see of it."""
    return user.role in STAFF_ROLES and access.can_view_report(user, report)


def read_for_staff(user: User, report: Report) -> list[ResidentLogEntry]:
    """The entries `user` may read on the report page (nothing when they may not); a view with entries is audited."""
    if not may_read(user, report):
        return []
    entries = entries_of(report)
    if entries:
        audit.record_now(user, "view_resident_logbook", "report", report.reference,
                         detail={"entries": len(entries)})
    return entries


def read_case_for_staff(user: User, case: Case) -> list[tuple[Report, list[ResidentLogEntry]]]:
    """Per report of the case that `user` may read, its entries (reports without entries left out); audited."""
    if user.role != "coordinator" or not access.can_view_case(user, case):
        return []
    shown = [(report, entries) for report in case.reports
             if may_read(user, report) and (entries := entries_of(report))]
    if shown:
        audit.record_now(user, "view_resident_logbook", "case", case.reference,
                         detail={"reports": [report.reference for report, _ in shown]})
    return shown


def _checked(data: EntryInput, photos: list[tuple[str | None, bytes]],
             sound: tuple[str | None, bytes] | None) -> tuple[dict, list[attachments.PreparedFile]]:
    fields, errors = clean_fields(RULES, {"happened_on": data.happened_on, "happened_at": data.happened_at,
                                          "duration_minutes": data.duration_minutes, "text": data.text})
    prepared = []
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = TOO_MANY_PHOTOS % {"count": MAX_PHOTOS}
    else:
        for filename, content in photos:
            try:
                prepared.append(attachments.prepare(filename, content, photos_only=True))
            except ValidationFailed as failed:  # named, so the resident knows which photo to change
                errors["photos"] = _named(filename, failed)
                break
    if sound is not None:
        filename, content = sound
        try:
            if _extension(filename) not in SOUND_TYPES:
                raise ValidationFailed({attachments.FIELD: NOT_A_SOUND})
            prepared.append(attachments.prepare(filename, content))
        except ValidationFailed as failed:
            errors["sound"] = _named(filename, failed)
    if errors:
        raise ValidationFailed(errors)
    return fields, prepared


def _named(filename: str | None, failed: ValidationFailed) -> str:
    name, message = attachments.display_name(filename), failed.errors[attachments.FIELD]
    return f"{name}: {message}" if name else str(message)


def _extension(filename: str | None) -> str:
    name = (filename or "").strip()
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _day(raw: str | None) -> date:
    text = (raw or "").strip()
    if not text:
        raise InvalidValue(_l("Vul in op welke dag het gebeurde, zoals 15-05-2026."))
    iso, dutch = _ISO_DAY.fullmatch(text), _DUTCH_DAY.fullmatch(text)
    if not (iso or dutch):
        raise InvalidValue(_l("Vul een datum in als dag-maand-jaar, zoals 15-05-2026."))
    year, month, day = (iso[1], iso[2], iso[3]) if iso else (dutch[3], dutch[2], dutch[1])
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidValue(_l("Deze datum bestaat niet.")) from None
    today = utcnow().astimezone(AMSTERDAM).date()
    if value > today:
        raise InvalidValue(_l("Deze datum ligt in de toekomst. Schrijf op wat er al gebeurd is."))
    if value < today - timedelta(days=DAYS_BACK):
        raise InvalidValue(_l("Kies een datum in het afgelopen jaar."))
    return value


def _time(raw: str | None) -> time | None:
    text = (raw or "").strip()
    if not text:
        return None
    found = _TIME.fullmatch(text)
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        raise InvalidValue(_l("Vul een tijd in als uren:minuten, zoals 21:30."))
    return time(int(found[1]), int(found[2]))


def _minutes(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not _MINUTES.fullmatch(text) or not 1 <= int(text) <= MAX_MINUTES:
        raise InvalidValue(_l("Vul het aantal minuten in met cijfers, van 1 tot en met %(max)d.", max=MAX_MINUTES))
    return int(text)


RULES = {
    "happened_on": _day,
    "happened_at": _time,
    "duration_minutes": _minutes,
    "text": required(lambda raw: clean_text(raw, max_length=TEXT_MAX), _l("Beschrijf wat er gebeurde.")),
}
