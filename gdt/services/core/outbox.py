"""The transactional outbox: follow-up work is written in the business transaction and leaves afterwards.

A database commit and a broker publish cannot be atomic (docs/decisions/0002-transactional-outbox.md),
so the outbox row, committed together with the report, is the truth. Two ways hand its id to the worker: a nudge
right after the commit (the fast path) and the relay (`flask outbox-relay`), which keeps retrying
what the nudge could not publish and re-publishes what was published but never processed. The
consumer (`process`) is idempotent, so a Redis outage, a crashed relay or a duplicate delivery
never loses or doubles anything. A side effect that went out is recorded with `record`, which keeps trying
while the database restarts (README, "Reliability", says when a repeat can still happen). Log lines carry
message ids only, never payloads.
"""
import functools
import importlib
import logging
import pkgutil
import re
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar
from uuid import uuid4

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from gdt import logs
from gdt.db import append_row, database_unavailable, db, utcnow
from gdt.models.outbox import OutboxMessage
from gdt.services.core import after_response
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work

log = logging.getLogger(__name__)

TASK_NAME = "gdt.outbox.process_message"
BATCH = 100
ALERT_AFTER = timedelta(minutes=10)  # an unpublished message this old means the broker is down for real
MAX_BACKOFF = 60.0
_PENDING = "gdt.outbox.pending"  # key in Session.info: messages to nudge once this session commits
_CREDENTIALS = re.compile(r"(?<=://)[^@/\s]+@")
CLAIM_MARGIN = 10.0  # seconds: stop retrying a record this long before the claim runs out and another may start
MAX_RECORD_DELAY = 5.0  # seconds between two tries to record, at most

R = TypeVar("R")
# The message whose handler runs in this context, and until when (time.monotonic) `record` may keep trying.
_running: ContextVar[tuple[str, float] | None] = ContextVar("gdt.outbox.running", default=None)

HANDLERS: dict[str, Callable[[dict], None]] = {}


def handler(topic: str) -> Callable:
    """Register the function that carries out messages of `topic` (one handler per topic).

    A handler runs outside any transaction: it reads in one unit of work, does its side effect (a mail,
    a POST) outside, and records it in another. It must be idempotent: check the state before acting.
    """

    def register(function: Callable[[dict], None]) -> Callable[[dict], None]:
        if HANDLERS.get(topic, function) is not function:
            raise ValueError(f"outbox topic {topic!r} already has a handler")
        HANDLERS[topic] = function
        return function

    return register


@joins_unit_of_work
def enqueue(topic: str, payload: dict) -> OutboxMessage:
    """Add follow-up work to the caller's unit of work: it leaves only if that unit of work commits.

    Never commits. The nudge is registered on the session now, before the commit (registered afterwards, it
    would wait for the next commit), and dropped on rollback.
    The row is stamped published up front, as the nudge's claim: the happy path needs no second
    write, and the stamp is taken off again if the nudge cannot publish.
    """
    if topic not in _handlers():
        raise ValueError(f"no outbox handler for topic {topic!r}")
    now = utcnow()
    message = OutboxMessage(id=str(uuid4()), topic=topic, payload=payload, created_at=now, published_at=now, attempts=0,
                            request_id=logs.current_request_id())
    append_row(message)
    # The innermost transaction tells, on a savepoint's rollback, whether this row went with it.
    session = db.session()
    innermost = session.get_nested_transaction() or session.get_transaction()
    db.session.info.setdefault(_PENDING, []).append((message.id, innermost))
    return message


class Claimed(Exception):
    """Another consumer is working on the message (or died doing so): try again after `retry_in` seconds."""

    def __init__(self, retry_in: float):
        super().__init__(f"claimed for another {retry_in:.0f} s")
        self.retry_in = retry_in


def process(message_id: str, *, record_retry_seconds: float | None = None) -> bool:
    """The idempotent consumer: claim the message, run the topic's handler once, mark it processed.

    The handler runs outside any transaction (its side effect is a network call: no database lock may
    wait for a mail server), so a short claim, committed first, keeps a concurrent duplicate away; a
    redelivery after the mark finds processed_at set (False), one during the claim raises Claimed. A
    handler that raises leaves the message unprocessed and unclaimed, so the worker or the relay retries it.
    Recording what was done (the handler's own record and processed_at) is retried while the database is
    unreachable, for `record_retry_seconds` (default OUTBOX_RECORD_RETRY_SECONDS) but never past the claim.
    """
    config = current_app.config
    claimed_at = time.monotonic()
    with unit_of_work() as session:
        message = session.get(OutboxMessage, message_id, with_for_update=True, populate_existing=True)
        if message is None:
            log.warning("outbox: message %s not found (its transaction rolled back)", message_id)
            return False
        now = utcnow()
        if message.processed_at is not None:
            return False
        if message.claimed_until is not None and message.claimed_until > now:
            raise Claimed((message.claimed_until - now).total_seconds())
        message.claimed_until = now + timedelta(seconds=config["OUTBOX_CLAIM_SECONDS"])
        topic, payload = message.topic, dict(message.payload)
    retry_for = config["OUTBOX_RECORD_RETRY_SECONDS"] if record_retry_seconds is None else record_retry_seconds
    deadline = min(time.monotonic() + retry_for, claimed_at + config["OUTBOX_CLAIM_SECONDS"] - CLAIM_MARGIN)
    running = _running.set((message_id, deadline))
    try:
        try:
            _handlers()[topic](payload)
        except BaseException:
            _release_claim(message_id)
            raise
        record(lambda: _update(message_id, processed_at=utcnow(), claimed_until=None))
    finally:
        _running.reset(running)
    return True


def current_message_id() -> str | None:
    """The id of the message whose handler is running here (None outside a handler): a mail's stable identity."""
    running = _running.get()
    return running[0] if running else None


def record(write: Callable[[], R]) -> R:
    """Run `write` in a unit of work of its own, and again while the database cannot be reached.

    For what a handler does after its side effect (a mail was accepted by the server): giving up would leave
    the message unprocessed, and it would be sent a second time after the claim. So keep trying, with backoff
    and a fresh session (a new connection) each time, until the handler's deadline; only then raise. Any
    other error, and every error outside a handler, is raised at once.
    """
    running = _running.get()
    deadline = running[1] if running else time.monotonic()
    delay = 0.2
    while True:
        try:
            with unit_of_work():
                return write()
        except Exception as error:
            if not database_unavailable(error) or time.monotonic() + delay > deadline:
                raise
            log.warning("outbox: recording message %s failed (%s); trying again in %.1f s",
                        running[0], type(error).__name__, delay)
        db.session.remove()  # the failed session may hold a dead connection: the next try starts afresh
        time.sleep(delay)
        delay = min(delay * 2, MAX_RECORD_DELAY)


def _release_claim(message_id: str) -> None:
    """After a handler failed: let the message be tried again at once. A handler often fails because the
    database went away, so the release is retried like a record (a restart takes seconds); if the database
    stays down past the handler's deadline, the claim stays and runs out by itself: the message waits longer,
    and is not lost."""
    try:
        record(lambda: _update(message_id, claimed_until=None))
    except Exception as error:
        if not database_unavailable(error):
            raise
        log.warning("outbox: message %s keeps its claim; the database cannot be reached", message_id)


def _update(message_id: str, **values) -> None:
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))


@dataclass(frozen=True)
class RelayResult:
    published: int
    failed: int
    oldest_unpublished_age: float | None  # seconds; None when nothing waits to be published


def relay_once(limit: int = BATCH) -> RelayResult:
    """Publish one batch, oldest first; stop at the first publish error and leave the rest for the next run.

    Each task carries the id of the request that wrote its message (gdt/logs.py), however late it is handed on."""
    batch = _claim(limit)
    message_ids = [message_id for message_id, _ in batch]
    published = failed = 0
    for message_id, request_id in batch:
        try:
            with logs.request_id_as(request_id):
                _publish(message_id)
        except Exception as error:  # kombu OperationalError when Redis is down, or anything else
            failed = 1
            _release(message_ids[published:], failed_id=message_id, error=_short_error(error))
            log.warning(
                "outbox relay: publishing message %s failed (%s); %d left for the next run",
                message_id,
                type(error).__name__,
                len(message_ids) - published,
            )
            break
        published += 1
    return RelayResult(published, failed, _oldest_unpublished_age())


def relay_forever(
    interval: float = 5.0,
    stop_event: threading.Event | None = None,
    *,
    limit: int = BATCH,
    max_backoff: float = MAX_BACKOFF,
    heartbeat: Callable[[], object] | None = None,
) -> None:
    """Relay until `stop_event` is set; back off exponentially (up to `max_backoff` s) while publishing fails.

    `heartbeat`, called before every run, tells that the relay is alive (it must not raise; the relay command
    passes a throttled process heartbeat, README "Health and metrics")."""
    stop = stop_event or threading.Event()
    delay = interval
    while not stop.is_set():
        if heartbeat is not None:
            heartbeat()
        try:
            result = relay_once(limit)
        except Exception as error:  # keep the loop alive and try again
            if database_unavailable(error):  # a restart or failover: expected, and over soon
                log.warning("outbox relay: the database cannot be reached (%s)", type(error).__name__)
            else:
                log.exception("outbox relay: run failed")
            db.session.remove()  # the next run starts on a fresh connection
            result = None
        if result is not None:
            _log_run(result)
        healthy = result is not None and not result.failed
        if healthy and result.published >= limit:
            continue  # a full batch: more may be waiting
        delay = interval if healthy else min(max(delay, interval) * 2, max_backoff)
        stop.wait(delay)


def registered_topics() -> set[str]:
    """Every topic with a handler, after the feature packages registered theirs."""
    return set(_handlers())


def _handlers() -> dict[str, Callable[[dict], None]]:
    _import_feature_packages()
    return HANDLERS


@functools.cache
def _import_feature_packages() -> None:
    """Import every feature package of gdt.services once: each imports its own modules with @handler functions.

    So a handler is known wherever a message is queued or processed (web, worker, relay, CLI), and core
    never names a feature. A feature with a new handler module imports it in its package's __init__.
    """
    services = importlib.import_module(__package__.rpartition(".")[0])
    for feature in pkgutil.iter_modules(services.__path__, f"{services.__name__}."):
        if feature.ispkg:
            importlib.import_module(feature.name)


def _republish_after() -> timedelta:
    """Published but still unprocessed after this long: the broker may have lost it (Redis without AOF)."""
    return timedelta(seconds=current_app.config["OUTBOX_REPUBLISH_AFTER_SECONDS"])


def _publish(message_id: str) -> None:
    """Look the task up by name (Celery's send_task ignores eager mode); the task id is the message id."""
    task = current_app.extensions["celery"].tasks[TASK_NAME]
    task.apply_async(args=[message_id], task_id=message_id)


def _claim(limit: int) -> list[tuple[str, str | None]]:
    """Stamp a batch as published and commit *before* handing it over.

    Publishing outside the locking transaction matters in eager mode: there the publish runs the
    consumer at once in its own session, which would otherwise wait for our row lock (PostgreSQL)
    or write lock (SQLite) – i.e. for itself. A second relay skips the stamped rows. If the relay
    dies between this commit and the publish, the re-publish rule picks the rows up later.
    """
    now = utcnow()
    due = sa.and_(
        OutboxMessage.processed_at.is_(None),
        sa.or_(OutboxMessage.published_at.is_(None), OutboxMessage.published_at < now - _republish_after()),
    )
    query = (
        sa.select(OutboxMessage)
        .where(due)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    with unit_of_work() as session:
        batch = session.scalars(query).all()
        for message in batch:
            message.published_at = now
        return [(message.id, message.request_id) for message in batch]


def _release(message_ids: list[str], *, failed_id: str | None = None, error: str | None = None) -> None:
    """Un-stamp what was not handed over, so the next relay run takes it at once; count a relay failure."""
    with unit_of_work() as session:
        session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids), OutboxMessage.processed_at.is_(None))
            .values(published_at=None)
        )
        if failed_id is not None:
            session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id == failed_id)
                .values(attempts=OutboxMessage.attempts + 1, last_error=error)
            )


def _oldest_unpublished_age() -> float | None:
    """Seconds the oldest waiting message has waited: the number to alert on."""
    with unit_of_work() as session:  # a short transaction of its own: SQLite must not keep its lock between runs
        oldest = session.scalar(
            sa.select(sa.func.min(OutboxMessage.created_at)).where(
                OutboxMessage.published_at.is_(None), OutboxMessage.processed_at.is_(None)
            )
        )
    return None if oldest is None else max((utcnow() - oldest).total_seconds(), 0.0)


def _log_run(result: RelayResult) -> None:
    age = result.oldest_unpublished_age
    if age is not None and age > ALERT_AFTER.total_seconds():
        log.warning(
            "outbox relay: oldest unpublished message waits %.0f s (published %d, failed %d)",
            age,
            result.published,
            result.failed,
        )
    elif result.published or result.failed:
        log.info("outbox relay: published %d, failed %d", result.published, result.failed)


def _short_error(error: Exception) -> str:
    """Class and message, with any credentials in a broker URL masked, cut to fit `last_error`."""
    return _CREDENTIALS.sub("***@", f"{type(error).__name__}: {error}")[:200]


def _nudge(message_ids: list[str]) -> None:
    """Hand freshly committed messages over at once; what cannot be published is left to the relay."""
    for position, message_id in enumerate(message_ids):
        try:
            _publish(message_id)
        except Exception as error:  # broker down: stop trying, the relay takes over
            log.warning(
                "outbox: message %s not published after commit (%s); left for the relay",
                message_id,
                type(error).__name__,
            )
            _unclaim(message_ids[position:])
            return


def _unclaim(message_ids: list[str]) -> None:
    """Take the nudge's stamp off, in a session of its own (the committing one may not emit SQL now).

    If even that fails, the stamp stays and the relay's re-publish rule sends the rows a little later.
    """
    try:
        with current_app.app_context():
            _release(message_ids)
    except Exception:
        log.exception("outbox: could not return %d message(s) to the relay", len(message_ids))


@sa.event.listens_for(so.Session, "after_commit")
def _after_commit(session: so.Session) -> None:
    if session.in_nested_transaction():  # only a savepoint was released; the real commit comes later
        return
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    message_ids = [message_id for message_id, _ in pending]
    if current_app.config["CELERY"].get("task_always_eager"):
        _nudge(message_ids)  # in-process tasks: the work itself runs here, as the caller expects
    else:  # a broker: the answer need not wait for the publish (~1 ms), and the relay covers a lost process
        after_response.submit(current_app._get_current_object(), _nudge, message_ids)


@sa.event.listens_for(so.Session, "after_soft_rollback")
def _after_rollback(session: so.Session, previous_transaction: so.SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    if previous_transaction.nested:  # a savepoint rolled back: only the rows added inside it are gone
        session.info[_PENDING] = [
            (message_id, added_in) for message_id, added_in in pending if not _within(added_in, previous_transaction)
        ]
    else:
        session.info.pop(_PENDING, None)


def _within(transaction: so.SessionTransaction | None, ancestor: so.SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False
