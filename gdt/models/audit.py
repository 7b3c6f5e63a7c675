"""The audit log: who viewed or changed which object, when, from where, with what outcome (BIO 8.15.01)."""
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow

AUDIT_OUTCOMES = ("ok", "denied", "error")
# A refused login (wrong password, unknown address, throttled): `/metrics` counts them through a partial index.
LOGIN_FAILED = sa.text("action = 'login' AND outcome = 'denied'")


class AuditEvent(db.Model):
    """Append-only. Holds references and field names, never personal values."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_object", "object_type", "object_ref"),
        sa.Index("ix_audit_events_actor", "actor_id", "occurred_at"),
        sa.UniqueConstraint("chain_key", "chain_seq"),
        sa.Index("ix_audit_events_login_failures", "occurred_at", postgresql_where=LOGIN_FAILED,
                 sqlite_where=LOGIN_FAILED),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    occurred_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    actor_role: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_type: so.Mapped[str] = so.mapped_column(sa.String(20))
    object_ref: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    outcome: so.Mapped[str] = so.mapped_column(enum_column(*AUDIT_OUTCOMES, name="audit_outcome"), default="ok")
    origin: so.Mapped[str | None] = so.mapped_column(sa.String(45))
    detail: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    # Tamper evidence (gdt.services.core.audit_chain): each event is the next link of one of a day's chains
    # (several per day, so concurrent writers each take a free one), `chain_hash` an HMAC over the event and the
    # previous link's hash. None only for events written before the chain existed.
    chain_key: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    chain_seq: so.Mapped[int | None] = so.mapped_column()
    chain_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))


class AuditChainHead(db.Model):
    """The last link of one chain: a writer locks a free head of the day (SKIP LOCKED), appends, moves it on."""

    __tablename__ = "audit_chain_heads"
    __table_args__ = (sa.UniqueConstraint("day", "shard"),)

    chain_key: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)  # "20261204-3"
    day: so.Mapped[date] = so.mapped_column(sa.Date)
    shard: so.Mapped[int]
    last_seq: so.Mapped[int] = so.mapped_column(default=0)
    last_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    # The audit retention's destruction list that removed this chain's events: verify expects none then.
    destroyed_list_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("destruction_lists.id"))
