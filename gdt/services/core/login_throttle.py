"""A progressive delay per account after failed logins, whatever the client address.

After LOGIN_ACCOUNT_FREE_FAILURES failures in a row, each further failure refuses logins to that account for a
window that doubles (5 s, 10 s, 20 s, ...) up to LOGIN_ACCOUNT_MAX_DELAY_SECONDS. It is a delay, not a lock: an
attacker who tries someone else's account slows it down for minutes at most, and a correct login afterwards
works and clears the count. The per-address limit (LOGIN_RATE_LIMIT) stays generous for offices behind NAT.
The count lives in the database, so every web process sees the same one.
"""
import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from gdt.db import db, utcnow
from gdt.models import LoginThrottle
from gdt.services.core.transaction import joins_unit_of_work

FIRST_DELAY_SECONDS = 5
FORGET_AFTER = timedelta(days=1)  # failures further apart than this start the count again


def account_key(email: str | None) -> str:
    """The normalised address as typed, hashed: unknown addresses count exactly like known ones."""
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()


def blocked_until(key: str, now: datetime | None = None) -> datetime | None:
    """When the account's current window ends, or None when a login may be tried now."""
    until = db.session.scalar(sa.select(LoginThrottle.blocked_until).where(LoginThrottle.account_key == key))
    return until if until is not None and until > (now or utcnow()) else None


@joins_unit_of_work
def record_failure(key: str, now: datetime | None = None) -> tuple[int, datetime | None]:
    """Count one failure; returns the count and, once past the free ones, the end of the new window."""
    now = now or utcnow()
    # Forgotten counts go (most are addresses without an account); the index on last_failure_at keeps this cheap.
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER))
    insert_if_missing(key)
    # One atomic increment, so concurrent failures from several processes all count.
    failures = db.session.execute(
        sa.update(LoginThrottle).where(LoginThrottle.account_key == key)
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
        .returning(LoginThrottle.failures)
    ).scalar_one()
    over = failures - current_app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    if over < 0:
        return failures, None
    delay = min(FIRST_DELAY_SECONDS * 2 ** min(over, 20), current_app.config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"])
    until = now + timedelta(seconds=delay)
    db.session.execute(sa.update(LoginThrottle).where(LoginThrottle.account_key == key)
                       .values(blocked_until=until))
    return failures, until


@joins_unit_of_work
def reset(key: str) -> None:
    """A successful login: the account starts afresh."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.account_key == key))


@joins_unit_of_work
def insert_if_missing(key: str) -> None:
    """A row for `key` with no failures, unless one exists (also used for the second factor's count)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(LoginThrottle).values(account_key=key, failures=0)
                       .on_conflict_do_nothing(index_elements=["account_key"]))
