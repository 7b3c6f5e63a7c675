"""Many writers of audit events at once on real PostgreSQL connections: intact chains, no deadlock, no lost event.

Each writer takes a free chain of the day (FOR UPDATE SKIP LOCKED); with more writers than chains one waits for a
chain, and gets it as soon as its holder commits.
"""
import threading
import time

import pytest
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import db
from gdt.models import AuditChainHead, AuditEvent
from gdt.services.core import audit, audit_verify
from gdt.services.core.transaction import unit_of_work

pytestmark = pytest.mark.integration
WRITERS = 8
TRANSACTIONS = 25  # per writer, of one to three events each


@pytest.fixture
def live_app(fresh_database_url):
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("row locks between connections: run with --postgres")

    def make(shards: int):
        class LiveConfig(config.TestConfig):
            SQLALCHEMY_DATABASE_URI = fresh_database_url
            SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": WRITERS + 2}
            AUDIT_CHAIN_SHARDS = shards

        app = create_app(LiveConfig)
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    made = []
    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _run_writers(app, work) -> list[str]:
    """`work(index)` in WRITERS threads, each with its own app context and connection, released together."""
    barrier, errors = threading.Barrier(WRITERS), []

    def run(index):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                work(index)
            except Exception as error:  # reported by the test
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hangs (deadlock?)"
    return errors


def _write(index: int) -> None:
    for n in range(TRANSACTIONS):
        with unit_of_work():
            for k in range(1 + (index + n) % 3):
                audit.record(None, "view", "report", f"GDT-W{index}-{n}-{k}", detail={"writer": index})


def _expected_events() -> int:
    return sum(1 + (index + n) % 3 for index in range(WRITERS) for n in range(TRANSACTIONS))


@pytest.mark.parametrize("shards", [8, 3])
def test_concurrent_writers_leave_intact_chains(live_app, shards):
    app = live_app(shards)
    assert _run_writers(app, _write) == []
    with app.app_context():
        result = audit_verify.check()
        assert result.problems == []
        assert result.events == _expected_events()
        assert result.chains == shards  # every chain of the day was used
        count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        assert count == _expected_events()
        # A transaction's events stay together on one chain, one after the other.
        rows = db.session.execute(sa.select(AuditEvent.object_ref, AuditEvent.chain_key, AuditEvent.chain_seq)).all()
        per_transaction = {}
        for ref, key, seq in rows:
            per_transaction.setdefault(ref.rsplit("-", 1)[0], []).append((key, seq))
        for links in per_transaction.values():
            links.sort()
            assert len({key for key, _ in links}) == 1
            assert [seq for _, seq in links] == list(range(links[0][1], links[0][1] + len(links)))


def test_a_writer_waits_for_a_chain_when_every_one_is_busy(live_app):
    app = live_app(2)
    with app.app_context():  # the day's heads exist: the holders below each take one at once
        audit.record_now(None, "view", "report", "GDT-FIRST")
    held, release, done = threading.Barrier(3), threading.Event(), {}

    def holder(index):
        with app.app_context():
            with unit_of_work():
                audit.record(None, "view", "report", f"GDT-HOLD-{index}")
                held.wait(timeout=30)
                release.wait(timeout=30)
                time.sleep(0.3)
            done[index] = time.monotonic()
            db.session.remove()

    def waiter():
        held.wait(timeout=30)
        with app.app_context():
            release.set()  # the holders commit in 0.3 s; this record must wait for one of them
            started = time.monotonic()
            audit.record_now(None, "view", "report", "GDT-WAIT")
            done["waiter"], done["waited"] = time.monotonic(), time.monotonic() - started
            db.session.remove()

    threads = [threading.Thread(target=holder, args=(index,)) for index in range(2)] + [threading.Thread(target=waiter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert set(done) == {0, 1, "waiter", "waited"}
    assert done["waited"] > 0.2 and done["waiter"] >= min(done[0], done[1]) - 0.05
    with app.app_context():
        assert audit_verify.verify() == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditChainHead)) == 4  # today, tomorrow


def test_verify_while_events_are_written_finds_nothing_wrong(live_app):
    app = live_app(4)
    with app.app_context():
        audit.record_now(None, "view", "report", "GDT-FIRST")
    results, stop = [], threading.Event()

    def verifier():
        with app.app_context():
            while not stop.is_set():
                results.append(audit_verify.check(batch_size=7))
                db.session.rollback()
            db.session.remove()

    watching = threading.Thread(target=verifier)
    watching.start()
    try:
        errors = _run_writers(app, _write)
    finally:
        stop.set()
        watching.join(timeout=120)
    assert errors == []
    assert len(results) > 1 and [result.problems for result in results if result.problems] == []
    with app.app_context():
        assert audit_verify.check().events == _expected_events() + 1
