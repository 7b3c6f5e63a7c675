"""One leader for the in-process scheduler (worker/leader.py): on PostgreSQL an advisory lock held by one
connection; a second process waits; the lead passes on when its holder lets go or loses its connection."""
import pytest
import sqlalchemy as sa

from gdt.db import db
from worker.leader import LOCK_KEY, Leadership

TEST_KEY = LOCK_KEY + 1  # not the running app's own key


@pytest.fixture
def url(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("leader election is PostgreSQL's; on SQLite the one process always leads")
    return url


def test_on_sqlite_the_process_always_leads():
    first, second = Leadership("sqlite://"), Leadership("sqlite://")
    assert first.held() and second.held() and not first.elects


def test_one_leads_the_other_waits_and_takes_over_once_the_lead_is_given_up(url):
    first, second = Leadership(url, TEST_KEY), Leadership(url, TEST_KEY)
    try:
        assert first.held()
        assert not second.held() and not second.held()  # tried every round, refused every round
        assert first.held()  # kept, not taken again
        first.release()
        assert second.held() and not first.held()
    finally:
        first.release()
        second.release()


def test_a_leader_whose_connection_dies_steps_down_and_another_takes_over(app, url):
    first, second = Leadership(url, TEST_KEY), Leadership(url, TEST_KEY)
    try:
        assert first.held()
        with app.app_context():  # as when the database drops the leader's connection (failover, network)
            db.session.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND ((classid::bigint << 32) | objid::bigint) = :key"), {"key": TEST_KEY})
            db.session.commit()
            db.session.remove()
        assert second.held()
        assert not first.held()  # it notices, lets the dead connection go, and finds the lead taken
    finally:
        first.release()
        second.release()
