"""The ladder's rungs as the administrator keeps them (intervention types): list, create, edit, (de)activate, and
the defaults (gdt.services.interventions.defaults).

A rung's code never changes once made: interventions, the statistics and the API refer to it. Deactivating keeps
the rung on the cases that used it and in their statistics; it is no longer offered.
"""
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import User
from gdt.models.interventions import InterventionType
from gdt.services.core import audit
from gdt.services.core.errors import NotFound, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.interventions import ladder
from gdt.services.interventions.defaults import DEFAULT_TYPES
from gdt.validation import InvalidValue, clean_fields, required, single_line

NAME_MAX, GROUND_MAX, POSITION_MAX = 120, 200, 10_000
CODE = re.compile(r"^[a-z0-9_]{2,40}$")


def list_types() -> list[InterventionType]:
    """Every rung, bottom first; inactive ones too."""
    return list(db.session.scalars(sa.select(InterventionType)
                                   .order_by(InterventionType.position, InterventionType.name)))


def active_types() -> list[InterventionType]:
    """The rungs a coordinator may choose, bottom first: the same list the intervention form and the API offer."""
    return ladder.active_types()


def get_type(type_id: int) -> InterventionType:
    kind = db.session.get(InterventionType, type_id)
    if kind is None:
        raise NotFound(_l("Deze soort interventie bestaat niet."))
    return kind


def create_type(*, code: str, name: str, legal_ground: str | None, formal: bool, position: int | str,
                actor: User | None) -> InterventionType:
    fields = _clean(code=code, name=name, legal_ground=legal_ground, position=position)
    with unit_of_work():
        kind = InterventionType(**fields, formal=bool(formal), active=True)
        db.session.add(kind)
        db.session.flush()
        audit.record(actor, "create", "intervention_type", str(kind.id), detail={"code": kind.code})
    return kind


def update_type(kind: InterventionType, *, name: str, legal_ground: str | None, formal: bool, position: int | str,
                actor: User | None) -> InterventionType:
    """Change everything but the code."""
    fields = _clean(name=name, legal_ground=legal_ground, position=position, current=kind) | {"formal": bool(formal)}
    with unit_of_work():
        changed = sorted(field for field, value in fields.items() if getattr(kind, field) != value)
        for field, value in fields.items():
            setattr(kind, field, value)
        audit.record(actor, "update", "intervention_type", str(kind.id), detail={"fields": changed})
    return kind


def set_type_active(kind: InterventionType, active: bool, *, actor: User | None) -> InterventionType:
    with unit_of_work():
        kind.active = active
        audit.record(actor, "activate" if active else "deactivate", "intervention_type", str(kind.id))
    return kind


def ensure_defaults() -> int:
    """Add the default rungs whose code is absent (never touching existing ones); how many.

    A default whose name the administrator already gave a rung of another code is left out as well: names are
    unique, and that rung is the administrator's version of it."""
    with unit_of_work():
        present = set(db.session.scalars(sa.select(InterventionType.code)))
        names = {name.lower() for name in db.session.scalars(sa.select(InterventionType.name))}
        missing = [row for row in DEFAULT_TYPES if row[0] not in present and row[1].lower() not in names]
        for code, name, legal_ground, formal, position in missing:
            db.session.add(InterventionType(code=code, name=name, legal_ground=legal_ground, formal=formal,
                                            position=position, active=True))
    return len(missing)


def _clean(*, current: InterventionType | None = None, **raw) -> dict:
    rules = {name: rule for name, rule in RULES.items() if name in raw}
    fields, errors = clean_fields(rules, raw)
    if "code" in fields and _taken(InterventionType.code, fields["code"], current):
        errors["code"] = str(_l("Deze code is al in gebruik."))
    if "name" in fields and _taken(sa.func.lower(InterventionType.name), fields["name"].lower(), current):
        errors["name"] = str(_l("Er is al een soort interventie met deze naam."))
    if errors:
        raise ValidationFailed(errors)
    return fields


def _taken(column, value: str, current: InterventionType | None) -> bool:
    query = sa.select(InterventionType.id).where(column == value)
    if current is not None:
        query = query.where(InterventionType.id != current.id)
    return db.session.scalar(query.limit(1)) is not None


def _code(raw) -> str:
    code = (raw or "").strip()
    if not CODE.match(code):
        raise InvalidValue(_l("Gebruik 2 tot 40 kleine letters, cijfers of liggende streepjes, zoals "
                              "huisbezoek."))
    return code


def _position(raw) -> int:
    try:
        position = int(raw)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= POSITION_MAX:
        raise InvalidValue(_l("Vul een geheel getal in van 0 tot en met %(max)d.", max=POSITION_MAX))
    return position


RULES = {
    "code": _code,
    "name": required(single_line(NAME_MAX), _l("Vul een naam in (hoogstens 120 tekens).")),
    "legal_ground": single_line(GROUND_MAX),
    "position": _position,
}
