"""Verify the audit trail's chains (decision 0024): what was changed, removed or added behind the application's back.

Each chain is walked by `chain_seq`, each link's HMAC recomputed from the stored fields and the previous link's
stored hash. A mismatch is a changed event; a gap in the numbers, or a head further than the last event, a removed
one; an event beyond its chain's head, without a valid link, twice at one place, in a destroyed chain, or without a
chain although written after the chain began, an added one. Each problem says where: chain, place, event id, day.

What the chains alone cannot show: a chain cut off at its end together with its head moved back, or a whole day
removed with its heads. The checkpoints logged elsewhere (`audit_chain.checkpoint`) show that: `compare_checkpoint`.

The events are read in batches along the unique index (chain_key, chain_seq), so millions of them take constant
memory. The application keeps writing meanwhile: a chain of today or yesterday is compared with its head as read
after its events, and events committed in between are read before it is judged.
"""
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from gdt.db import db, utcnow
from gdt.models import AuditChainHead, AuditEvent
from gdt.services.core.audit_chain import HASHED_FIELDS, canonical, event_day, of_days, verifying_keys
from gdt.services.core.working_days import start_of_day

KINDS = ("changed", "removed", "inserted", "head_mismatch")
BATCH_SIZE = 5000
CATCH_UP_ROUNDS = 3  # a live chain growing while it is read: read its new events again, at most this often

_COLUMNS = (AuditEvent.id, AuditEvent.chain_key, AuditEvent.chain_seq, AuditEvent.chain_hash,
            *(getattr(AuditEvent, name) for name in HASHED_FIELDS))
_HEAD_COLUMNS = (AuditChainHead.chain_key, AuditChainHead.day, AuditChainHead.last_seq, AuditChainHead.last_hash,
                 AuditChainHead.destroyed_list_id)


@dataclass(frozen=True)
class Problem:
    kind: str  # one of KINDS
    message: str  # English, for the command line
    chain_key: str | None = None
    seq: int | None = None
    event_id: int | None = None
    day: date | None = None

    @property
    def location(self) -> str:
        parts = [f"chain {self.chain_key}" if self.chain_key else None,
                 f"seq {self.seq}" if self.seq is not None else None,
                 f"event id {self.event_id}" if self.event_id is not None else None,
                 f"day {self.day.isoformat()}" if self.day else None]
        return ", ".join(part for part in parts if part)


@dataclass
class Verification:
    problems: list[Problem] = field(default_factory=list)
    events: int = 0  # chained events checked
    chains: int = 0  # chains holding events (or whose head says they should)
    destroyed_chains: int = 0  # emptied by the audit retention, as expected
    unchained: int = 0  # events older than the chain: not tampering, but not covered either

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(date_from: date | None = None, date_to: date | None = None) -> list[Problem]:
    """Every problem in the audit trail of the Amsterdam days `date_from` to `date_to` (open ends: all)."""
    return check(date_from, date_to).problems


def check(date_from: date | None = None, date_to: date | None = None, *,
          batch_size: int = BATCH_SIZE) -> Verification:
    """`verify` with the counts a report needs: events and chains checked, destroyed chains, unchained events."""
    result, keys = Verification(), verifying_keys()
    heads = {head.chain_key: head for head in db.session.execute(
        sa.select(*_HEAD_COLUMNS).where(*_day_range(AuditChainHead.day, date_from, date_to)))}
    live_from = event_day(utcnow()) - timedelta(days=1)
    chain = None
    for row in _chained_rows(date_from, date_to, batch_size):
        if chain is None or row.chain_key != chain.key:
            if chain is not None:
                chain.finish(result, keys, live_from)
            chain = _Chain(row.chain_key, heads.pop(row.chain_key, None))
        chain.take(row, keys)
    if chain is not None:
        chain.finish(result, keys, live_from)
    for head in heads.values():
        _Chain(head.chain_key, head).finish(result, keys, live_from)
    _check_placeless(result, date_from, date_to)
    _check_unchained(result, date_from, date_to, batch_size)
    return result


def compare_checkpoint(document: dict) -> list[Problem]:
    """What changed since `audit_chain.checkpoint` logged `document`: a chain whose head went back, or whose event
    at the logged place is gone or different, was cut off or rewritten at its end (what `verify` cannot see)."""
    problems = []
    day = date.fromisoformat(document["day"])
    for logged in document["chains"]:
        if not logged["last_seq"]:
            continue
        key, seq = logged["key"], logged["last_seq"]
        head = db.session.execute(sa.select(*_HEAD_COLUMNS).where(AuditChainHead.chain_key == key)).first()
        if head is not None and head.destroyed_list_id is not None:
            continue
        stored = db.session.execute(sa.select(AuditEvent.id, AuditEvent.chain_hash).where(
            AuditEvent.chain_key == key, AuditEvent.chain_seq == seq)).first()
        if head is None or head.last_seq < seq or stored is None:
            now = "no head" if head is None else f"the head at {head.last_seq}"
            problems.append(Problem("removed", f"the checkpoint ends this chain at {seq}; now {now} and "
                                    f"{'no' if stored is None else 'an'} event there: cut off at its end",
                                    key, seq, stored.id if stored else None, day))
        elif stored.chain_hash != logged["last_hash"]:
            problems.append(Problem("changed", "the event at the checkpoint's place has another hash than the "
                                    "checkpoint logged: the chain was rewritten from here", key, seq, stored.id, day))
    return problems


class _Chain:
    """One chain walked in order of `chain_seq`; judged against its head once all its events are read."""

    def __init__(self, key: str, head):
        self.key, self.snapshot = key, head
        self.day = head.day if head is not None else _day_of(key)
        self.snapshot_seq = head.last_seq if head is not None else 0
        self.expected, self.last_seq, self.last_within_snapshot = 1, 0, 0
        self.prev_hashes: list[str | None] = [None]  # what the next link is made after
        self.events = self.verified = 0
        self.gaps: list[tuple[int, int]] = []  # places no event holds, between two that exist
        self.bad: dict[int, int] = {}  # event id -> seq: the link does not verify
        self.repeated: list[tuple[int, int]] = []  # (seq, id): a place taken twice, or out of order
        self.above: list[tuple[int, int]] = []  # (seq, id): beyond the head as first read
        self.hashes: dict[int, str | None] = {}  # seq -> stored hash, from the head as first read on
        self.destroyed: list[tuple[int, int]] = []  # (seq, id): in a chain the retention destroyed

    def take(self, row, keys: list[bytes]) -> None:
        self.events += 1
        seq = row.chain_seq
        if self.snapshot is not None and self.snapshot.destroyed_list_id is not None:
            self.destroyed.append((seq, row.id))
            return
        if seq <= self.last_seq:
            self.repeated.append((seq, row.id))
            return
        next_prev = [row.chain_hash]
        if seq > self.expected:  # its predecessor is gone: this link cannot be checked, it anchors the rest
            self.gaps.append((self.expected, seq - 1))
            if row.chain_hash is None:
                self.bad[row.id] = seq
        else:
            verified, should_be = _verify(keys, self.key, seq, self.prev_hashes, row)
            if verified:
                self.verified += 1
            else:
                self.bad[row.id] = seq
                next_prev += should_be  # only its stored hash overwritten: what it should be links the next one
        self.prev_hashes, self.expected, self.last_seq = next_prev, seq + 1, seq
        if seq <= self.snapshot_seq:
            self.last_within_snapshot = seq
        else:
            self.above.append((seq, row.id))
        if seq >= self.snapshot_seq:
            self.hashes[seq] = row.chain_hash

    def finish(self, result: Verification, keys: list[bytes], live_from: date) -> None:
        head = self.snapshot
        if self.day is not None and self.day >= live_from:  # still written to: read what came meanwhile
            head = self._catch_up(keys)
        result.events += self.events
        if head is not None and head.destroyed_list_id is not None:
            result.destroyed_chains += 1
            result.problems.extend(self._problem("inserted", seq, event_id, f"in a chain destroyed by destruction "
                                                 f"list {head.destroyed_list_id}: added afterwards")
                                   for seq, event_id in self.destroyed)
            return
        top = head.last_seq if head is not None else None
        if self.events or top:
            result.chains += 1
        result.problems.extend(self._removed(top))
        result.problems.extend(self._inserted_or_changed(top))
        result.problems.extend(self._head_problems(head, top))

    def _catch_up(self, keys: list[bytes]):
        for _ in range(CATCH_UP_ROUNDS):
            head = db.session.execute(sa.select(*_HEAD_COLUMNS).where(AuditChainHead.chain_key == self.key)).first()
            if head is None or head.last_seq <= self.last_seq:
                return head
            rows = db.session.execute(sa.select(*_COLUMNS).where(
                AuditEvent.chain_key == self.key, AuditEvent.chain_seq > self.last_seq)
                .order_by(AuditEvent.chain_seq, AuditEvent.id)).all()
            if not rows:  # the head is further than the events: removed ones, judged by the caller
                return head
            for row in rows:
                self.take(row, keys)
        return head

    def _removed(self, top: int | None) -> Iterator[Problem]:
        legit = max([self.last_within_snapshot, *(seq for seq, _ in self.above if top is None or seq <= top)])
        missing = [(first, last) for first, last in self.gaps if first <= legit]
        if top is not None and legit < top:
            missing.append((legit + 1, top))
        for first, last in missing:
            what = f"event {first} is" if first == last else f"events {first} to {last} are"
            yield self._problem("removed", first, None, f"{what} missing from the chain")

    def _inserted_or_changed(self, top: int | None) -> Iterator[Problem]:
        for event_id, seq in self.bad.items():
            if top is None:
                yield self._problem("inserted", seq, event_id, "its link does not verify, in a chain without a head")
            elif seq > top:
                yield self._problem("inserted", seq, event_id, f"beyond the chain's head ({top}), its link not "
                                    "verifying: added afterwards")
            else:
                yield self._problem("changed", seq, event_id, "its link does not verify: a field was changed after "
                                    "it was written (or it was signed with a key no longer configured)")
        for seq, event_id in self.above:
            if top is not None and seq > top and event_id not in self.bad:
                yield self._problem("inserted", seq, event_id, f"beyond the chain's head ({top}): added afterwards")
        for seq, event_id in self.repeated:
            yield self._problem("inserted", seq, event_id, "a second event at a place already taken: added afterwards")

    def _head_problems(self, head, top: int | None) -> Iterator[Problem]:
        if head is None:
            if self.verified:
                yield self._problem("head_mismatch", None, None, "the chain's head row is missing")
            return
        last_bad = top in self.bad.values()  # reported at the event already
        if top and top in self.hashes and self.hashes[top] != head.last_hash and not last_bad:
            yield self._problem("head_mismatch", top, None, "the chain's head holds another hash than its last event")

    def _problem(self, kind: str, seq: int | None, event_id: int | None, message: str) -> Problem:
        return Problem(kind, message, self.key, seq, event_id, self.day)


def _verify(keys: list[bytes], key: str, seq: int, prev_hashes: list[str | None], row) -> tuple[bool, list[str]]:
    """Whether the row's stored hash is its link after one of `prev_hashes` under one of `keys`; else the hashes it
    should hold (what the next link may have been made after)."""
    should_be = []
    for prev_hash in prev_hashes:
        message = canonical(key, seq, prev_hash, row._mapping)
        for secret in keys:
            expected = hmac.new(secret, message, "sha256").hexdigest()
            if row.chain_hash is not None and hmac.compare_digest(expected, row.chain_hash):
                return True, []
            should_be.append(expected)
    return False, should_be


def _chained_rows(date_from: date | None, date_to: date | None, batch_size: int) -> Iterator[sa.Row]:
    """The chained events in order of (chain_key, chain_seq, id), a batch at a time along the unique index."""
    chained = sa.select(*_COLUMNS).where(*of_days(date_from, date_to), AuditEvent.chain_seq.is_not(None))
    query = chained
    while True:
        rows = db.session.execute(query.order_by(AuditEvent.chain_key, AuditEvent.chain_seq, AuditEvent.id)
                                  .limit(batch_size)).all()
        yield from rows
        if len(rows) < batch_size:
            return
        last = rows[-1]
        # A place taken twice and cut by the batch (possible only without the unique constraint): its rest first.
        yield from db.session.execute(chained.where(AuditEvent.chain_key == last.chain_key,
                                                    AuditEvent.chain_seq == last.chain_seq,
                                                    AuditEvent.id > last.id).order_by(AuditEvent.id))
        query = chained.where(sa.tuple_(AuditEvent.chain_key, AuditEvent.chain_seq) > (last.chain_key, last.chain_seq))


def _check_placeless(result: Verification, date_from: date | None, date_to: date | None) -> None:
    """Events with a chain but no place in it."""
    for row in db.session.execute(sa.select(AuditEvent.id, AuditEvent.chain_key, AuditEvent.occurred_at).where(
            *of_days(date_from, date_to), AuditEvent.chain_seq.is_(None)).order_by(AuditEvent.id)):
        result.problems.append(Problem("inserted", "a chain but no place in it: added afterwards", row.chain_key,
                                       None, row.id, _day_of(row.chain_key) or event_day(row.occurred_at)))


def _check_unchained(result: Verification, date_from: date | None, date_to: date | None, batch_size: int) -> None:
    """Events without a chain: older than the chain (counted), or written since it began (each an insertion)."""
    began = _chain_began()
    unchained = [AuditEvent.chain_key.is_(None),
                 *_day_range(AuditEvent.occurred_at, date_from and start_of_day(date_from),
                             date_to and start_of_day(date_to + timedelta(days=1)), exclusive_end=True)]
    if began is None:
        result.unchained = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(*unchained))
        return
    result.unchained = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        *unchained, AuditEvent.occurred_at < began))
    after = sa.select(AuditEvent.id, AuditEvent.occurred_at).where(*unchained, AuditEvent.occurred_at >= began)
    message = (f"no chain, though written after the chain began ({began.isoformat(sep=' ', timespec='seconds')}): "
               "added behind the application's back")
    last_id = None
    while True:
        batch = after if last_id is None else after.where(AuditEvent.id > last_id)
        rows = db.session.execute(batch.order_by(AuditEvent.id).limit(batch_size)).all()
        result.problems.extend(Problem("inserted", message, None, None, row.id, event_day(row.occurred_at))
                               for row in rows)
        if len(rows) < batch_size:
            return
        last_id = rows[-1].id


def _chain_began() -> datetime | None:
    """When the first chained event was written: the first day's first link, or that day's start once destroyed."""
    first_day = db.session.scalar(sa.select(sa.func.min(AuditChainHead.day)))
    if first_day is None:
        return None
    first = db.session.scalar(sa.select(sa.func.min(AuditEvent.occurred_at)).where(*of_days(first_day, first_day)))
    return first or start_of_day(first_day)


def _day_range(column, first, last, *, exclusive_end: bool = False) -> list:
    conditions = [] if first is None else [column >= first]
    if last is not None:
        conditions.append(column < last if exclusive_end else column <= last)
    return conditions


def _day_of(key: str | None) -> date | None:
    try:
        return datetime.strptime(key.split("-", 1)[0], "%Y%m%d").date()
    except (AttributeError, ValueError):
        return None
