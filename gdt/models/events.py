"""Events for other systems: the administrator's subscriptions and every delivery of a CloudEvent to one of them.

A delivery row is written in the same transaction as the change it tells of, so an event is never lost; it holds
the CloudEvent exactly as it is sent (identifiers and links, never personal data) and how its delivery went. A
failed delivery (after its last attempt) stays as the dead letter, to be sent again by hand.
"""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.mixins import VersionedMixin

DELIVERY_STATUSES = ("pending", "sent", "failed")


class EventSubscription(VersionedMixin, db.Model):
    __tablename__ = "event_subscriptions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    url: so.Mapped[str] = so.mapped_column(sa.String(500))
    secret_salt: so.Mapped[str] = so.mapped_column(sa.String(64))  # the HMAC key is derived: nothing secret stored
    event_types: so.Mapped[list[str]] = so.mapped_column(sa.JSON)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class EventDelivery(db.Model):
    __tablename__ = "event_deliveries"
    __table_args__ = (
        # Per subscription and subject, in order: an event waits while an earlier one to the same place is pending.
        sa.Index("ix_event_deliveries_subscription_subject", "subscription_id", "subject", "id"),
        sa.Index("ix_event_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    subscription_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event_subscriptions.id"))
    event_id: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)  # the CloudEvent's `id`
    event_type: so.Mapped[str] = so.mapped_column(sa.String(60))
    subject: so.Mapped[str] = so.mapped_column(sa.String(40))  # a report's or case's reference
    body: so.Mapped[str] = so.mapped_column(sa.Text)  # the CloudEvent as sent
    status: so.Mapped[str] = so.mapped_column(enum_column(*DELIVERY_STATUSES, name="event_delivery_status"),
                                              default="pending")
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    subscription: so.Mapped[EventSubscription] = so.relationship()
