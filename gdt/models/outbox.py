"""Follow-up work written in the business transaction and relayed afterwards, so nothing accepted is lost."""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, utcnow

# Waiting: not processed yet. The backlog `/health/ready` and `/metrics` read, through a partial index that holds
# only these rows (a handful, normally), whatever the number of messages ever sent.
WAITING = sa.text("processed_at IS NULL")
# The daily reminder mails' topics (gdt.services.casework.reminders): `/metrics` counts the processed ones.
REMINDER_TOPICS = ("reminder.coordinator", "reminder.partner")
REMINDERS = sa.text(f"topic IN ({', '.join(repr(topic) for topic in REMINDER_TOPICS)})")


class OutboxMessage(db.Model):
    """One piece of follow-up work (e.g. a receipt mail). The row is the truth; the queue is only a nudge."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_messages_unpublished", "published_at", "created_at"),
        sa.Index("ix_outbox_messages_waiting", "created_at", postgresql_where=WAITING, sqlite_where=WAITING),
        sa.Index("ix_outbox_messages_reminders", "topic", "processed_at", postgresql_where=REMINDERS,
                 sqlite_where=REMINDERS),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)  # uuid4, also the Celery task id
    topic: so.Mapped[str] = so.mapped_column(sa.String(60))
    payload: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    processed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime(), index=True)
    # A consumer's claim while it works outside any transaction (a mail, a webhook): a duplicate stays away.
    claimed_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    # The id of the request (or task) that wrote it, for the logs: the task that carries it out logs it too, also
    # when the relay hands it on later (gdt/logs.py).
    request_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
