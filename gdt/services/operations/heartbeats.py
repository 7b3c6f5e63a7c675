"""Process heartbeats (gdt.models.heartbeats): the worker, beat and the relay say that they are running.

`Heartbeat(kind).write()` upserts this process's row (kind, host, process id) in a transaction of its own;
`beat()` does so only when the last write is HEARTBEAT_INTERVAL_SECONDS old, so a loop may call it on every
round. Neither ever raises: while the database cannot be reached a beat is missed, and the readiness check
notices the silence. `latest()` tells per kind how long ago it was last seen and how many processes are alive.
"""
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from gdt.db import db, utcnow
from gdt.models.heartbeats import HEARTBEAT_KINDS, ProcessHeartbeat
from gdt.services.core.transaction import unit_of_work

log = logging.getLogger(__name__)
FORGET_AFTER = timedelta(days=1)  # rows of processes gone this long are deleted by the next process of that kind


class Heartbeat:
    """This process's heartbeat of one kind."""

    def __init__(self, kind: str):
        if kind not in HEARTBEAT_KINDS:
            raise ValueError(f"unknown heartbeat kind {kind!r}")
        self.kind = kind
        self.started_at = utcnow()
        self._due = 0.0  # time.monotonic() from which the next beat() writes
        self._tidied = False

    def beat(self) -> bool:
        """Write the heartbeat if the last write is an interval old; True when it was written now."""
        if time.monotonic() < self._due:
            return False
        return self.write()

    def write(self) -> bool:
        """Upsert this process's row now; False (and a warning in the log) when that failed."""
        self._due = time.monotonic() + current_app.config["HEARTBEAT_INTERVAL_SECONDS"]
        try:
            with unit_of_work():
                now = utcnow()
                _upsert(self.kind, self.started_at, now)
                if not self._tidied:
                    db.session.execute(sa.delete(ProcessHeartbeat).where(
                        ProcessHeartbeat.kind == self.kind, ProcessHeartbeat.last_seen_at < now - FORGET_AFTER))
        except Exception as error:  # the database is down or refuses: a missed beat, never a crashed process
            log.warning("heartbeat: the %s heartbeat was not written (%s)", self.kind, type(error).__name__)
            return False
        self._tidied = True
        return True


def _upsert(kind: str, started_at: datetime, now: datetime) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(ProcessHeartbeat).values(kind=kind, host=_host(), pid=os.getpid(), started_at=started_at,
                                                last_seen_at=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["kind", "host", "pid"],
        set_={"started_at": statement.excluded.started_at, "last_seen_at": statement.excluded.last_seen_at}))


def _host() -> str:
    return os.uname().nodename[:255]


@dataclass(frozen=True)
class Seen:
    """One kind of process: seconds since the newest heartbeat (None: never seen) and how many are alive."""

    last_seen_seconds: float | None
    alive: int


def latest(max_silence: Mapping[str, float], now: datetime | None = None) -> dict[str, Seen]:
    """Per kind, in the caller's transaction: a process is alive when seen within its kind's `max_silence` seconds.

    The table holds one row per process that ran in the last day or so: a few rows, read whole.
    """
    now = now or utcnow()
    seen: dict[str, list[float]] = {kind: [] for kind in HEARTBEAT_KINDS}
    for kind, last_seen_at in db.session.execute(sa.select(ProcessHeartbeat.kind, ProcessHeartbeat.last_seen_at)):
        seen[kind].append(max((now - last_seen_at).total_seconds(), 0.0))
    return {kind: Seen(min(ages) if ages else None, sum(age <= max_silence[kind] for age in ages))
            for kind, ages in seen.items()}


def max_silence(config: Mapping) -> dict[str, float]:
    """Each kind's threshold from the settings (HEALTH_<KIND>_MAX_SILENCE_SECONDS)."""
    return {kind: float(config[f"HEALTH_{kind.upper()}_MAX_SILENCE_SECONDS"]) for kind in HEARTBEAT_KINDS}
