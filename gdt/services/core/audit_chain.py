"""The audit trail made tamper-evident: every event is the next link of one of its day's chains (decision 0024).

A link's `chain_hash` is an HMAC-SHA256, under a key derived from AUDIT_CHAIN_KEY (else SECRET_KEY), over the event's
fields, its chain and place (`chain_key`, `chain_seq`) and the previous link's hash. Whoever changes, removes or adds
an event in the database without the key breaks a chain where `verify` (gdt.services.core.audit_verify) finds it.

A day is an Amsterdam day, the day the people who read the trail and the retention rules speak of. A day has
AUDIT_CHAIN_SHARDS chains on PostgreSQL ("20261204-0" … "20261204-7"): a transaction takes a free one with
`FOR UPDATE SKIP LOCKED`, so concurrent writers do not queue behind one row, and keeps it (remembered in the
session's info) for the rest of its events of that day until it commits or rolls back. SQLite has one writer at a
time, so one chain a day is enough there.
"""
import calendar
import functools
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import AuditChainHead, AuditEvent, RetentionRule
from gdt.services.core.working_days import start_of_day

# The event's fields a link covers, after its chain, place and predecessor (the id is the database's, not covered).
HASHED_FIELDS = ("occurred_at", "actor_id", "actor_role", "action", "object_type", "object_ref", "outcome", "origin",
                 "detail")
_HKDF_SALT = b"gdt.core.audit_chain"
_HKDF_INFO = b"audit chain hmac v1"
_HELD = "gdt.audit_chain.held"  # Session.info: {day: _Head} of the chains this transaction holds

_clock = utcnow  # the tests set the time here
log = logging.getLogger("gdt.audit")


@dataclass
class _Head:
    key: str
    seq: int
    hash: str | None


def chain_key(day: date, shard: int) -> str:
    return f"{day:%Y%m%d}-{shard}"


def day_prefix(day: date) -> str:
    """What every chain key of `day` starts with; keys of `day` sort from here to the next day's prefix."""
    return f"{day:%Y%m%d}"


def event_day(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


def of_days(first: date | None, last: date | None) -> list[sa.ColumnElement[bool]]:
    """Conditions on `audit_events.chain_key` for the chains of the days `first` to `last` (either open).

    "20261204-3" sorts after "20261204" and before "20261205" in every collation, so the unique index on
    (chain_key, chain_seq) serves the range.
    """
    conditions = [AuditEvent.chain_key.is_not(None)]
    if first is not None:
        conditions.append(AuditEvent.chain_key >= day_prefix(first))
    if last is not None:
        conditions.append(AuditEvent.chain_key < day_prefix(last + timedelta(days=1)))
    return conditions


# --- the key --------------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=16)
def _derive(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(secret.encode())


def signing_key() -> bytes:
    config = current_app.config
    return _derive(config.get("AUDIT_CHAIN_KEY") or config["SECRET_KEY"])


def verifying_keys() -> list[bytes]:
    """The signing key first, then every former one a link may have been made with: AUDIT_CHAIN_KEY_FALLBACKS,
    SECRET_KEY_FALLBACKS, and SECRET_KEY itself once AUDIT_CHAIN_KEY is set (the key before it was)."""
    config = current_app.config
    secrets = [config.get("AUDIT_CHAIN_KEY") or config["SECRET_KEY"], *config.get("AUDIT_CHAIN_KEY_FALLBACKS", ()),
               *config.get("SECRET_KEY_FALLBACKS", ())]
    if config.get("AUDIT_CHAIN_KEY"):
        secrets.append(config["SECRET_KEY"])
    return [_derive(secret) for secret in dict.fromkeys(secret for secret in secrets if secret)]


# --- the hash -------------------------------------------------------------------------------------------------------

def canonical(key: str, seq: int, prev_hash: str | None, fields: Mapping[str, Any]) -> bytes:
    """What a link's HMAC covers: one JSON array, keys sorted, no spaces; the time in ISO UTC to the microsecond."""
    values = [fields[name] for name in HASHED_FIELDS]
    values[0] = values[0].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps([key, seq, prev_hash, *values], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def link_hash(secret: bytes, key: str, seq: int, prev_hash: str | None, fields: Mapping[str, Any]) -> str:
    return hmac.new(secret, canonical(key, seq, prev_hash, fields), hashlib.sha256).hexdigest()


# --- linking an event -----------------------------------------------------------------------------------------------

# Core statements built once: this runs on every audited view, and building a statement costs more than running it.
_heads = AuditChainHead.__table__
_FREE = sa.select(_heads.c.chain_key, _heads.c.last_seq, _heads.c.last_hash).where(
    _heads.c.day == sa.bindparam("day"), _heads.c.destroyed_list_id.is_(None))
_FREE_SQLITE = _FREE.where(_heads.c.shard == 0)
_FREE_PG = _FREE.order_by(sa.func.random()).limit(1).with_for_update(skip_locked=True)
_WAIT_PG = _FREE.order_by(sa.func.random()).limit(1).with_for_update()
_MOVE_HEAD = sa.update(_heads).where(_heads.c.chain_key == sa.bindparam("head_key")).values(
    last_seq=sa.bindparam("head_seq"), last_hash=sa.bindparam("head_hash"))


def link(event: AuditEvent) -> None:
    """Make `event` (not yet inserted) the next link of a chain of its day, and move that chain's head on.

    Sets `occurred_at` here, not by the column default: the hash covers it. `detail` becomes what the JSON column
    gives back, so the hash recomputed from the database is the same. In the caller's transaction: the head stays
    locked until it ends, and a rollback takes the link back with the event.
    """
    event.occurred_at = event.occurred_at or _clock()
    if event.detail is not None:
        event.detail = json.loads(json.dumps(event.detail))
    head = _held_head(event_day(event.occurred_at))
    previous = head.hash
    head.seq += 1
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    head.hash = link_hash(signing_key(), head.key, head.seq, previous, fields)
    event.chain_key, event.chain_seq, event.chain_hash = head.key, head.seq, head.hash
    db.session.connection().execute(_MOVE_HEAD, {"head_key": head.key, "head_seq": head.seq, "head_hash": head.hash})


def _held_head(day: date) -> _Head:
    held = db.session.info.setdefault(_HELD, {})
    if day not in held:
        held[day] = _take_chain(day)
    return held[day]


def _take_chain(day: date) -> _Head:
    postgres = db.session.get_bind().dialect.name == "postgresql"
    found = _free_head(day, postgres)
    if found is None:  # the day's first event, or (PostgreSQL) every chain of the day busy in another transaction
        _create_heads(day, postgres)
        found = _free_head(day, postgres)
    if found is None and postgres:
        found = _free_head(day, postgres, wait=True)
    if found is None:
        raise RuntimeError(f"no audit chain of {day} to write to: every one is destroyed")
    return _Head(*found)


def _free_head(day: date, postgres: bool, *, wait: bool = False):
    query = (_WAIT_PG if wait else _FREE_PG) if postgres else _FREE_SQLITE
    return db.session.connection().execute(query, {"day": day}).first()


def _create_heads(day: date, postgres: bool) -> None:
    """The day's heads, and the next day's: at midnight they are there already, so the day's first writers need not
    wait for the transaction that inserts them."""
    shards = range(max(1, current_app.config["AUDIT_CHAIN_SHARDS"])) if postgres else (0,)
    rows = [{"chain_key": chain_key(each, shard), "day": each, "shard": shard, "last_seq": 0}
            for each in (day, day + timedelta(days=1)) for shard in shards]
    insert = (postgresql if postgres else sqlite).insert(AuditChainHead)
    db.session.execute(insert.values(rows).on_conflict_do_nothing())


@sa.event.listens_for(so.Session, "after_transaction_end")
def _forget_held_chains(session: so.Session, transaction: so.SessionTransaction) -> None:
    """A commit lets the chains go; after a rollback (of a savepoint too) the remembered heads may be ahead."""
    if transaction.parent is None or transaction.nested:
        session.info.pop(_HELD, None)


def verify(date_from: date | None = None, date_to: date | None = None) -> list:
    """Every problem in the chains of those days (all when None): gdt.services.core.audit_verify.verify."""
    from gdt.services.core import audit_verify  # it builds on this module

    return audit_verify.verify(date_from, date_to)


# --- retention: the hooks of the destruction lists (gdt.services.retention) ----------------------------------------

DEFAULT_RETENTION_MONTHS = 60  # without an `audit` retention rule: five years (BIO 8.15; Selectielijst 2020)


def retention_months() -> int:
    months = db.session.scalar(sa.select(RetentionRule.months).where(RetentionRule.kind == "audit")
                               .order_by(RetentionRule.key).limit(1))
    return months or DEFAULT_RETENTION_MONTHS


def expired_days(as_of: date) -> list[tuple[date, int]]:
    """The days, oldest first, whose events are past the `audit` rule's months on `as_of` (a day of events is kept
    until the same day that many months later) and not yet destroyed, each with its number of events."""
    last = _months_before(as_of, retention_months())
    counted = sa.select(AuditChainHead.day, sa.func.count(AuditEvent.id)).join(
        AuditEvent, AuditEvent.chain_key == AuditChainHead.chain_key).where(
        AuditChainHead.day <= last, AuditChainHead.destroyed_list_id.is_(None)).group_by(AuditChainHead.day)
    days = dict(db.session.execute(counted).all())
    unchained = sa.select(AuditEvent.occurred_at).where(
        AuditEvent.chain_key.is_(None), AuditEvent.occurred_at < start_of_day(last + timedelta(days=1)))
    for occurred_at in db.session.scalars(unchained.execution_options(yield_per=10_000)):
        day = event_day(occurred_at)
        days[day] = days.get(day, 0) + 1
    return sorted((day, count) for day, count in days.items() if count)


def destroy_day(day: date, list_id: int) -> int:
    """Delete every audit event of `day` (two DELETEs, none row by row) and mark the day's chains destroyed by
    destruction list `list_id`, so `verify` expects them empty. In the caller's transaction; returns the count.

    Refuses yesterday and today (ValueError): their chains may still be written to.
    """
    if day >= event_day(_clock()) - timedelta(days=1):
        raise ValueError(f"the audit events of {day} may still be written to")
    gone = db.session.execute(sa.delete(AuditEvent).where(*of_days(day, day))).rowcount
    gone += db.session.execute(sa.delete(AuditEvent).where(
        AuditEvent.chain_key.is_(None), AuditEvent.occurred_at >= start_of_day(day),
        AuditEvent.occurred_at < start_of_day(day + timedelta(days=1)))).rowcount
    db.session.execute(sa.update(AuditChainHead).where(AuditChainHead.day == day)
                       .values(destroyed_list_id=list_id))
    return gone


def checkpoint(day: date) -> dict:
    """The heads of `day`'s chains (key, last_seq, last_hash), also logged at INFO as one line of JSON.

    A log store outside the database keeps that copy: an attacker who cut off the last events of a chain and moved
    its head back leaves a chain that `verify` finds whole, but not one that still matches an older checkpoint
    (`audit_verify.compare_checkpoint`).
    """
    heads = db.session.execute(sa.select(AuditChainHead).where(AuditChainHead.day == day)
                               .order_by(AuditChainHead.shard)).scalars()
    document = {"day": day.isoformat(), "chains": [
        {"key": head.chain_key, "last_seq": head.last_seq, "last_hash": head.last_hash,
         **({"destroyed_list_id": head.destroyed_list_id} if head.destroyed_list_id else {})} for head in heads]}
    log.info("audit chain checkpoint %s", json.dumps(document, separators=(",", ":")))
    return document


def _months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when that month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
