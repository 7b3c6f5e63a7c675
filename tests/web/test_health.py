"""/health/live and /health/ready: public JSON, no login, no cookies; live asks the database nothing."""
from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa

from gdt.db import db as _db
from gdt.db import utcnow
from gdt.models import OutboxMessage
from tests.operations import stamp_head


@pytest.fixture
def statements(app):
    """The SQL statements the engine runs meanwhile (outside the rollback fixture, which swaps the engine)."""
    executed = []
    with app.app_context():
        engine = _db.engine
    listener = lambda conn, cursor, statement, *args: executed.append(statement)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    yield executed
    sa.event.remove(engine, "before_cursor_execute", listener)


@pytest.mark.parametrize("path", ["/health/live", "/health"])
def test_live_answers_ok_without_asking_the_database(app, statements, path):
    response = app.test_client().get(path)
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.mimetype == "application/json" and response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert statements == []
    app.test_client().get("/health/ready")
    assert statements  # the listener does see what the readiness checks ask


def test_ready_answers_200_with_every_check_when_all_pass(app, db):
    stamp_head(app, db)
    response = app.test_client().get("/health/ready")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "redis", "outbox", "worker", "beat", "relay"}
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers


def test_ready_answers_503_naming_the_failing_check(app, db):
    stamp_head(app, db)
    old = utcnow() - timedelta(hours=2)
    db.session.add(OutboxMessage(id=str(uuid4()), topic="report.received", payload={"report_id": 1}, created_at=old,
                                 published_at=old, attempts=3))
    db.session.commit()
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "fail"
    assert body["checks"]["outbox"]["status"] == "fail" and body["checks"]["outbox"]["oldest_seconds"] >= 7200
    assert {name for name, check in body["checks"].items() if check["status"] == "fail"} == {"outbox"}
    assert "report_id" not in response.get_data(as_text=True)  # counts and ages, never a message's content


def test_ready_needs_no_login_and_a_logged_in_visitor_gets_the_same(app, db, client_as):
    stamp_head(app, db)
    assert client_as("admin").get("/health/ready").get_json() == app.test_client().get("/health/ready").get_json()
