"""Every request gets a request id (taken from X-Request-ID when it looks like one), echoes it, logs one line with its
route instead of its path, and hands the id to the tasks it queues and the outbox messages it writes (gdt/logs.py,
worker/task_logs.py)."""
import json
import logging
import re
import uuid
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from gdt import logs
from gdt.models import OutboxMessage
from gdt.services.core import outbox, tokens
from gdt.services.core.transaction import unit_of_work
from worker import task_logs

TOPIC = "test.request-id"
NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="gdt.request")
    return lambda: [record for record in caplog.records if record.name == "gdt.request"]


@pytest.fixture
def task_lines(caplog):
    caplog.set_level(logging.INFO, logger="gdt.task")
    return lambda: [record for record in caplog.records if record.name == "gdt.task"]


@pytest.fixture
def handled(monkeypatch):
    seen = []
    monkeypatch.setitem(outbox.HANDLERS, TOPIC, lambda payload: seen.append(logs.current_request_id()))
    return seen


def test_a_page_answers_with_a_new_request_id_and_logs_one_line_with_its_route(client_as, make, request_lines):
    user = make.user(role="coordinator")
    answer = client_as(user=user).get("/cases?sort=address&q=Anna")
    assert answer.status_code == 200
    rid = answer.headers[logs.HEADER]
    assert NEW_ID.fullmatch(rid)
    [line] = request_lines()
    assert (line.request_id, line.method, line.route, line.endpoint, line.status) == \
        (rid, "GET", "/cases", "cases.index", 200)
    assert line.user_id == user.id
    assert line.duration_ms >= 0
    assert "Anna" not in line.getMessage() and "sort" not in line.getMessage()


def test_the_route_is_the_rule_never_the_reference_in_the_path(client_as, make, request_lines):
    report = make.report()
    answer = client_as("coordinator").get(f"/reports/{report.reference}")
    [line] = request_lines()
    assert line.status == answer.status_code
    assert "<reference>" in line.route and report.reference not in line.route + line.getMessage()


def test_an_offered_request_id_that_looks_like_one_is_kept(client_as, request_lines):
    answer = client_as("coordinator").get("/cases", headers={logs.HEADER: "edge-proxy-0001-abcd"})
    assert answer.headers[logs.HEADER] == "edge-proxy-0001-abcd"
    assert request_lines()[0].request_id == "edge-proxy-0001-abcd"


@pytest.mark.parametrize("offered", ["short", "x" * 65, "abc def ghi", "abcdefgh;Set-Cookie:a=b", "<script>x"])
def test_any_other_offered_request_id_is_replaced(app, db, offered, request_lines):
    answer = app.test_client().get("/melden", headers={logs.HEADER: offered})
    assert NEW_ID.fullmatch(answer.headers[logs.HEADER])
    assert request_lines()[-1].request_id == answer.headers[logs.HEADER]


def test_an_unknown_address_logs_no_route_and_not_its_path(app, db, request_lines):
    answer = app.test_client().get("/doorverwijzing/eyJhbGciOi.secret/../geheim?naam=Anna")
    [line] = request_lines()
    assert line.status == answer.status_code and line.user_id is None
    assert "secret" not in repr(line.__dict__) and "Anna" not in repr(line.__dict__)


def test_an_api_call_logs_the_token_owner_and_never_the_token(app, db, make, request_lines):
    user = make.user(role="coordinator")
    raw = tokens.issue_user_token(user, actor=None)
    answer = app.test_client().get("/api/v1/reports?status=received", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200
    [line] = request_lines()
    assert line.user_id == user.id and line.route == "/api/v1/reports"
    assert raw not in repr(line.__dict__)


def test_an_api_client_is_logged_by_its_id(app, db, request_lines):
    client, raw = tokens.issue_api_client(f"app-{uuid.uuid4().hex[:6]}", "app", actor=None)
    answer = app.test_client().post("/api/v1/reports", data=json.dumps({}), content_type="application/json",
                                    headers={"Authorization": f"Bearer {raw}"})
    [line] = request_lines()
    assert line.client_id == client.id and line.user_id is None and line.status == answer.status_code


def test_the_request_id_is_stored_on_the_outbox_message_and_carried_by_its_task(db, handled, task_lines):
    with logs.request_id_as("req-0123456789"), unit_of_work():
        message = outbox.enqueue(TOPIC, {"n": 1})
    assert db.session.get(OutboxMessage, message.id).request_id == "req-0123456789"
    assert handled == ["req-0123456789"]  # the handler ran with it, so everything it logged carries it
    [line] = [line for line in task_lines() if line.task_id == message.id]
    assert (line.task, line.state, line.request_id) == (outbox.TASK_NAME, "SUCCESS", "req-0123456789")
    assert line.duration_ms >= 0 and logs.current_request_id() is None


def test_the_relay_hands_a_message_on_with_the_id_of_the_request_that_wrote_it(db, handled, task_lines):
    message = OutboxMessage(id=str(uuid.uuid4()), topic=TOPIC, payload={}, attempts=0, request_id="req-from-web-1")
    db.session.add(message)
    db.session.commit()
    assert outbox.relay_once().published == 1
    assert handled == ["req-from-web-1"]
    assert [line.request_id for line in task_lines() if line.task_id == message.id] == ["req-from-web-1"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.processed_at.is_(None))) == 0


def test_publishing_puts_the_request_id_in_the_message_headers():
    headers = {}
    with logs.request_id_as("req-publish-01"):
        task_logs._carry_request_id(headers=headers)
    assert headers == {task_logs.HEADER: "req-publish-01"}
    outside = {}
    task_logs._carry_request_id(headers=outside)
    assert outside == {}


def test_a_worker_runs_a_task_under_the_request_id_of_its_headers_or_a_new_one(task_lines):
    task = SimpleNamespace(name="gdt.test.task", request=SimpleNamespace(gdt_request_id="req-in-header"))
    task_logs._task_started(task_id="t-1", task=task)
    assert logs.current_request_id() == "req-in-header"
    task_logs._task_finished(task_id="t-1", task=task, state="RETRY", retval=OSError("smtp down"))
    assert logs.current_request_id() is None

    bare = SimpleNamespace(name="gdt.test.task", request=SimpleNamespace())
    task_logs._task_started(task_id="t-2", task=bare)
    own = logs.current_request_id()
    task_logs._task_finished(task_id="t-2", task=bare, state="SUCCESS", retval=None)
    first, second = task_lines()
    assert (first.request_id, first.state, first.error, first.levelno) == \
        ("req-in-header", "RETRY", "OSError", logging.WARNING)
    assert NEW_ID.fullmatch(own) and second.request_id == own and second.error is None
