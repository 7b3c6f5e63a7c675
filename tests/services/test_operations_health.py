"""Readiness: each check passes on a healthy installation and fails, named and explained, for each cause."""
from datetime import timedelta
from uuid import uuid4

import pytest

import config
from gdt import create_app
from gdt.db import utcnow
from gdt.models import OutboxMessage, ProcessHeartbeat
from gdt.services.operations import health
from tests.operations import stamp_head
from tests.redis import _free_port, temporary_redis


@pytest.fixture
def migrated(app, db):
    stamp_head(app, db)


@pytest.fixture(scope="module")
def redis_url():
    with temporary_redis() as url:
        yield url


@pytest.fixture
def with_processes(app, redis_url, monkeypatch):
    """A production-like installation: a broker, so a worker, beat and relay are expected."""
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)


def waiting(age=timedelta(0)) -> OutboxMessage:
    created = utcnow() - age
    return OutboxMessage(id=str(uuid4()), topic="report.received", payload={}, created_at=created,
                         published_at=created, attempts=0)


def heartbeat(kind: str, seconds_ago: float) -> ProcessHeartbeat:
    seen = utcnow() - timedelta(seconds=seconds_ago)
    return ProcessHeartbeat(kind=kind, host="gdt-1", pid=100, started_at=seen, last_seen_at=seen)


def test_the_embedded_default_is_ready_without_broker_or_processes(app, migrated):
    readiness = health.readiness()
    head = ",".join(sorted(health.script_heads(app.extensions["migrate"].directory)))
    assert readiness.ready
    assert readiness.as_dict() == {"status": "ok", "checks": {
        "database": {"status": "ok"},
        "migrations": {"status": "ok", "current": head, "head": head},
        "outbox": {"status": "ok", "waiting": 0, "oldest_seconds": None, "max_waiting": 500, "max_age_seconds": 600},
        "redis": {"status": "embedded"}, "worker": {"status": "embedded"}, "beat": {"status": "embedded"},
        "relay": {"status": "embedded"}}}


def test_a_database_without_migrations_is_not_ready(db):
    readiness = health.readiness()
    assert not readiness.ready and readiness.as_dict()["status"] == "fail"
    assert readiness.checks["migrations"]["status"] == "fail" and readiness.checks["migrations"]["current"] is None


def test_a_database_behind_the_scripts_is_not_ready(app, db):
    stamp_head(app, db, ["a1f0c3d2e4b5"])  # an older revision: `flask db upgrade` was forgotten
    check = health.readiness().checks["migrations"]
    assert check["status"] == "fail" and check["current"] == "a1f0c3d2e4b5"
    assert check["head"] == ",".join(sorted(health.script_heads(app.extensions["migrate"].directory)))


def test_the_script_head_is_read_once_per_process(app):
    directory = app.extensions["migrate"].directory
    health.script_heads(directory)
    hits = health.script_heads.cache_info().hits
    health.script_heads(directory)
    assert health.script_heads.cache_info().hits == hits + 1


def test_too_many_waiting_messages_fail_the_outbox_check(app, db, migrated, monkeypatch):
    monkeypatch.setitem(app.config, "HEALTH_OUTBOX_MAX_WAITING", 3)
    db.session.add_all([waiting() for _ in range(3)])
    db.session.commit()
    assert health.readiness().checks["outbox"]["status"] == "ok"  # at the limit

    db.session.add(waiting())
    db.session.commit()
    readiness = health.readiness()
    assert not readiness.ready
    assert readiness.checks["outbox"] | {"oldest_seconds": 0} == {
        "status": "fail", "waiting": 4, "oldest_seconds": 0, "max_waiting": 3, "max_age_seconds": 600}


def test_a_message_waiting_too_long_fails_the_outbox_check(db, migrated):
    db.session.add_all([waiting(timedelta(seconds=4000)), waiting(), OutboxMessage(
        id=str(uuid4()), topic="report.received", payload={}, created_at=utcnow() - timedelta(days=3),
        processed_at=utcnow() - timedelta(days=3), attempts=1)])  # long done: not waiting
    db.session.commit()
    check = health.readiness().checks["outbox"]
    assert check["status"] == "fail" and check["waiting"] == 2 and 4000 <= check["oldest_seconds"] < 4060


def test_with_a_broker_the_worker_beat_and_relay_must_be_seen(db, migrated, with_processes):
    db.session.add_all([heartbeat("worker", 5), heartbeat("beat", 10), heartbeat("relay", 3)])
    db.session.commit()
    readiness = health.readiness()
    assert readiness.ready, readiness.as_dict()
    assert readiness.checks["redis"] == {"status": "ok"}
    assert readiness.checks["worker"] | {"last_seen_seconds": 5} == {
        "status": "ok", "last_seen_seconds": 5, "alive": 1, "max_silence_seconds": 90}


def test_a_silent_worker_is_not_ready(db, migrated, with_processes):
    db.session.add_all([heartbeat("worker", 400), heartbeat("beat", 10), heartbeat("relay", 3)])
    db.session.commit()
    readiness = health.readiness()
    assert not readiness.ready
    assert readiness.checks["worker"]["status"] == "fail" and readiness.checks["worker"]["last_seen_seconds"] >= 400
    assert readiness.checks["worker"]["alive"] == 0
    assert readiness.checks["beat"]["status"] == readiness.checks["relay"]["status"] == "ok"


def test_a_process_never_seen_is_not_ready(db, migrated, with_processes):
    db.session.add_all([heartbeat("worker", 5), heartbeat("relay", 3)])
    db.session.commit()
    assert health.readiness().checks["beat"] == {"status": "fail", "last_seen_seconds": None, "alive": 0,
                                                 "max_silence_seconds": 90}


def test_a_broker_that_does_not_answer_is_not_ready(app, db, migrated, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_free_port()}/0")  # nobody listens
    readiness = health.readiness()
    assert readiness.checks["redis"] == {"status": "fail", "error": "ConnectionError"}
    assert not readiness.ready


def test_an_unreachable_database_fails_every_check_that_needs_it():
    class Unreachable(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://gdt@127.0.0.1:{_free_port()}/gdt"

    app = create_app(Unreachable)
    with app.app_context():
        readiness = health.readiness()
    assert readiness.checks["database"] == {"status": "fail", "error": "OperationalError"}
    unreachable = {"status": "fail", "error": "database unreachable"}
    assert readiness.checks["migrations"] == readiness.checks["outbox"] == unreachable
    assert readiness.checks["worker"] == {"status": "embedded"}  # nothing to check without a broker
