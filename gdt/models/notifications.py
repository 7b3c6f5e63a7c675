"""Being told ("Meldingen voor mij"): one row per thing a staff member should know, and how each wants to hear it.

A notification holds no content: its kind and what it points at (a case, a report, a referral, an action or a
meeting). Pages and mails are made from those at the moment they are shown, so nothing personal is copied here.
"""
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow

if TYPE_CHECKING:
    from gdt.models import Action, Case, Meeting, Referral, Report

NOTIFICATION_KINDS = ("assigned", "partner_answered", "action_due", "meeting_planned", "triage_deadline",
                      "resident_answered", "low_satisfaction")
DELIVERIES = ("now", "digest", "app")  # a mail at once, in the daily digest, only in the app


def _subject_key(name: str) -> so.Mapped[int | None]:
    # The subject goes with its notification when retention destroys it.
    return so.mapped_column(sa.ForeignKey(f"{name}.id", ondelete="CASCADE"), index=True)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_id_id", "user_id", "id"),  # a user's list, newest first, and the unread count
        # What the daily digest looks for: chosen for the digest and not yet handed to the outbox.
        sa.Index("ix_notifications_digest_pending", "user_id",
                 postgresql_where=sa.text("delivery = 'digest' AND mailed_at IS NULL"),
                 sqlite_where=sa.text("delivery = 'digest' AND mailed_at IS NULL")),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(enum_column(*NOTIFICATION_KINDS, name="notification_kind"))
    delivery: so.Mapped[str] = so.mapped_column(enum_column(*DELIVERIES, name="notification_delivery"))
    case_id: so.Mapped[int | None] = _subject_key("cases")
    report_id: so.Mapped[int | None] = _subject_key("reports")
    referral_id: so.Mapped[int | None] = _subject_key("referrals")
    action_id: so.Mapped[int | None] = _subject_key("actions")
    meeting_id: so.Mapped[int | None] = _subject_key("meetings")
    # Periodic scans name what they told (kind, subject, recipient, deadline): a second run finds it and stays quiet.
    once_key: so.Mapped[str | None] = so.mapped_column(sa.String(100), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    mailed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())  # handed to the outbox (now or digest)

    # Read only: what the notification points at, loaded with the list (selectinload) to name and link it.
    case: so.Mapped["Case | None"] = so.relationship(viewonly=True)
    report: so.Mapped["Report | None"] = so.relationship(viewonly=True)
    referral: so.Mapped["Referral | None"] = so.relationship(viewonly=True)
    action: so.Mapped["Action | None"] = so.relationship(viewonly=True)
    meeting: so.Mapped["Meeting | None"] = so.relationship(viewonly=True)


class NotificationPreference(db.Model):
    """A user's choice for one kind; without a row the default applies (services.notifications.DEFAULTS)."""

    __tablename__ = "notification_preferences"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(enum_column(*NOTIFICATION_KINDS, name="notification_kind"),
                                            primary_key=True)
    delivery: so.Mapped[str] = so.mapped_column(enum_column(*DELIVERIES, name="notification_delivery"))
