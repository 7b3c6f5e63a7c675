"""The ladder's rungs as the administrator keeps them (intervention types)."""
import sqlalchemy as sa

from gdt.db import db
from gdt.models.interventions import InterventionType
from gdt.services.core.transaction import unit_of_work
from gdt.services.interventions.defaults import DEFAULT_TYPES


def ensure_defaults() -> int:
    """Add the default rungs whose code is absent (never touching existing ones); how many."""
    with unit_of_work():
        present = set(db.session.scalars(sa.select(InterventionType.code)))
        names = {name.lower() for name in db.session.scalars(sa.select(InterventionType.name))}
        missing = [row for row in DEFAULT_TYPES if row[0] not in present and row[1].lower() not in names]
        for code, name, legal_ground, formal, position in missing:
            db.session.add(InterventionType(code=code, name=name, legal_ground=legal_ground, formal=formal,
                                            position=position, active=True))
    return len(missing)
