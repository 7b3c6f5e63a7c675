"""Writing a letter on a case: choose a template and the addressee, add the optional fields, preview the PDF and
save it in the dossier as a case document ("brief", or "besluit" for a decision) through gdt.services.documents.

Coordinators who may open the case only (the documents' rule). The template sees plain strings built here from
the case, never the case or any other object.
"""
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Case, CaseParty, User
from gdt.models.documents import CaseDocument
from gdt.models.interventions import Intervention
from gdt.models.letters import LetterTemplate
from gdt.services.core import audit
from gdt.services.core.errors import Forbidden, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.core.working_days import today
from gdt.services.documents import policy, store
from gdt.services.letters import fields, pdf, sandbox
from gdt.validation import InvalidValue, clean_name, clean_text

ADDRESS_MAX = 200
NOT_YOURS = _l("U mag geen brieven maken in deze casus.")
ADDRESSEE_ROLES = ("subject", "household", "reporter", "other")


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class Composed:
    template: LetterTemplate
    letter: pdf.Letter
    values: dict  # the fields as the template saw them


def may_write(user: User | None, case: Case) -> bool:
    return policy.can_manage_documents(user, case)


def active_templates() -> list[LetterTemplate]:
    return list(db.session.scalars(sa.select(LetterTemplate).where(LetterTemplate.is_active.is_(True))
                                   .order_by(LetterTemplate.name)))


def parties(case: Case) -> list[CaseParty]:
    return [party for party in case.parties if party.role in ADDRESSEE_ROLES]


def interventions(case: Case) -> list[Choice]:
    rows = db.session.scalars(sa.select(Intervention).where(Intervention.case_id == case.id)
                              .order_by(Intervention.proposed_on, Intervention.id))
    return [Choice(row.id, intervention_label(row)) for row in rows]


def intervention_label(intervention: Intervention) -> str:
    ground = intervention.legal_ground or intervention.type.legal_ground
    return f"{intervention.type.name} ({ground})" if ground else intervention.type.name


def case_address(case: Case) -> str:
    """The address the case's first report is about (one line), or '' when there is none left."""
    for report in case.reports:
        if report.destroyed_at is None and report.postcode:
            return report.display_address
    return ""


def compose(case: Case, *, template_id, party_id=None, addressee_name: str | None = None,
            address: str | None = None, intervention_id=None, afspraak: str | None = None,
            toelichting: str | None = None, actor: User) -> Composed:
    """The letter for `case` (nothing saved): ValidationFailed naming every wrong field (template_id, party_id,
    addressee_name, address, intervention_id, afspraak, toelichting), Forbidden for anyone but its coordinators."""
    if not may_write(actor, case):
        raise Forbidden(NOT_YOURS)
    errors: dict[str, str] = {}
    template = _template(template_id, errors)
    name = _addressee(case, party_id, addressee_name, errors)
    values = {"kenmerk": case.reference, "datum": fields.dutch_date(today()), "geadresseerde": name,
              "adres": _text(address, ADDRESS_MAX, "address", errors, multiline=False),
              "coordinator": actor.name, "gemeente": current_app.config["MUNICIPALITY_NAME"],
              "interventie": _intervention(case, intervention_id, errors),
              "afspraak": _text(afspraak, fields.EXTRA_MAX, "afspraak", errors, multiline=False),
              "toelichting": _text(toelichting, fields.EXTRA_MAX, "toelichting", errors)}
    if not values["adres"] and "address" not in errors:
        errors["address"] = str(_l("Vul het adres van de geadresseerde in."))
    if errors:
        raise ValidationFailed(errors)
    values = fields.context(values)
    try:
        subject = sandbox.render_subject(template.subject, values)
        body = sandbox.render_body(template.body, values)
    except ValidationFailed as failed:  # changed since it was checked? say so at the choice of template
        raise ValidationFailed({"template_id": str(_l("Dit sjabloon geeft een fout: %(error)s Vraag de beheerder "
                                                      "het te herstellen.", error=failed.message))}) from None
    letter = pdf.Letter(title=f"{template.name} {case.reference}", subject=subject, body=body,
                        kenmerk=case.reference, datum=values["datum"], geadresseerde=values["geadresseerde"],
                        adres=values["adres"], coordinator=values["coordinator"], is_decision=template.is_decision)
    return Composed(template, letter, values)


def preview(case: Case, *, actor: User, **choices) -> bytes:
    """The PDF as it would be saved; audited, since it shows the case's personal data."""
    composed = compose(case, actor=actor, **choices)
    data = pdf.render(composed.letter)
    audit.record_now(actor, "preview_letter", "case", case.reference, detail={"template": composed.template.id})
    return data


def save(case: Case, *, actor: User, **choices) -> CaseDocument:
    """Render the letter and keep it on the case as a new document, dated today, not shared with partners."""
    composed = compose(case, actor=actor, **choices)
    data = pdf.render(composed.letter)
    template = composed.template
    title = f"{template.name} aan {composed.values['geadresseerde']}"[:store.TITLE_MAX]
    with unit_of_work():
        document = store.add_document(
            case, document_type="besluit" if template.is_decision else "brief", title=title,
            document_date=today(), visible_to_partners=False, data=data, filename=filename(template, case),
            actor=actor, source="letter", letter_template_name=template.name[:store.TEMPLATE_NAME_MAX])
        audit.record(actor, "generate_letter", "case", case.reference,
                     detail={"template": template.id, "document": document.id})
    return document


def filename(template: LetterTemplate, case: Case) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", template.name.lower()).strip("-") or "brief"
    return f"{slug}-{case.reference}-{today().isoformat()}.pdf"


def _template(template_id, errors: dict) -> LetterTemplate | None:
    try:
        template = db.session.get(LetterTemplate, int(template_id))
    except (TypeError, ValueError):
        template = None
    if template is None or not template.is_active:
        errors["template_id"] = str(_l("Kies een briefsjabloon."))
        return None
    return template


def _addressee(case: Case, party_id, typed: str | None, errors: dict) -> str:
    if party_id not in (None, ""):
        chosen = [party for party in parties(case) if str(party.id) == str(party_id)]
        if not chosen:
            errors["party_id"] = str(_l("Kies een betrokkene van deze casus, of typ een naam."))
            return ""
        return chosen[0].name
    try:
        name = clean_name(typed, max_length=120)
    except InvalidValue as invalid:
        errors["addressee_name"] = str(invalid.message)
        return ""
    if not name:
        errors["addressee_name"] = str(_l("Kies een betrokkene of typ de naam van de geadresseerde."))
        return ""
    return name


def _intervention(case: Case, intervention_id, errors: dict) -> str:
    if intervention_id in (None, ""):
        return ""
    chosen = [choice for choice in interventions(case) if str(choice.id) == str(intervention_id)]
    if not chosen:
        errors["intervention_id"] = str(_l("Kies een interventie van deze casus."))
        return ""
    return chosen[0].label


def _text(raw: str | None, max_length: int, field: str, errors: dict, *, multiline: bool = True) -> str:
    try:
        return clean_text(raw, max_length=max_length, multiline=multiline) or ""
    except InvalidValue as invalid:
        errors[field] = str(invalid.message)
        return ""
