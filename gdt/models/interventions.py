"""Interventions on a case, on the escalation ladder of the Wet aanpak woonoverlast: from a talk and neighbour
mediation up to the mayor's behavioural order and the closure of a dwelling."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.cases import Case
from gdt.models.documents import CaseDocument
from gdt.models.mixins import VersionedMixin
from gdt.models.partners import Partner
from workflows.intervention import DECIDERS, INTERVENTION_OUTCOMES

INTERVENTION_STATUSES = ("proposed", "decided", "in_force", "ended", "withdrawn")


class InterventionType(db.Model):
    """A rung of the ladder, managed by the administrator; `formal` steps need their decision document."""

    __tablename__ = "intervention_types"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    legal_ground: so.Mapped[str | None] = so.mapped_column(sa.String(200))  # e.g. "art. 151d Gemeentewet"
    formal: so.Mapped[bool] = so.mapped_column(default=False)
    position: so.Mapped[int] = so.mapped_column(default=0)  # its height on the ladder
    active: so.Mapped[bool] = so.mapped_column(default=True)


class Intervention(VersionedMixin, db.Model):
    __tablename__ = "interventions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    type_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("intervention_types.id"), index=True)
    status: so.Mapped[str] = so.mapped_column(enum_column(*INTERVENTION_STATUSES, name="intervention_status"))
    legal_ground: so.Mapped[str | None] = so.mapped_column(sa.String(200))  # the type's, as it was then
    decided_by: so.Mapped[str | None] = so.mapped_column(enum_column(*DECIDERS, name="intervention_decider"))
    decided_by_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    proposed_on: so.Mapped[date] = so.mapped_column(sa.Date)
    decided_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    in_force_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    ended_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    partner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("partners.id"))
    outcome: so.Mapped[str | None] = so.mapped_column(enum_column(*INTERVENTION_OUTCOMES, name="intervention_outcome"))
    outcome_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    document_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("case_documents.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    case: so.Mapped[Case] = so.relationship()
    type: so.Mapped[InterventionType] = so.relationship()
    document: so.Mapped[CaseDocument | None] = so.relationship()
    partner: so.Mapped[Partner | None] = so.relationship()
