"""Process heartbeats: one row per process, written at most every interval, never a crash when the database is down."""
import logging
import os
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import utcnow
from gdt.models import ProcessHeartbeat
from gdt.services.operations import heartbeats
from tests.redis import _free_port


def rows(db) -> list[ProcessHeartbeat]:
    return db.session.scalars(sa.select(ProcessHeartbeat).order_by(ProcessHeartbeat.kind)).all()


def test_a_heartbeat_is_one_row_per_process_stamped_again_on_each_write(db):
    heartbeat = heartbeats.Heartbeat("worker")
    assert heartbeat.write()
    [first] = rows(db)
    seen = first.last_seen_at
    assert (first.kind, first.host, first.pid) == ("worker", os.uname().nodename, os.getpid())
    assert first.started_at == heartbeat.started_at

    assert heartbeat.write()
    db.session.expire_all()
    [again] = rows(db)
    assert again.last_seen_at > seen and again.started_at == heartbeat.started_at


def test_beat_writes_at_most_once_per_interval(app, db):
    heartbeat = heartbeats.Heartbeat("relay")
    assert heartbeat.beat() is True
    assert heartbeat.beat() is False  # the relay calls it every few seconds; HEARTBEAT_INTERVAL_SECONDS is 15
    assert app.config["HEARTBEAT_INTERVAL_SECONDS"] == 15
    assert len(rows(db)) == 1


def test_the_first_write_forgets_processes_of_its_kind_gone_for_a_day(db):
    long_ago = utcnow() - timedelta(days=2)
    db.session.add_all([ProcessHeartbeat(kind="worker", host="old-host", pid=7, started_at=long_ago,
                                         last_seen_at=long_ago),
                        ProcessHeartbeat(kind="worker", host="other-host", pid=8, started_at=long_ago,
                                         last_seen_at=utcnow() - timedelta(hours=1)),
                        ProcessHeartbeat(kind="beat", host="old-host", pid=9, started_at=long_ago,
                                         last_seen_at=long_ago)])
    db.session.commit()
    heartbeats.Heartbeat("worker").write()
    assert {(row.kind, row.host) for row in rows(db)} == {
        ("worker", os.uname().nodename), ("worker", "other-host"), ("beat", "old-host")}


def test_latest_tells_per_kind_the_newest_age_and_how_many_are_alive(db):
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    for pid, seconds in ((1, 5), (2, 30), (3, 600)):
        at = now - timedelta(seconds=seconds)
        db.session.add(ProcessHeartbeat(kind="worker", host="w", pid=pid, started_at=at, last_seen_at=at))
    db.session.add(ProcessHeartbeat(kind="beat", host="b", pid=1, started_at=now, last_seen_at=now - timedelta(
        seconds=200)))
    db.session.commit()

    seen = heartbeats.latest({"worker": 60, "beat": 90, "relay": 90}, now)
    assert seen == {"worker": heartbeats.Seen(5.0, 2), "beat": heartbeats.Seen(200.0, 0),
                    "relay": heartbeats.Seen(None, 0)}


def test_the_thresholds_come_from_the_settings(app):
    assert heartbeats.max_silence(app.config) == {"worker": 90.0, "beat": 90.0, "relay": 90.0}


def test_a_heartbeat_while_the_database_is_down_is_missed_without_an_error(caplog):
    class Unreachable(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://gdt@127.0.0.1:{_free_port()}/gdt"  # nobody listens

    app = create_app(Unreachable)
    with app.app_context(), caplog.at_level(logging.WARNING, logger="gdt.services.operations.heartbeats"):
        heartbeat = heartbeats.Heartbeat("relay")
        assert heartbeat.write() is False
        assert heartbeat.beat() is False  # not again before the interval: a down database is not hammered
    assert "the relay heartbeat was not written (OperationalError)" in caplog.text


def test_the_relay_loop_beats_before_each_run_once_per_interval(db):
    import threading

    from gdt.services.core import outbox

    stop, beats, heartbeat = threading.Event(), [], heartbeats.Heartbeat("relay")

    def beat():
        beats.append(heartbeat.beat())
        if len(beats) == 3:
            stop.set()

    outbox.relay_forever(0.01, stop, heartbeat=beat)
    assert beats == [True, False, False]  # three runs, one write: the next is due after 15 s
    assert [row.kind for row in rows(db)] == ["relay"]


def test_the_worker_and_beat_beat_from_a_thread_until_stopped(tmp_path):
    import threading
    import time

    from gdt.db import db as _db
    from worker import heartbeats as process_heartbeats

    class OwnDatabase(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'heartbeats.sqlite'}"
        HEARTBEAT_INTERVAL_SECONDS = 0.1

    app = create_app(OwnDatabase)
    with app.app_context():
        _db.create_all()
    stop = process_heartbeats.start(app, "beat")
    try:
        deadline, stamps = time.monotonic() + 10, set()
        while len(stamps) < 3 and time.monotonic() < deadline:  # the row is stamped again and again
            with app.app_context():
                stamps.add(_db.session.scalar(sa.select(ProcessHeartbeat.last_seen_at)))
                _db.session.remove()
            time.sleep(0.05)
        assert len(stamps - {None}) >= 2
    finally:
        process_heartbeats.stop_all()
    assert stop.is_set()
    deadline = time.monotonic() + 5
    while any(thread.name == "gdt-heartbeat-beat" for thread in threading.enumerate()):
        assert time.monotonic() < deadline, "the heartbeat thread did not stop"
        time.sleep(0.05)
    with app.app_context():
        _db.engine.dispose()


def test_a_forked_pool_process_leaves_the_inherited_connections_to_its_parent(tmp_path):
    from gdt.db import db as _db
    from worker import heartbeats as process_heartbeats

    class OwnDatabase(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'pool.sqlite'}"

    app = create_app(OwnDatabase)
    with app.app_context():
        before = _db.engine.pool
    process_heartbeats.fresh_pool(app)
    with app.app_context():
        assert _db.engine.pool is not before  # a new, empty pool; the old connections were not closed
        _db.engine.dispose()
