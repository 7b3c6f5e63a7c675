"""Registering reports, the address at intake (lookup, signal, recurrence) and the intake desk's lists."""
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, append_row, db, utcnow
from gdt.models import Case, Category, Report, ReportEvent, User
from gdt.services.core import audit, deadlines, reference_data
from gdt.services.core.errors import ValidationFailed
from gdt.services.core.reference_numbers import next_reference
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.events import publish as events
from gdt.services.intake import addresses, receipts
from gdt.validation import (
    InvalidValue,
    clean_fields,
    clean_text,
    name_line,
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
    bag_id: str | None = None  # the BAG address chosen after a lookup; checked again against the service on save


class AddressSignal(NamedTuple):
    """What intake may know about an address: that it is known, not what is in the case."""

    earlier_reports: int
    has_open_case: bool


def register_phone_report(data: ReportInput, *, actor: User) -> Report:
    """A report taken by phone (14040): stored with a new reference, history and audit in one go.

    The address is linked to the BAG when the service confirms it (asked before the transaction
    opens, never holding it); when the service is down the report is saved as typed.
    """
    fields = with_address_ids(clean_report_input(data), chosen=data.bag_id)
    with unit_of_work():
        report = add_report(fields, channel="phone", actor=actor)
        audit.record(actor, "create", "report", report.reference)
        receipts.queue_receipt(report)  # sent only if this unit of work commits
    return report


@joins_unit_of_work
def add_report(fields: dict, *, channel: str, actor: User | None = None, reference: str | None = None,
               **columns) -> Report:
    """A new report with its reference and "register" event, inside the caller's unit of work.

    Every channel goes through here, so a report always starts the same way; `columns` are the
    channel's own (api_client_id, reporter_token_hash, …); `reference` one the caller drew with
    `new_reference()`. Flushed: the id is there for follow-up rows.
    """
    received_at = utcnow()
    # The fields carry the category itself or its id (loaded when the fields were cleaned: no query).
    category = fields["category"] if "category" in fields else db.session.get(Category, fields["category_id"])
    report = Report(reference=reference or new_reference(received_at), channel=channel, status="received",
                    received_at=received_at, triage_due_at=deadlines.triage_due(received_at, category),
                    registered_by_id=actor.id if actor else None,
                    **fields, **columns)
    db.session.add(report)
    db.session.flush()
    append_row(ReportEvent(report_id=report.id, event="register", from_status=None, to_status="received",
                           actor_id=actor.id if actor else None, occurred_at=received_at, detail={"channel": channel}))
    events.publish("nl.gdt.report.received", kind="report", reference=report.reference, channel=channel)
    return report


@joins_unit_of_work
def new_reference(moment: datetime | None = None) -> str:
    """The next reference of the year (Europe/Amsterdam) of `moment`, default now."""
    return next_reference((moment or utcnow()).astimezone(AMSTERDAM).year)


def clean_report_input(data: ReportInput, *, resident: bool = False) -> dict:
    """Every field checked at once, so a form or API client sees all its mistakes together.

    `resident`: the webform and the app, which accept only the categories marked public; staff channels take every
    active category.
    """
    raw = asdict(data)
    raw.pop("bag_id")
    anonymous, may_contact = bool(raw.pop("reporter_is_anonymous")), bool(raw.pop("reporter_may_contact"))
    if anonymous:
        for field in REPORTER_FIELDS:
            raw.pop(field)
    fields, errors = clean_fields(RULES | {"category": _public_category} if resident else RULES, raw)
    reachable = fields.get("reporter_email") or fields.get("reporter_phone")
    if may_contact and not anonymous and not reachable and not errors.keys() & {"reporter_email", "reporter_phone"}:
        errors["reporter_phone"] = _l("Vul een telefoonnummer of e-mailadres in als de melder benaderd mag worden.")
    if errors:
        raise ValidationFailed(errors)
    if anonymous:
        fields |= dict.fromkeys(REPORTER_FIELDS)
    # The category itself, not its id: the report and its deadline need it, and a loaded object costs no query.
    return fields | {"reporter_is_anonymous": anonymous,
                     "reporter_may_contact": may_contact and not anonymous}


def _category(key: str | None, *, public_only: bool = False) -> Category:
    category = reference_data.category_by_key(key, public_only=public_only)
    if category is None:
        raise InvalidValue(_l("Kies een categorie."))
    return category


def _public_category(key: str | None) -> Category:
    return _category(key, public_only=True)


REPORTER_FIELDS = ("reporter_name", "reporter_email", "reporter_phone")
RULES = {
    "category": _category,
    "description": required(lambda raw: clean_text(raw, max_length=DESCRIPTION_MAX), _l("Beschrijf de overlast.")),
    "postcode": normalise_postcode,
    "house_number": parse_house_number,
    "house_number_addition": normalise_addition,
    "street": single_line(120),
    "city": single_line(80),
    "reporter_name": required(name_line(120), _l("Vul de naam van de melder in, of kies anoniem.")),
    "reporter_email": normalise_email,
    "reporter_phone": normalise_phone,
}
ADDRESS_RULES = {name: RULES[name] for name in ("postcode", "house_number", "house_number_addition")}


class AddressKey(NamedTuple):
    """An address as typed or found, with Report's attribute names so it fits `same_address` like a Report."""

    postcode: str
    house_number: int
    house_number_addition: str | None = None
    bag_id: str | None = None


@dataclass(frozen=True)
class AddressLookup:
    """The answer to "Zoek adres": what the BAG has at the address and what the team knows there.

    status: found (one address meant), choose (several, or not the typed addition), none,
    unavailable (the service did not answer) or invalid (`errors` per field).
    """

    status: str
    matches: tuple[addresses.AddressMatch, ...] = ()
    chosen: addresses.AddressMatch | None = None
    signal: AddressSignal | None = None
    errors: dict = field(default_factory=dict)


def lookup_address(postcode: str | None, house_number: str | int | None, *, addition: str | None = None,
                   bag_id: str | None = None, signal: bool = True) -> AddressLookup:
    """BAG matches and the intake signal for a typed address; nothing is stored.

    `signal=False` leaves out what the team knows at the address, for those who may not know it (a partner
    registering a case: partner_registrations.lookup_address).
    """
    typed, errors = clean_fields(ADDRESS_RULES, {"postcode": postcode, "house_number": house_number,
                                                 "house_number_addition": addition})
    if errors:
        return AddressLookup("invalid", errors=errors)
    try:
        matches = addresses.lookup(typed["postcode"], typed["house_number"])
    except addresses.AddressServiceUnavailable:
        matches = None
    chosen = addresses.resolve(matches or [], bag_id=bag_id, addition=typed["house_number_addition"])
    status = "unavailable" if matches is None else "found" if chosen else "choose" if matches else "none"
    key = AddressKey(typed["postcode"], typed["house_number"], typed["house_number_addition"])
    if chosen is not None:
        key = key._replace(house_number_addition=chosen.addition, bag_id=chosen.bag_id)
    return AddressLookup(status, tuple(matches or ()), chosen, address_signal(*key) if signal else None)


def with_address_ids(fields: dict, *, chosen: str | None, bag_wins: bool = False) -> dict:
    """Clean report fields plus BAG id and CBS wijk/buurt when the service confirms the address.

    The BAG fills what was left empty (addition, street, city); typed text is kept, unless `bag_wins` (a
    correction: the street and city left from the old address must not stay with the new one). Any doubt
    (down, several addresses and none chosen, a typed addition the BAG lacks) leaves the fields as typed.
    """
    try:
        matches = addresses.lookup(fields["postcode"], fields["house_number"])
    except addresses.AddressServiceUnavailable:
        return fields
    match = addresses.resolve(matches, bag_id=chosen, addition=fields.get("house_number_addition"))
    if match is None:
        return fields
    typed = {} if bag_wins else fields
    return fields | {"house_number_addition": match.addition, "street": typed.get("street") or match.street,
                     "city": typed.get("city") or match.city, "bag_id": match.bag_id,
                     "wijk_code": match.wijk_code, "buurt_code": match.buurt_code} | match.coordinates


def same_address(other, this) -> sa.ColumnElement[bool]:
    """SQL: report `other` (Report or an alias) is at the address of `this` (a Report, AddressKey or alias).

    When both BAG ids are known they decide (the id survives a renumbered postcode, and tells 12A from
    12B). Otherwise postcode + house number, and the addition only when both have one: a report
    without an addition may concern any address at the number.
    """
    both_ids = sa.and_(_known(this.bag_id), other.bag_id.is_not(None))
    addition = other.house_number_addition
    by_number = sa.and_(other.postcode == this.postcode, other.house_number == this.house_number,
                        sa.or_(~_known(this.house_number_addition), addition.is_(None),
                               addition == this.house_number_addition))
    return sa.or_(sa.and_(both_ids, other.bag_id == this.bag_id), sa.and_(~both_ids, by_number))


def _known(value) -> sa.ColumnElement[bool]:
    """IS NOT NULL for a column; a constant for a Python value, which SQLAlchemy folds away."""
    if isinstance(value, sa.sql.operators.ColumnOperators):
        return value.is_not(None)
    return sa.true() if value is not None else sa.false()


def address_signal(postcode: str, house_number: int, addition: str | None = None, bag_id: str | None = None, *,
                   excluding: Report | None = None) -> AddressSignal:
    """How many reports the team has at this address and whether a case there is open."""
    at_address = same_address(Report, AddressKey(postcode, house_number, addition, bag_id))
    if excluding is not None:
        at_address = sa.and_(at_address, Report.id != excluding.id)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(at_address))
    open_case = db.session.scalar(
        sa.select(sa.exists().where(at_address, Report.case_id == Case.id, Case.status == "open"))
    )
    return AddressSignal(count, bool(open_case))


def reports_with_open_case_at_address(report_ids: list[int]) -> set[int]:
    """Which of these reports lie at an address where another report belongs to an open case.

    One query for a whole page of the queue (a correlated EXISTS), never one per row.
    """
    if not report_ids:
        return set()
    this, other = so.aliased(Report), so.aliased(Report)
    open_case_there = sa.exists().where(same_address(other, this), other.id != this.id,
                                        other.case_id == Case.id, Case.status == "open")
    return set(db.session.scalars(sa.select(this.id).where(this.id.in_(report_ids), open_case_there)))


def received_year(received_at: datetime) -> int:
    return received_at.astimezone(AMSTERDAM).year
