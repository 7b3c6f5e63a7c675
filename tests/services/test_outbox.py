"""The outbox chain: written with the business data, nudged after commit, relayed, processed once."""
import contextlib
import os
import socket
import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import db as _db
from gdt.db import utcnow
from gdt.models import OutboxMessage, Report
from gdt.services.core import after_response, outbox, reference_data
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import receipts
from worker.relay import outbox_relay

TOPIC = "test.record"


@pytest.fixture
def handled(monkeypatch):
    """A test topic whose handler records each payload it carries out."""
    calls = []
    monkeypatch.setitem(outbox.HANDLERS, TOPIC, calls.append)
    return calls


@pytest.fixture
def published(app, monkeypatch):
    """Every id handed to the consumer task (nudge or relay); the task still runs (eager)."""
    task = app.extensions["celery"].tasks[outbox.TASK_NAME]
    original, ids = task.apply_async, []

    def spy(*args, **kwargs):
        ids.append(kwargs["task_id"])
        return original(*args, **kwargs)

    monkeypatch.setattr(task, "apply_async", spy)
    return ids


def stored(db, message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def add_row(db, **fields):
    """A message committed without a nudge, as a crashed process or a broker outage leaves it."""
    defaults = {"id": str(uuid.uuid4()), "topic": TOPIC, "payload": {"n": 1}, "created_at": utcnow()}
    message = OutboxMessage(**defaults | fields)
    db.session.add(message)
    db.session.commit()
    return message.id


def test_a_rolled_back_unit_of_work_leaves_no_row_and_no_nudge(db, handled, published):
    with pytest.raises(RuntimeError), unit_of_work():
        outbox.enqueue(TOPIC, {"n": 1})
        raise RuntimeError("refused")
    with unit_of_work():
        pass  # a later commit must not publish the forgotten message either
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert published == [] and handled == []


def test_a_rolled_back_savepoint_drops_only_its_own_message(db, handled, published):
    with unit_of_work():
        kept = outbox.enqueue(TOPIC, {"n": 1})
        savepoint = db.session.begin_nested()
        outbox.enqueue(TOPIC, {"n": 2})
        savepoint.rollback()
    assert published == [kept.id] and handled == [{"n": 1}]


def test_enqueue_and_commit_processes_the_message_in_process(db, handled, published):
    with unit_of_work():
        message = outbox.enqueue(TOPIC, {"n": 1})
    row = stored(db, message.id)
    assert handled == [{"n": 1}] and published == [message.id]
    assert row.processed_at is not None and row.published_at is not None and row.attempts == 0
    assert outbox.relay_once() == outbox.RelayResult(0, 0, None) and published == [message.id]


def test_enqueue_refuses_a_topic_without_handler(db):
    with pytest.raises(ValueError):
        outbox.enqueue("no.such.topic", {})


def test_processing_twice_runs_the_handler_once(db, handled):
    message_id = add_row(db)
    assert outbox.process(message_id) is True
    assert outbox.process(message_id) is False
    assert handled == [{"n": 1}] and stored(db, message_id).processed_at is not None


def test_a_failing_handler_leaves_the_message_unprocessed(db, monkeypatch):
    def unreachable(payload):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setitem(outbox.HANDLERS, TOPIC, unreachable)
    message_id = add_row(db)
    with pytest.raises(ConnectionRefusedError):
        outbox.process(message_id)
    assert stored(db, message_id).processed_at is None
    assert stored(db, message_id).claimed_until is None  # the next try need not wait


def test_the_handler_runs_outside_any_transaction(db, monkeypatch):
    """Its side effect is a network call: no database lock (SQLite's is database-wide) may wait for it."""
    seen = []
    monkeypatch.setitem(outbox.HANDLERS, TOPIC, lambda payload: seen.append(_db.session().in_transaction()))
    outbox.process(add_row(db))
    assert seen == [False]


def test_a_duplicate_during_the_claim_is_told_when_to_try_again(app, db, handled):
    message_id = add_row(db, claimed_until=utcnow() + timedelta(seconds=60))  # another worker has it
    with pytest.raises(outbox.Claimed) as claimed:
        outbox.process(message_id)
    assert 55 < claimed.value.retry_in <= 60 and handled == []

    expired = add_row(db, claimed_until=utcnow() - timedelta(seconds=1))  # that worker died
    assert outbox.process(expired) is True and handled == [{"n": 1}]
    assert stored(db, expired).claimed_until is None


def test_relay_publishes_unpublished_rows_oldest_first_and_then_has_nothing_to_do(db, handled, published):
    start = utcnow()
    third, first, second = (add_row(db, payload={"n": n}, created_at=start + timedelta(seconds=n)) for n in (3, 1, 2))
    assert outbox.relay_once(limit=2) == outbox.RelayResult(2, 0, pytest.approx(0, abs=5))
    assert published == [first, second]
    assert outbox.relay_once() == outbox.RelayResult(1, 0, None)
    assert outbox.relay_once() == outbox.RelayResult(0, 0, None)
    assert published == [first, second, third] and handled == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert all(stored(db, i).processed_at is not None for i in (first, second, third))


def test_relay_republishes_what_was_published_long_ago_but_never_processed(db, handled, published):
    now = utcnow()
    lost = add_row(db, published_at=now - timedelta(minutes=16))
    underway = add_row(db, published_at=now - timedelta(minutes=1))
    add_row(db, published_at=now - timedelta(hours=1), processed_at=now - timedelta(hours=1))
    assert outbox.relay_once().published == 1
    assert published == [lost] and stored(db, underway).processed_at is None


def test_relay_command_prints_what_it_did(app, db, handled):
    add_row(db)
    result = app.test_cli_runner().invoke(outbox_relay, ["--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "published 1, failed 0, oldest unpublished: none"


# A broker that really is down, and eager mode on a real (non-rollback) database: separate apps.

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def fresh_database(tmp_path):
    """An empty database with real commits: a SQLite file, or a new database on the suite's PostgreSQL."""
    base = os.environ.get("GDT_TEST_DATABASE_URL")
    if not base or base.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.sqlite'}"
        return
    name = f"gdt_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def separate_app(app, tmp_path):
    """Build an app with its own database and Celery settings; the suite's app stays the Celery default."""
    with contextlib.ExitStack() as cleanup:
        def build(**celery):
            class Separate(config.TestConfig):
                SQLALCHEMY_DATABASE_URI = cleanup.enter_context(fresh_database(tmp_path))
                CELERY = config.TestConfig.CELERY | celery

            built = create_app(Separate)
            with built.app_context():
                _db.create_all()
                reference_data.ensure_defaults()
            cleanup.callback(_dispose, built)
            return built

        yield build
    app.extensions["celery"].set_default()


def _dispose(built):
    with built.app_context():
        _db.session.remove()
        _db.engine.dispose()


OFFLINE_BROKER = {
    "task_always_eager": False, "broker_connection_timeout": 1, "broker_connection_max_retries": 0,
    "broker_transport_options": {"max_retries": 0},
}


def register_report(email="melder@example.nl"):
    """Business data and its receipt in one unit of work, as intake does it."""
    category = reference_data.category_by_key("geluidsoverlast")
    with unit_of_work() as session:
        report = Report(reference=f"GDT-T-{uuid.uuid4().hex[:8]}", channel="phone", status="received",
                        postcode="5611AB", house_number=7, description="Geluid", category=category,
                        reporter_email=email, reporter_may_contact=True)
        session.add(report)
        message = receipts.queue_receipt(report)
    assert after_response.wait_until_idle()  # with a broker the nudge runs after the answer, in the background
    return report.reference, message.id


def test_broker_down_keeps_the_message_and_the_business_data(separate_app, caplog):
    offline = separate_app(broker_url=f"redis://127.0.0.1:{free_port()}/0", **OFFLINE_BROKER)
    with offline.app_context():
        reference, message_id = register_report()  # the nudge fails, the commit stands
        row = _db.session.get(OutboxMessage, message_id)
        assert row.published_at is None and row.processed_at is None and row.attempts == 0

        first, second = outbox.relay_once(), outbox.relay_once()

        assert (first.published, first.failed, second.failed) == (0, 1, 1)
        assert first.oldest_unpublished_age is not None and first.oldest_unpublished_age >= 0
        _db.session.expire_all()
        row = _db.session.get(OutboxMessage, message_id)
        assert row.published_at is None and row.processed_at is None
        assert row.attempts == 2 and row.last_error.startswith("OperationalError")
        assert _db.session.scalar(sa.select(Report).where(Report.reference == reference)) is not None
    assert message_id in caplog.text and "melder@example.nl" not in caplog.text


def test_relay_backs_off_while_the_broker_is_down(separate_app):
    class StopAfter(threading.Event):
        def __init__(self, rounds):
            super().__init__()
            self.rounds, self.waits = rounds, []

        def wait(self, timeout=None):
            self.waits.append(timeout)
            if len(self.waits) >= self.rounds:
                self.set()
            return self.is_set()

    offline = separate_app(broker_url=f"redis://127.0.0.1:{free_port()}/0", **OFFLINE_BROKER)
    with offline.app_context():
        register_report()
        stop = StopAfter(4)
        outbox.relay_forever(10, stop, max_backoff=60)
    assert stop.waits == [20, 40, 60, 60]


@pytest.mark.timeout(60)
def test_relay_in_eager_mode_does_not_wait_for_its_own_lock(separate_app, monkeypatch):
    """On a real database the eager consumer runs in another connection while the relay works."""
    eager = separate_app()
    monkeypatch.setitem(outbox.HANDLERS, TOPIC, lambda payload: None)
    with eager.app_context():
        message_id = str(uuid.uuid4())
        with unit_of_work() as session:
            session.add(OutboxMessage(id=message_id, topic=TOPIC, payload={}, created_at=utcnow(),
                                      published_at=utcnow() - timedelta(minutes=20)))
        assert outbox.relay_once().published == 1
        _db.session.expire_all()
        assert _db.session.get(OutboxMessage, message_id).processed_at is not None
