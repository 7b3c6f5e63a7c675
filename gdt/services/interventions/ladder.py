"""The ladder climbed on a case: every rung in order with the interventions recorded on it (the case page, the
staff API). A rung is climbed once an intervention on it was decided; a proposal is a step planned, a withdrawn
intervention does not count."""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from gdt.db import db
from gdt.models import Case
from gdt.models.interventions import Intervention, InterventionType

CLIMBED = ("decided", "in_force", "ended")


@dataclass(frozen=True)
class Rung:
    type: InterventionType
    interventions: tuple[Intervention, ...]

    @property
    def climbed(self) -> bool:
        return any(intervention.status in CLIMBED for intervention in self.interventions)


def active_types() -> list[InterventionType]:
    """The rungs a coordinator may choose, bottom first."""
    return list(db.session.scalars(sa.select(InterventionType).where(InterventionType.active.is_(True))
                                   .order_by(InterventionType.position, InterventionType.name)))


def interventions_of(case: Case) -> list[Intervention]:
    """The case's interventions up the ladder, each rung's oldest first, with what their rows show loaded."""
    return list(db.session.scalars(
        sa.select(Intervention).join(Intervention.type).where(Intervention.case_id == case.id)
        .options(selectinload(Intervention.type), selectinload(Intervention.partner),
                 selectinload(Intervention.document))
        .order_by(InterventionType.position, Intervention.proposed_on, Intervention.id)))


def ladder(case: Case) -> list[Rung]:
    """Every active rung, and a retired one the case used, bottom first."""
    interventions = interventions_of(case)
    used = {intervention.type_id for intervention in interventions}
    types = db.session.scalars(sa.select(InterventionType)
                               .where(sa.or_(InterventionType.active.is_(True), InterventionType.id.in_(used)))
                               .order_by(InterventionType.position, InterventionType.name))
    return [Rung(kind, tuple(row for row in interventions if row.type_id == kind.id)) for kind in types]


def highest_climbed(rungs: list[Rung]) -> InterventionType | None:
    climbed = [rung.type for rung in rungs if rung.climbed]
    return climbed[-1] if climbed else None
