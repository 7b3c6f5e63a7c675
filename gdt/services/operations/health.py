"""Is this installation ready to do its work? The checks behind /health/ready, each cheap and without personal data.

* database — a connection answers `SELECT 1`;
* migrations — the database's alembic_version is the head of migrations/versions (read once per process);
* redis — when REDIS_URL is set, the broker answers a ping within HEALTH_REDIS_TIMEOUT_SECONDS;
* outbox — at most HEALTH_OUTBOX_MAX_WAITING messages wait, none longer than HEALTH_OUTBOX_MAX_AGE_SECONDS;
* worker, beat, relay — a process of each kind stamped its heartbeat within HEALTH_<KIND>_MAX_SILENCE_SECONDS;
* storage — when STORAGE_URL is set, the object store answers within STORAGE_TIMEOUT_SECONDS (the bucket exists and
  the keys may use it; the folder is writable).

Without REDIS_URL (the embedded default, `make run`) tasks run in the web process and there is no broker, worker,
beat or relay to check: those say "embedded" and do not fail. A check that fails names the error's class, never
its text (which may hold a host name or a statement).
"""
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import redis
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from redis.backoff import NoBackoff
from redis.retry import Retry

from gdt.db import db, utcnow
from gdt.models.heartbeats import HEARTBEAT_KINDS
from gdt.services.core import object_store
from gdt.services.operations import figures, heartbeats

OK, FAIL, EMBEDDED = "ok", "fail", "embedded"
STORAGE_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, dict]

    @property
    def ready(self) -> bool:
        return all(check["status"] != FAIL for check in self.checks.values())

    def as_dict(self) -> dict:
        return {"status": OK if self.ready else FAIL, "checks": self.checks}


def readiness(now: datetime | None = None) -> Readiness:
    """Every check; those that need the database fail at once, without waiting again, when it cannot be reached."""
    config = current_app.config
    now = now or utcnow()
    embedded = not config.get("REDIS_URL")
    checks = {"database": _guarded(_database)}
    if checks["database"]["status"] == OK:
        checks["migrations"] = _guarded(_migrations)
        checks["outbox"] = _guarded(lambda: _outbox(config, now))
        processes = _guarded(lambda: _processes(config, now)) if not embedded else {}
    else:
        unreachable = {"status": FAIL, "error": "database unreachable"}
        checks |= {"migrations": unreachable, "outbox": unreachable}
        processes = unreachable
    checks["redis"] = {"status": EMBEDDED} if embedded else _guarded(lambda: _redis(config))
    for kind in HEARTBEAT_KINDS:
        checks[kind] = {"status": EMBEDDED} if embedded else processes.get(kind, processes)
    if config.get("STORAGE_URL"):  # unset: the folder of one machine, as it always was
        checks["storage"] = _guarded(_storage)
    return Readiness(checks)


def _guarded(check: Callable[[], dict]) -> dict:
    try:
        return check()
    except Exception as error:
        db.session.remove()  # a failed connection is not handed to the next check
        return {"status": FAIL, "error": type(error).__name__}


def _database() -> dict:
    with figures.reading() as session:
        session.execute(sa.text("SELECT 1"))
    return {"status": OK}


def _migrations() -> dict:
    head = script_heads(current_app.extensions["migrate"].directory)
    with figures.reading() as session:
        if sa.inspect(session.connection()).has_table("alembic_version"):
            current = frozenset(session.scalars(sa.text("SELECT version_num FROM alembic_version")))
        else:
            current = frozenset()
    return {"status": OK if current == head else FAIL, "current": _names(current), "head": _names(head)}


@functools.cache
def script_heads(directory: str) -> frozenset[str]:
    """The head revision(s) of the migration scripts: read from disk once per process."""
    return frozenset(ScriptDirectory(directory).get_heads())


def _names(revisions: frozenset[str]) -> str | None:
    return ",".join(sorted(revisions)) or None


def _outbox(config: Mapping, now: datetime) -> dict:
    backlog = figures.outbox_backlog(now)
    max_waiting, max_age = config["HEALTH_OUTBOX_MAX_WAITING"], config["HEALTH_OUTBOX_MAX_AGE_SECONDS"]
    oldest = backlog.oldest_seconds
    healthy = backlog.waiting <= max_waiting and (oldest is None or oldest <= max_age)
    return {"status": OK if healthy else FAIL, "waiting": backlog.waiting,
            "oldest_seconds": None if oldest is None else round(oldest),
            "max_waiting": max_waiting, "max_age_seconds": max_age}


def _processes(config: Mapping, now: datetime) -> dict[str, dict]:
    limits = heartbeats.max_silence(config)
    with figures.reading():
        seen = heartbeats.latest(limits, now)
    return {kind: _heartbeat(seen[kind], limits[kind]) for kind in HEARTBEAT_KINDS}


def _heartbeat(seen: heartbeats.Seen, limit: float) -> dict:
    age = seen.last_seen_seconds
    return {"status": OK if age is not None and age <= limit else FAIL,
            "last_seen_seconds": None if age is None else round(age), "alive": seen.alive,
            "max_silence_seconds": round(limit)}


def _storage() -> dict:
    store = object_store.current(timeout=STORAGE_TIMEOUT_SECONDS)
    store.ping()
    return {"status": OK, "kind": store.describe()}


def _redis(config: Mapping) -> dict:
    _redis_client(config["REDIS_URL"], config["HEALTH_REDIS_TIMEOUT_SECONDS"]).ping()
    return {"status": OK}


@functools.cache
def _redis_client(url: str, timeout: float) -> redis.Redis:
    """One client (and its small connection pool) per process and URL; every call waits at most `timeout` s."""
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                retry=Retry(NoBackoff(), retries=0))
