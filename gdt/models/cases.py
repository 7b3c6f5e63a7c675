"""A GDT case (casus): bundles reports, has a coordinator, a mode, partners, a journal and a history."""
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.mixins import EventMixin, TimestampMixin, VersionedMixin
from gdt.models.partners import Partner
from gdt.models.users import User
from workflows import CASE_MODES, REGIE_KINDS, CaseLifecycle

if TYPE_CHECKING:
    from gdt.models.casework import Action, CaseParty, Meeting
    from gdt.models.referrals import Referral
    from gdt.models.reports import Report
    from gdt.models.retention import DestructionList

CASE_SOURCES = ("report", "partner")
CASE_STATUSES = tuple(CaseLifecycle.states_map)
NOT_DESTROYED = sa.text("destroyed_at IS NULL")


class Case(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL AND result IS NOT NULL)", name="closed_has_time_and_result"
        ),
        sa.CheckConstraint("closed_at IS NULL OR closed_at >= opened_at", name="closes_after_opening"),
        sa.CheckConstraint("regie_kind IS NULL OR mode = 'regie'", name="regie_kind_only_for_regie"),
        sa.CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)", name="merged_has_target"),
        # A case counts in the year its first report or registration was received (docs/domain.md, "Statistics").
        sa.Index("ix_cases_statistics", "received_at", "source", "mode", "status"),
        sa.Index("ix_cases_status_opened_at", "status", "opened_at"),
        sa.Index("ix_cases_destruction_due_on", "destruction_due_on", postgresql_where=NOT_DESTROYED,
                 sqlite_where=NOT_DESTROYED),
        # The case list (gdt.services.casework.case_list, bench/cases.py): its order, newest first, walked
        # backwards for a page (the other filters are checked on the way) and as a range for the opening period.
        sa.Index("ix_cases_opened_at_id", "opened_at", "id"),
        # "Werkt het?" (gdt.services.reporting.outcomes, recurrence): the cases closed in a year.
        sa.Index("ix_cases_status_closed_at", "status", "closed_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    reference: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    source: so.Mapped[str] = so.mapped_column(enum_column(*CASE_SOURCES, name="case_source"))
    status: so.Mapped[str] = so.mapped_column(enum_column(*CASE_STATUSES, name="case_status"))
    mode: so.Mapped[str | None] = so.mapped_column(enum_column(*CASE_MODES, name="case_mode"))
    regie_kind: so.Mapped[str | None] = so.mapped_column(enum_column(*REGIE_KINDS, name="regie_kind"))
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cases.id"))
    coordinator_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    opened_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    result: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    result_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    review_due_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())  # fixed at opening / last review
    # Retention (gdt.services.retention), fixed when the case closes or is merged, cleared when it reopens: the
    # archive nomination and the day it is due for destruction (None with "keep"); once destroyed, when and under
    # which list (the row stays, content-free, so the statistics stay the same).
    archive_nomination: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    destruction_due_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    destroyed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    destruction_list_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("destruction_lists.id"))

    coordinator: so.Mapped[User | None] = so.relationship()
    reports: so.Mapped[list["Report"]] = so.relationship(back_populates="case", order_by="Report.received_at")
    partners: so.Mapped[list["CasePartner"]] = so.relationship(
        back_populates="case", order_by="CasePartner.id", cascade="all, delete-orphan"
    )
    notes: so.Mapped[list["CaseNote"]] = so.relationship(
        back_populates="case", order_by="CaseNote.id", cascade="all, delete-orphan"
    )
    events: so.Mapped[list["CaseEvent"]] = so.relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    referrals: so.Mapped[list["Referral"]] = so.relationship(back_populates="case", order_by="Referral.id")
    parties: so.Mapped[list["CaseParty"]] = so.relationship(back_populates="case", order_by="CaseParty.id")
    meetings: so.Mapped[list["Meeting"]] = so.relationship(back_populates="case", order_by="Meeting.starts_at")
    actions: so.Mapped[list["Action"]] = so.relationship(back_populates="case", order_by="Action.due_at")
    merged_into: so.Mapped[Optional["Case"]] = so.relationship(remote_side=[id])
    destruction_list: so.Mapped[Optional["DestructionList"]] = so.relationship()  # None: erased on request

    def __repr__(self) -> str:
        return f"<Case {self.reference} {self.status}>"


class CasePartner(db.Model):
    """A chain partner involved in a case, with its role in it."""

    __tablename__ = "case_partners"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "partner_id"),
        # The cases a partner is involved in (the case list's partner filter, the partner's own list).
        sa.Index("ix_case_partners_partner_id_case_id", "partner_id", "case_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"))
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partners.id"))
    role: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    contact_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    contact_phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    contact_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    case: so.Mapped[Case] = so.relationship(back_populates="partners")
    partner: so.Mapped[Partner] = so.relationship()


class CaseNote(db.Model):
    """A journal note on a case."""

    __tablename__ = "case_notes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    shareable: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())  # partners may read it

    case: so.Mapped[Case] = so.relationship(back_populates="notes")
    author: so.Mapped[User] = so.relationship()


class CaseEvent(EventMixin, db.Model):
    """Append-only history of a case."""

    __tablename__ = "case_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)

    case: so.Mapped[Case] = so.relationship(back_populates="events")
