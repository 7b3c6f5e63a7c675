"""Two requests with the same Idempotency-Key at the same moment, through a real threaded HTTP server
on a database of its own (SQLite file or PostgreSQL): exactly one report, never two."""
import json
import threading
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import IdempotencyRecord, Report
from gdt.services.core import tokens

pytestmark = pytest.mark.integration
ROUNDS, PARALLEL = 5, 2


@pytest.fixture
def live_server(served):
    """The app served by werkzeug in a thread (a thread per request), with one app client."""
    return served(lambda: tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1])


def _post(base_url, token, key, body) -> tuple[int, dict, dict]:
    request = urllib.request.Request(f"{base_url}/api/v1/reports", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key,
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def _at_once(base_url, token, requests) -> list[tuple[int, dict, dict]]:
    """Send `requests` [(key, body)] in parallel threads released together by a barrier."""
    barrier, answers = threading.Barrier(len(requests)), [None] * len(requests)

    def send(index, key, body):
        barrier.wait(timeout=30)
        answers[index] = _post(base_url, token, key, body)

    threads = [threading.Thread(target=send, args=(index, *request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers), "a request did not finish"
    return answers


def _body(description: str) -> dict:
    return {"category": "geluidsoverlast", "description": description,
            "location": {"postcode": "5611AB", "house_number": 12}, "reporter": {"anonymous": True}}


def _count(app, model, **where) -> int:
    with app.app_context():
        query = sa.select(sa.func.count()).select_from(model).filter_by(**where)
        try:
            return db.session.scalar(query)
        finally:
            db.session.remove()


def test_the_same_key_at_the_same_moment_makes_one_report(live_server):
    app, base_url, token = live_server
    for round_number in range(ROUNDS):
        key, body = f"race-{round_number}", _body(f"Melding {round_number}")
        answers = _at_once(base_url, token, [(key, body)] * PARALLEL)

        created = [answer for status, answer, _ in answers if status == 201]
        assert created, answers
        assert all(status in (201, 409) for status, _, _ in answers), answers
        assert len({answer["reference"] for answer in created}) == 1, answers
        assert len({answer["statusToken"] for answer in created}) == 1, answers
        replayed = [headers.get("Idempotent-Replayed") for status, _, headers in answers if status == 201]
        assert replayed.count(None) <= 1, answers  # only one answer is the original
    assert _count(app, Report) == ROUNDS
    assert _count(app, IdempotencyRecord) == ROUNDS


def test_the_same_key_with_two_bodies_at_once_stores_only_one(live_server):
    app, base_url, token = live_server
    answers = _at_once(base_url, token, [("twee-bodies", _body("Eerste")), ("twee-bodies", _body("Tweede"))])
    statuses = sorted(status for status, _, _ in answers)
    assert statuses in ([201, 409], [201, 422]), answers
    assert _count(app, Report) == 1


def test_different_keys_at_once_each_get_their_own_report(live_server):
    app, base_url, token = live_server
    answers = _at_once(base_url, token, [(f"eigen-{n}", _body(f"Melding {n}")) for n in range(4)])
    assert [status for status, _, _ in answers] == [201] * 4, answers
    assert len({answer["reference"] for _, answer, _ in answers}) == 4
    assert _count(app, Report, channel="app") == 4
