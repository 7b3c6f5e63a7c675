"""A chain partner registers a case with the team (aanmelding door ketenpartner, channel `partner`).

The registration becomes a Report of channel `partner` — it enters the intake queue and triage like
any report — plus a PartnerRegistration with what only a partner can tell: who registers, about
whom, why, what was tried and who else is involved. The statistics count it under `gdt.all_cases`
once it becomes a case, never under the residents' `reports` (docs/domain.md, "Statistics").

Partners see their own organisation's registrations only, with a partner-safe status: never the
triage reasoning, the journal or other reports at the address.
"""
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db
from gdt.models import ApiClient, Partner, PartnerRegistration, Report, User
from gdt.services.core import access, audit, idempotency, reference_data
from gdt.services.core.errors import Conflict, Forbidden, ValidationFailed
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.intake import report_intake
from gdt.services.intake.app_intake import public_status_of
from gdt.validation import (
    clean_fields,
    clean_text,
    name_line,
    normalise_email,
    normalise_phone,
    required,
    single_line,
)

TEXT_MAX = report_intake.DESCRIPTION_MAX
STATUS_LABELS = {  # the app's public statuses (app_intake.PUBLIC_STATUSES), as a partner reads them
    "received": _l("Ontvangen"), "in_progress": _l("In behandeling"), "handled": _l("Afgehandeld")}

RULES = {
    "registrant_name": required(name_line(120), _l("Vul uw naam in.")),
    "registrant_function": single_line(120),
    "registrant_email": normalise_email,
    "registrant_phone": normalise_phone,
    "concerned_name": name_line(120),
    "reason": required(lambda raw: clean_text(raw, max_length=TEXT_MAX), _l("Beschrijf waarom u aanmeldt.")),
    "already_tried": lambda raw: clean_text(raw, max_length=TEXT_MAX),
}
ADDRESS_FIELDS = ("category", "postcode", "house_number", "house_number_addition", "street", "city")


@dataclass
class RegistrationInput:
    """What a partner fills in (page) or sends (API); checked by `clean_registration`."""

    registrant_name: str | None = None
    registrant_function: str | None = None
    registrant_email: str | None = None
    registrant_phone: str | None = None
    concerned_name: str | None = None
    category: str | None = None
    postcode: str | None = None
    house_number: str | int | None = None
    house_number_addition: str | None = None
    street: str | None = None
    city: str | None = None
    bag_id: str | None = None  # the BAG address chosen after "Zoek adres" on the page (several at one number)
    reason: str | None = None
    already_tried: str | None = None
    involved_partners: list[str] = field(default_factory=list)


def register(data: RegistrationInput, *, partner: Partner, actor: User | None = None,
             client: ApiClient | None = None) -> Report:
    """Register for `partner` (a partner user's organisation or a partner client's), in one unit of work."""
    report_fields, registration_fields, involved = clean_registration(data, partner)
    with unit_of_work():
        report = _add(report_fields, registration_fields, involved, partner=partner, actor=actor, client=client)
    return report


def register_from_client(data: RegistrationInput, *, client: ApiClient, idempotency_key: str,
                         request_hash: str) -> tuple[dict, bool]:
    """The partner API: the answer body and whether it repeats an earlier one (same Idempotency-Key semantics)."""
    earlier = idempotency.find(client, idempotency_key, request_hash)
    if earlier is not None:
        return dict(earlier.response_body), True
    partner = client.partner
    if partner is None or not partner.is_active:
        raise Forbidden(_l("De organisatie van deze client is niet (meer) actief."))
    report_fields, registration_fields, involved = clean_registration(data, partner)
    try:
        with unit_of_work():
            report = _add(report_fields, registration_fields, involved, partner=partner, client=client)
            body = {"reference": report.reference, "status": "received"}
            idempotency.remember(client, idempotency_key, request_hash, 201, body, report=report)
    except Conflict:
        return dict(idempotency.find_after_clash(client, idempotency_key, request_hash).response_body), True
    return body, False


def clean_registration(data: RegistrationInput, partner: Partner) -> tuple[dict, dict, list[Partner]]:
    """Every field checked at once; the address and category with the intake's own rules."""
    raw = asdict(data)
    registration_fields, errors = clean_fields(RULES, {name: raw[name] for name in RULES})
    address, address_errors = clean_fields({name: report_intake.RULES[name] for name in ADDRESS_FIELDS},
                                           {name: raw[name] for name in ADDRESS_FIELDS})
    errors |= address_errors
    involved, unknown = _partners(raw["involved_partners"], partner)
    if unknown:
        errors["involved_partners"] = _l("Onbekende of niet-actieve ketenpartner: %(keys)s.", keys=", ".join(unknown))
    if errors:
        raise ValidationFailed(errors)
    report_fields = report_intake.with_address_ids(
        address | {"description": registration_fields["reason"]}, chosen=data.bag_id
    )
    return report_fields, registration_fields, involved


def lookup_address(postcode: str | None, house_number: str | int | None, *, addition: str | None = None,
                   bag_id: str | None = None) -> report_intake.AddressLookup:
    """"Zoek adres" on the registration form: the phone intake's lookup, with the BAG's answer only. Never what the
    team knows at the address (other reports, an open case): a partner has no need to know that."""
    return report_intake.lookup_address(postcode, house_number, addition=addition, bag_id=bag_id, signal=False)


def _partners(keys, registering: Partner) -> tuple[list[Partner], list[str]]:
    keys = [key for key in dict.fromkeys(str(key).strip().lower() for key in keys or []) if key]
    found = {partner.key: partner for partner in reference_data.active_partners() if partner.key in keys}
    return [found[key] for key in keys if key in found and key != registering.key], [
        key for key in keys if key not in found
    ]


@joins_unit_of_work
def _add(
    report_fields: dict,
    registration_fields: dict,
    involved: list[Partner],
    *,
    partner: Partner,
    actor: User | None = None,
    client: ApiClient | None = None,
) -> Report:
    report = report_intake.add_report(
        report_fields, channel="partner", actor=actor, api_client_id=client.id if client else None
    )
    db.session.add(
        PartnerRegistration(
            report_id=report.id, partner_id=partner.id, involved_partners=involved, **registration_fields
        )
    )
    audit.record(
        actor,
        "create",
        "report",
        report.reference,
        detail={"channel": "partner", "partner": partner.key, "client": client.name if client else None},
    )
    return report


def for_partner(partner: Partner) -> sa.Select:
    """The registrations of one organisation, newest first (for the partner's own list)."""
    return (
        sa.select(Report)
        .join(PartnerRegistration, PartnerRegistration.report_id == Report.id)
        .where(PartnerRegistration.partner_id == partner.id)
        .order_by(Report.received_at.desc(), Report.id.desc())
        .options(selectinload(Report.case), selectinload(Report.registration))
    )


def view_for_partner(reference: str, *, actor: User | None = None, client: ApiClient | None = None) -> Report:
    """One registration of the caller's organisation; another organisation's looks like none at all."""
    partner_id = actor.partner_id if actor is not None else client.partner_id
    report = db.session.scalar(
        sa.select(Report)
        .join(PartnerRegistration, PartnerRegistration.report_id == Report.id)
        .where(Report.reference == reference, PartnerRegistration.partner_id == partner_id)
        .options(
            selectinload(Report.case),
            selectinload(Report.registration).selectinload(PartnerRegistration.involved_partners),
        )
    )
    return audit.audited_view(
        report, actor=actor, object_type="report", object_ref=reference,
        may_view=lambda user, found: user is None or access.can_view_report(user, found),
        missing=_l("Er is geen aanmelding van uw organisatie met dit kenmerk."), refused=None,
        detail=lambda: {"client": client.name if client else None},
    )


def partner_status(report: Report) -> str:
    """received / in_progress / handled: what a partner may know, as the app's reporter does."""
    return public_status_of(report)
