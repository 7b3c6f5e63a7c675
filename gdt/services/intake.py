"""Registering reports and the intake desk's lists."""
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, Category, Report, ReportEvent, User
from gdt.services import audit, reference_data
from gdt.services.errors import ValidationFailed
from gdt.services.references import next_reference
from gdt.services.transaction import unit_of_work
from gdt.validation import (
    InvalidValue,
    clean_fields,
    clean_text,
    normalise_addition,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    parse_house_number,
    required,
    single_line,
)

DESCRIPTION_MAX = 5000


@dataclass
class ReportInput:
    """What a person types or an app sends; cleaned and checked by `clean_report_input`."""

    category: str | None
    description: str | None
    postcode: str | None
    house_number: str | int | None
    house_number_addition: str | None = None
    street: str | None = None
    city: str | None = None
    reporter_is_anonymous: bool = False
    reporter_name: str | None = None
    reporter_email: str | None = None
    reporter_phone: str | None = None
    reporter_may_contact: bool = False


class AddressSignal(NamedTuple):
    """What intake may know about an address: that it is known, not what is in the case."""

    earlier_reports: int
    has_open_case: bool


def register_phone_report(data: ReportInput, *, actor: User) -> Report:
    """A report taken by phone (14040): stored with a new reference, history and audit in one go."""
    fields = clean_report_input(data)
    with unit_of_work():
        received_at = utcnow()
        report = Report(
            reference=next_reference(received_at.astimezone(AMSTERDAM).year),
            channel="phone", status="received", received_at=received_at, registered_by_id=actor.id, **fields,
        )
        report.events.append(ReportEvent(event="register", from_status=None, to_status="received", actor_id=actor.id,
                                         occurred_at=received_at, detail={"channel": "phone"}))
        db.session.add(report)
        audit.record(actor, "create", "report", report.reference)
    return report


def clean_report_input(data: ReportInput) -> dict:
    """Every field checked at once, so a form or API client sees all its mistakes together."""
    raw = asdict(data)
    anonymous, may_contact = bool(raw.pop("reporter_is_anonymous")), bool(raw.pop("reporter_may_contact"))
    if anonymous:
        for field in REPORTER_FIELDS:
            raw.pop(field)
    fields, errors = clean_fields(RULES, raw)
    reachable = fields.get("reporter_email") or fields.get("reporter_phone")
    if may_contact and not anonymous and not reachable and not errors.keys() & {"reporter_email", "reporter_phone"}:
        errors["reporter_phone"] = _l("Vul een telefoonnummer of e-mailadres in als de melder benaderd mag worden.")
    if errors:
        raise ValidationFailed(errors)
    if anonymous:
        fields |= dict.fromkeys(REPORTER_FIELDS)
    category = fields.pop("category")
    return fields | {"category_id": category.id, "reporter_is_anonymous": anonymous,
                     "reporter_may_contact": may_contact and not anonymous}


def _category(key: str | None) -> Category:
    category = reference_data.category_by_key(key)
    if category is None:
        raise InvalidValue(_l("Kies een categorie."))
    return category


REPORTER_FIELDS = ("reporter_name", "reporter_email", "reporter_phone")
RULES = {
    "category": _category,
    "description": required(lambda raw: clean_text(raw, max_length=DESCRIPTION_MAX), _l("Beschrijf de overlast.")),
    "postcode": normalise_postcode,
    "house_number": parse_house_number,
    "house_number_addition": normalise_addition,
    "street": single_line(120),
    "city": single_line(80),
    "reporter_name": required(single_line(120), _l("Vul de naam van de melder in, of kies anoniem.")),
    "reporter_email": normalise_email,
    "reporter_phone": normalise_phone,
}


def address_signal(postcode: str, house_number: int, *, excluding: Report | None = None) -> AddressSignal:
    """How many reports the team has at this address and whether a case there is open."""
    at_address = sa.and_(Report.postcode == postcode, Report.house_number == house_number)
    if excluding is not None:
        at_address = sa.and_(at_address, Report.id != excluding.id)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(at_address))
    open_case = db.session.scalar(
        sa.select(sa.exists().where(at_address, Report.case_id == Case.id, Case.status == "open"))
    )
    return AddressSignal(count, bool(open_case))


def list_intake_queue() -> sa.Select:
    """Untriaged reports, oldest first (index ix_reports_queue)."""
    return (sa.select(Report).where(Report.status == "received")
            .order_by(Report.received_at, Report.id).options(selectinload(Report.category)))


def list_registered_by(user: User) -> sa.Select:
    return (sa.select(Report).where(Report.registered_by_id == user.id)
            .order_by(Report.received_at.desc(), Report.id.desc()).options(selectinload(Report.category)))


def received_year(received_at: datetime) -> int:
    return received_at.astimezone(AMSTERDAM).year
