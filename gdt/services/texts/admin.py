"""Keeping the standard texts (admin only): list, create, edit with optimistic locking, (de)activate, the defaults.

A text is refused while its body holds a `{…}` that is not a placeholder for its moment, so a text in use never
shows a resident or partner a bare placeholder. Deactivating keeps the text (and what was sent with it).
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Category, User
from gdt.models.standard_texts import TEXT_MOMENTS, StandardText
from gdt.services.core import audit
from gdt.services.core.errors import NotFound, ValidationFailed
from gdt.services.core.transaction import check_version, unit_of_work
from gdt.services.texts import placeholders
from gdt.services.texts.defaults import DEFAULT_TEXTS
from gdt.validation import InvalidValue, clean_fields, clean_text, one_of, required, single_line

TITLE_MAX = 120
BODY_MAX = 4000  # the longest field a text goes into (a question to a partner) is shorter; the form says so


def list_texts() -> list[StandardText]:
    """Every text by moment (in TEXT_MOMENTS order), general ones before a category's, active before inactive."""
    order = sa.case({moment: position for position, moment in enumerate(TEXT_MOMENTS)}, value=StandardText.moment)
    return list(db.session.scalars(
        sa.select(StandardText).outerjoin(StandardText.category)
        .order_by(order, StandardText.category_id.is_not(None), Category.label, StandardText.is_active.desc(),
                  StandardText.title, StandardText.id)))


def get_text(text_id: int) -> StandardText:
    text = db.session.get(StandardText, text_id)
    if text is None:
        raise NotFound(_l("Deze standaardtekst bestaat niet."))
    return text


def create_text(*, title: str, moment: str, category_id: int | str | None, body: str,
                actor: User | None) -> StandardText:
    fields = _clean(title=title, moment=moment, category_id=category_id, body=body)
    with unit_of_work():
        text = StandardText(**fields, is_active=True, updated_by=actor)
        db.session.add(text)
        db.session.flush()
        audit.record(actor, "create", "standard_text", str(text.id), detail={"moment": text.moment})
    return text


def update_text(text: StandardText, *, title: str, moment: str, category_id: int | str | None, body: str,
                seen_version: int | str | None, actor: User | None) -> StandardText:
    """Change a text; refused (nothing changed) when someone saved it since `seen_version` was read."""
    fields = _clean(title=title, moment=moment, category_id=category_id, body=body)
    with unit_of_work():
        check_version(text, seen_version)
        changed = [field for field, value in fields.items() if getattr(text, field) != value]
        for field, value in fields.items():
            setattr(text, field, value)
        text.updated_by = actor
        audit.record(actor, "update", "standard_text", str(text.id), detail={"fields": changed})
    return text


def set_text_active(text: StandardText, active: bool, *, actor: User | None) -> StandardText:
    with unit_of_work():
        text.is_active = active
        text.updated_by = actor
        audit.record(actor, "activate" if active else "deactivate", "standard_text", str(text.id))
    return text


def preview(body: str) -> str:
    """`body` filled with the made-up demo values, as the admin's preview shows it."""
    return placeholders.fill(body, placeholders.DEMO_FIELDS)


def ensure_defaults() -> int:
    """Add the default text of each moment that has no text at all yet (never touching existing ones); how many."""
    with unit_of_work():
        present = set(db.session.scalars(sa.select(StandardText.moment).distinct()))
        missing = [(moment, title, body) for moment, title, body in DEFAULT_TEXTS if moment not in present]
        for moment, title, body in missing:
            db.session.add(StandardText(moment=moment, title=title, body=body, is_active=True))
    return len(missing)


def _clean(**raw) -> dict:
    fields, errors = clean_fields(RULES, raw)
    if "body" in fields and "moment" in fields:
        refused = placeholders.refused_in(fields["body"], fields["moment"])
        if refused:
            errors["body"] = _refused_message(refused, fields["moment"])
    if errors:
        raise ValidationFailed(errors)
    return fields


def _refused_message(names: list[str], moment: str) -> str:
    allowed = ", ".join("{" + placeholder.name + "}" for placeholder in placeholders.for_moment(moment))
    return str(_l("De tekst bevat %(names)s: dat is geen invulveld voor dit moment. Gebruik alleen %(allowed)s, "
                  "met accolades en zonder spaties.", names=", ".join("{" + name + "}" for name in names),
                  allowed=allowed))


def _category_id(raw: int | str | None) -> int | None:
    if raw in (None, ""):
        return None
    try:
        category_id = int(raw)
    except (TypeError, ValueError):
        category_id = None
    if category_id is None or db.session.get(Category, category_id) is None:
        raise InvalidValue(_l("Kies een bestaande categorie, of alle categorieën."))
    return category_id


RULES = {
    "title": required(single_line(TITLE_MAX), _l("Vul een titel in.")),
    "moment": one_of(TEXT_MOMENTS, _l("Kies het moment waarvoor de tekst is.")),
    "category_id": _category_id,
    "body": required(lambda raw: clean_text(raw, max_length=BODY_MAX), _l("Schrijf de tekst.")),
}
