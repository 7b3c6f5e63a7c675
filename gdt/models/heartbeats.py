"""Process heartbeats: the worker, beat and the outbox relay each stamp their row while they run.

One row per process (kind, host, process id), upserted every few seconds; `/health/ready` and `/metrics` read
how long ago each kind was last seen. Host names and process ids only, never personal data.
"""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column

HEARTBEAT_KINDS = ("worker", "beat", "relay")


class ProcessHeartbeat(db.Model):
    __tablename__ = "process_heartbeats"
    __table_args__ = (sa.Index(None, "kind", "last_seen_at"),)

    kind: so.Mapped[str] = so.mapped_column(enum_column(*HEARTBEAT_KINDS, name="heartbeat_kind"), primary_key=True)
    host: so.Mapped[str] = so.mapped_column(sa.String(255), primary_key=True)
    pid: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
