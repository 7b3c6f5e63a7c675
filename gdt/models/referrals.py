"""A referral (doorverwijzing): a report or case handed to a partner, its delivery and the partner's feedback."""
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.mixins import TimestampMixin, VersionedMixin
from gdt.models.partners import Partner
from gdt.models.users import User
from workflows import HANDLED_OUTCOMES, ReferralLifecycle

if TYPE_CHECKING:
    from gdt.models.cases import Case
    from gdt.models.reports import Report

REFERRAL_STATUSES = tuple(ReferralLifecycle.states_map)
DELIVERY_STATUSES = ("pending", "sent", "failed")
DELIVERY_METHODS = ("email", "webhook")
QUESTION_MAX = 1000  # characters: a question, not a file

# The reports a referral shares with its partner, fixed when it is made (docs/decisions/0012-link-sessions.md): a
# report bundled into the case later is not shown through the referral, unless someone shares it explicitly.
referral_reports = sa.Table(
    "referral_reports", db.metadata,
    sa.Column("referral_id", sa.ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("report_id", sa.ForeignKey("reports.id"), primary_key=True),
    sa.Column("shared_at", UTCDateTime(), nullable=False, default=utcnow),
)


class Referral(TimestampMixin, VersionedMixin, db.Model):
    """Delivery (pending → sent | failed) and feedback (the lifecycle) are separate: a mail can bounce on a
    referral the partner has long since picked up through a colleague's forwarded link."""

    __tablename__ = "referrals"
    __table_args__ = (
        sa.CheckConstraint("(report_id IS NULL) <> (case_id IS NULL)", name="report_or_case"),
        sa.CheckConstraint("delivery_attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("(delivery_status = 'sent') = (delivered_at IS NOT NULL)", name="sent_has_time"),
        sa.CheckConstraint("status <> 'handled' OR outcome IS NOT NULL", name="handled_has_outcome"),
        sa.CheckConstraint("status <> 'returned' OR return_reason IS NOT NULL", name="returned_has_reason"),
        # The retry sweep and the admin overview of failures.
        sa.Index("ix_referrals_delivery", "delivery_status", "next_attempt_at"),
        # Overdue acknowledgements (start page, reminders).
        sa.Index("ix_referrals_acknowledgement", "status", "acknowledge_due_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("reports.id"), index=True)
    case_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partners.id"), index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    message: so.Mapped[str | None] = so.mapped_column(sa.Text)  # the team's advice on a case (mode advice)
    # What the team asks of the partner, written for the partner (never the internal triage reasoning). Shown behind
    # the link, on the partner's own pages and in the webhook body; never in the mail.
    question: so.Mapped[str | None] = so.mapped_column(sa.String(QUESTION_MAX))

    delivery_method: so.Mapped[str] = so.mapped_column(enum_column(*DELIVERY_METHODS, name="delivery_method"))
    delivery_status: so.Mapped[str] = so.mapped_column(enum_column(*DELIVERY_STATUSES, name="delivery_status"))
    delivery_attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())  # None: queued or done
    delivered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_delivery_error: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    status: so.Mapped[str] = so.mapped_column(enum_column(*REFERRAL_STATUSES, name="referral_status"))
    acknowledge_due_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())  # set when delivered
    acknowledged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())  # handled or returned
    outcome: so.Mapped[str | None] = so.mapped_column(enum_column(*HANDLED_OUTCOMES, name="referral_outcome"))
    feedback_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    return_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    report: so.Mapped[Optional["Report"]] = so.relationship(back_populates="referrals")
    case: so.Mapped[Optional["Case"]] = so.relationship(back_populates="referrals")
    partner: so.Mapped[Partner] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()
    shared_reports: so.Mapped[list["Report"]] = so.relationship(secondary=referral_reports,
                                                               order_by="Report.received_at")

    @property
    def reference(self) -> str:
        """What the partner quotes: the report's or the case's reference."""
        return self.report.reference if self.report is not None else self.case.reference

    @property
    def is_open(self) -> bool:
        return self.status not in ("handled", "returned")

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.delivery_status}/{self.status}>"


class ReminderRun(db.Model):
    """One row per day whose reminder mails were queued: a second beat, a restart or a manual run sends none twice."""

    __tablename__ = "reminder_runs"

    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
