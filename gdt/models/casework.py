"""Running a case: the people involved (betrokkenen), case meetings (casusoverleg) and the plan of action."""
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import AMSTERDAM, UTCDateTime, db, enum_column, utcnow
from gdt.models.mixins import TimestampMixin, VersionedMixin
from gdt.models.partners import Partner
from gdt.models.users import User
from workflows import ActionLifecycle, MeetingLifecycle

if TYPE_CHECKING:
    from gdt.models.cases import Case

PARTY_ROLES = ("subject", "reporter", "household", "other")
MEETING_STATUSES = tuple(MeetingLifecycle.states_map)
ACTION_STATUSES = tuple(ActionLifecycle.states_map)


class CaseParty(db.Model):
    """A person involved in a case (betrokkene) and their role in it; shown to partners of the case."""

    __tablename__ = "case_parties"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    role: so.Mapped[str] = so.mapped_column(enum_column(*PARTY_ROLES, name="party_role"))
    note: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # The person across cases (gdt.services.people); None until a coordinator links the party to one.
    person_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id"), index=True)

    case: so.Mapped["Case"] = so.relationship(back_populates="parties")


def _planned_day_if_held(context) -> date | None:
    """A meeting written as held without its day (demo data, a fixture) took place on its planned day; the service
    always sets the day it was really held (gdt.services.casework.meetings.hold)."""
    values = context.get_current_parameters()
    starts_at = values.get("starts_at")
    if values.get("status") != "held" or not isinstance(starts_at, datetime):
        return None
    return (starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=UTC)).astimezone(AMSTERDAM).date()


class Meeting(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        sa.CheckConstraint("status <> 'cancelled' OR cancel_reason IS NOT NULL", name="cancelled_has_reason"),
        sa.CheckConstraint("(status = 'held') = (held_on IS NOT NULL)", name="held_has_day"),
        sa.Index("ix_meetings_case_starts_at", "case_id", "starts_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"))
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    location: so.Mapped[str] = so.mapped_column(sa.String(200))  # a room, or "online" with the meeting link
    status: so.Mapped[str] = so.mapped_column(enum_column(*MEETING_STATUSES, name="meeting_status"))
    minutes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    held_on: so.Mapped[date | None] = so.mapped_column(sa.Date, default=_planned_day_if_held)  # Amsterdam day
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    case: so.Mapped["Case"] = so.relationship(back_populates="meetings")
    invitees: so.Mapped[list["MeetingInvitee"]] = so.relationship(
        back_populates="meeting", order_by="MeetingInvitee.id", cascade="all, delete-orphan")
    decisions: so.Mapped[list["Action"]] = so.relationship(back_populates="meeting", order_by="Action.id")


class MeetingInvitee(db.Model):
    """A partner organisation or a person invited to a meeting, and whether they attended."""

    __tablename__ = "meeting_invitees"
    __table_args__ = (
        sa.CheckConstraint("(partner_id IS NULL) <> (name IS NULL)", name="partner_or_person"),
        sa.UniqueConstraint("meeting_id", "partner_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id"), index=True)
    partner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("partners.id"), index=True)
    name: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # a person (a resident, a staff member)
    attended: so.Mapped[bool | None] = so.mapped_column()  # None until the meeting is held

    meeting: so.Mapped[Meeting] = so.relationship(back_populates="invitees")
    partner: so.Mapped[Partner | None] = so.relationship()

    @property
    def label(self) -> str:
        return self.partner.name if self.partner is not None else self.name


class Action(TimestampMixin, VersionedMixin, db.Model):
    """An agreement in the plan of action: who does what by when."""

    __tablename__ = "actions"
    __table_args__ = (
        sa.CheckConstraint("(owner_partner_id IS NULL) <> (owner_user_id IS NULL)", name="one_owner"),
        sa.CheckConstraint("status <> 'dropped' OR drop_reason IS NOT NULL", name="dropped_has_reason"),
        sa.CheckConstraint("(status = 'open') = (finished_at IS NULL)", name="finished_unless_open"),
        sa.Index("ix_actions_status_due_at", "status", "due_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id"), index=True)
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    owner_partner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("partners.id"), index=True)
    owner_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    due_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())  # end of a working day, fixed when agreed
    status: so.Mapped[str] = so.mapped_column(enum_column(*ACTION_STATUSES, name="action_status"))
    progress: so.Mapped[str | None] = so.mapped_column(sa.Text)  # the owner's latest word on it
    drop_reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    carried_over: so.Mapped[bool] = so.mapped_column(default=False)  # left open when the case closed

    case: so.Mapped["Case"] = so.relationship(back_populates="actions")
    meeting: so.Mapped[Meeting | None] = so.relationship(back_populates="decisions")
    owner_partner: so.Mapped[Partner | None] = so.relationship()
    owner_user: so.Mapped[User | None] = so.relationship()

    @property
    def owner_label(self) -> str:
        return self.owner_partner.name if self.owner_partner is not None else self.owner_user.name


class CaseResult(db.Model):
    """The admin-configurable list a case closes with (de-escalated, handed over to the ZVH …)."""

    __tablename__ = "case_results"

    key: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    label: so.Mapped[str] = so.mapped_column(sa.String(120))
    needs_reason: so.Mapped[bool] = so.mapped_column(default=False)
    position: so.Mapped[int] = so.mapped_column(default=0)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
