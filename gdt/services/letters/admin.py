"""Keeping the letter templates (admin only): list, create, edit with optimistic locking, (de)activate, preview
with the demo values, and the defaults a new installation starts with.

A template is saved only when its subject and body render in the sandbox with the demo values, so a coordinator
never meets a broken template; the refusal is a Dutch message at the field.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import User
from gdt.models.letters import LetterTemplate
from gdt.services.core import audit
from gdt.services.core.errors import NotFound, ValidationFailed
from gdt.services.core.transaction import check_version, unit_of_work
from gdt.services.letters import pdf, sandbox
from gdt.services.letters.defaults import DEFAULT_TEMPLATES
from gdt.services.letters.fields import DEMO_FIELDS
from gdt.validation import clean_fields, clean_text, required, single_line

NAME_MAX = 120
SUBJECT_MAX = 200
BODY_MAX = 20_000


def list_templates(*, active_only: bool = False) -> list[LetterTemplate]:
    query = sa.select(LetterTemplate).order_by(LetterTemplate.is_active.desc(), LetterTemplate.name)
    if active_only:
        query = query.where(LetterTemplate.is_active.is_(True))
    return list(db.session.scalars(query))


def get_template(template_id: int | str) -> LetterTemplate:
    try:
        template = db.session.get(LetterTemplate, int(template_id))
    except (TypeError, ValueError):
        template = None
    if template is None:
        raise NotFound(_l("Dit briefsjabloon bestaat niet."))
    return template


def create_template(*, name: str, is_decision: bool, subject: str, body: str, actor: User | None) -> LetterTemplate:
    fields = _clean(name=name, subject=subject, body=body)
    with unit_of_work():
        _check_unique(fields["name"], None)
        template = LetterTemplate(**fields, is_decision=bool(is_decision), is_active=True, updated_by=actor)
        db.session.add(template)
        db.session.flush()
        audit.record(actor, "create", "letter_template", str(template.id))
    return template


def update_template(template: LetterTemplate, *, name: str, is_decision: bool, subject: str, body: str,
                    seen_version: int | str | None, actor: User | None) -> LetterTemplate:
    """Change a template; refused (nothing changed) when someone saved it since `seen_version` was read."""
    fields = _clean(name=name, subject=subject, body=body)
    fields["is_decision"] = bool(is_decision)
    with unit_of_work():
        check_version(template, seen_version)
        _check_unique(fields["name"], template.id)
        changed = [field for field, value in fields.items() if getattr(template, field) != value]
        for field, value in fields.items():
            setattr(template, field, value)
        template.updated_by = actor
        audit.record(actor, "update", "letter_template", str(template.id), detail={"fields": changed})
    return template


def set_template_active(template: LetterTemplate, active: bool, *, actor: User | None) -> LetterTemplate:
    with unit_of_work():
        template.is_active = active
        template.updated_by = actor
        audit.record(actor, "activate" if active else "deactivate", "letter_template", str(template.id))
    return template


def preview_pdf(*, name: str, is_decision: bool, subject: str, body: str) -> bytes:
    """The letter as it would print for the made-up demo case (nothing is saved); ValidationFailed when the
    template does not render."""
    fields = _clean(name=name, subject=subject, body=body)
    return pdf.render(demo_letter(fields["name"], bool(is_decision), fields["subject"], fields["body"]))


def demo_letter(name: str, is_decision: bool, subject: str, body: str) -> pdf.Letter:
    return pdf.Letter(title=f"{name} {DEMO_FIELDS['kenmerk']}", subject=sandbox.render_subject(subject, DEMO_FIELDS),
                      body=sandbox.render_body(body, DEMO_FIELDS), kenmerk=DEMO_FIELDS["kenmerk"],
                      datum=DEMO_FIELDS["datum"], geadresseerde=DEMO_FIELDS["geadresseerde"],
                      adres=DEMO_FIELDS["adres"], coordinator=DEMO_FIELDS["coordinator"], is_decision=is_decision)


def ensure_defaults() -> int:
    """Add the default templates whose name is not taken yet (never touching existing ones); how many."""
    with unit_of_work():
        present = set(db.session.scalars(sa.select(LetterTemplate.name)))
        missing = [row for row in DEFAULT_TEMPLATES if row[0] not in present]
        for name, is_decision, subject, body in missing:
            db.session.add(LetterTemplate(name=name, is_decision=is_decision, subject=subject, body=body,
                                          is_active=True))
    return len(missing)


def _clean(**raw) -> dict:
    fields, errors = clean_fields(RULES, raw)
    if not errors:
        try:
            sandbox.check(fields["subject"], fields["body"])
        except ValidationFailed as failed:
            errors.update(failed.errors)
    if errors:
        raise ValidationFailed(errors)
    return fields


def _check_unique(name: str, own_id: int | None) -> None:
    query = sa.select(LetterTemplate.id).where(sa.func.lower(LetterTemplate.name) == name.lower())
    if own_id is not None:
        query = query.where(LetterTemplate.id != own_id)
    if db.session.scalar(query) is not None:
        raise ValidationFailed({"name": str(_l("Er is al een briefsjabloon met deze naam."))})


RULES = {
    "name": required(single_line(NAME_MAX), _l("Geef het sjabloon een naam (hoogstens 120 tekens).")),
    "subject": required(single_line(SUBJECT_MAX), _l("Vul het onderwerp in (hoogstens 200 tekens).")),
    "body": required(lambda raw: clean_text(raw, max_length=BODY_MAX), _l("Schrijf de tekst van de brief.")),
}
