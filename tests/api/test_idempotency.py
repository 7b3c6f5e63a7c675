"""Idempotency-Key on POST /api/v1/reports: a retry never makes a second report."""
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models import AuditEvent, IdempotencyRecord, OutboxMessage, Report
from gdt.services.core import idempotency, tokens
from tests.api.test_app_intake import AppCaller, assert_problem, report_body, report_count


@pytest.fixture
def api(app, db, make):
    """Requests as the app (an API client of channel app)."""
    make.defaults()
    _, token = tokens.issue_api_client("woonoverlast-app", "app", actor=None)
    return AppCaller(app, token)


def test_the_same_key_and_body_give_the_same_report_once(api, db):
    first = api.post(report_body(), key='"8e03978e-40d5-43e8-bc93-6894a57f9324"')
    again = api.post(report_body(), key='"8e03978e-40d5-43e8-bc93-6894a57f9324"')

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.headers["Location"] == first.headers["Location"]
    assert report_count(db) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyRecord)) == 1
    replayed = again.get_json()
    assert api.status(replayed["reference"], replayed["statusToken"]).get_json()["status"] == "received"


def test_the_same_document_serialised_differently_is_the_same_request(api, db):
    body = report_body()
    compact = json.dumps(body, separators=(",", ":")).encode()
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2).encode()
    first, again = api.post(raw=compact, key="same"), api.post(raw=reordered, key="same")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert report_count(db) == 1


def test_the_quoted_and_the_bare_key_are_the_same_key(api, db):
    first, again = api.post(report_body(), key='"abc-123"'), api.post(report_body(), key="abc-123")
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert report_count(db) == 1


def test_the_same_key_with_another_body_is_422(api, db):
    first = api.post(report_body(), key="k-1")
    other = api.post(report_body(description="Iets heel anders."), key="k-1")
    assert first.status_code == 201
    problem = assert_problem(other, 422)
    assert problem["code"] == "idempotency_key_reused"
    assert report_count(db) == 1


@pytest.mark.parametrize("key", [None, "", "   "])
def test_a_missing_key_is_400(api, db, key):
    client = api.client
    headers = {"Authorization": api.headers("")["Authorization"]} | (
        {"Idempotency-Key": key} if key is not None else {}
    )
    response = client.post("/api/v1/reports", json=report_body(), headers=headers)
    assert assert_problem(response, 400)["code"] == "idempotency_key_missing"
    assert report_count(db) == 0


@pytest.mark.parametrize(
    "key",
    [
        "k" * 1000,
        "k" * 256,
        '"' + "k" * 256 + '"',
        "sleutel-é",
        "met spatie",
        '"open',
        '""',
        '"a\\b"',
        "a;b=c",
        "a,b",
        "\x01",
    ],
)
def test_a_malformed_key_is_400(api, db, key):
    response = api.post(report_body(), key=key)
    assert assert_problem(response, 400)["code"] == "idempotency_key_invalid"
    assert report_count(db) == 0


def test_the_key_of_another_client_does_not_collide(api, app, db):
    _, other_token = tokens.issue_api_client("tweede-app", "app", actor=None)
    mine = api.post(report_body(), key="shared-key")
    theirs = AppCaller(app, other_token).post(report_body(), key="shared-key")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert theirs.get_json()["reference"] != mine.get_json()["reference"]
    assert theirs.get_json()["statusToken"] != mine.get_json()["statusToken"]
    assert "Idempotent-Replayed" not in theirs.headers
    assert report_count(db) == 2


def test_a_refused_request_is_not_remembered(api, db):
    assert api.post(report_body(location__postcode="1234SA"), key="fix-me").status_code == 422
    assert api.post(report_body(), key="fix-me").status_code == 201
    assert report_count(db) == 1


def test_after_seven_days_a_key_counts_as_new(api, db):
    first = api.post(report_body(), key="old-key").get_json()
    db.session.execute(sa.update(IdempotencyRecord).values(created_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    again = api.post(report_body(), key="old-key")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.get_json()["reference"] != first["reference"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyRecord)) == 1


def test_prune_removes_only_old_records(api, db):
    api.post(report_body(), key="old")
    db.session.execute(sa.update(IdempotencyRecord).values(created_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    api.post(report_body(), key="new")
    assert idempotency.prune_idempotency_records() == 1
    assert db.session.scalars(sa.select(IdempotencyRecord.key)).all() == ["new"]
    assert report_count(db) == 2  # the reports stay


def test_losing_the_race_at_commit_replays_the_winner(api, db, monkeypatch):
    """The unique (client, key) index fires when a concurrent request committed after our lookup."""
    winner = api.post(report_body(), key="race").get_json()
    real_find, calls = idempotency.find, []

    def blind_first_lookup(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_find(*args)

    monkeypatch.setattr(idempotency, "find", blind_first_lookup)
    loser = api.post(report_body(), key="race")
    assert loser.status_code == 201 and loser.headers["Idempotent-Replayed"] == "true"
    assert loser.get_json() == winner
    assert report_count(db) == 1  # the loser's report was rolled back with its record


def test_a_clash_without_a_finished_record_is_409(api, db, monkeypatch):
    api.post(report_body(), key="busy")
    monkeypatch.setattr(idempotency, "find", lambda *args: None)  # as if the first were still being written
    problem = assert_problem(api.post(report_body(), key="busy"), 409)
    assert problem["code"] == "idempotency_in_progress"
    assert report_count(db) == 1


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ('"abc"', "abc"),
        ("abc", "abc"),
        ('"a b"', "a b"),
        ('"a\\"b"', 'a"b'),
        ("8e03978e-40d5-43e8", "8e03978e-40d5-43e8"),
        (" tok ", "tok"),
        ('"' + "k" * 255 + '"', "k" * 255),
    ],
)
def test_parse_key_reads_structured_field_strings_and_bare_keys(raw, key):
    assert idempotency.parse_key(raw) == key


def test_the_fingerprint_ignores_serialisation_only():
    assert idempotency.fingerprint({"a": 1, "b": [1, 2]}) == idempotency.fingerprint({"b": [1, 2], "a": 1})
    assert idempotency.fingerprint({"a": 1}) != idempotency.fingerprint({"a": "1"})


def test_a_replay_writes_nothing(api, db):
    """No second event, audit event or receipt."""
    body = report_body(reporter__email="jan@example.nl")  # a receipt is queued, once
    first = api.post(body, key="once").get_json()
    assert api.post(body, key="once").headers["Idempotent-Replayed"] == "true"
    report = db.session.scalar(sa.select(Report).where(Report.reference == first["reference"]))
    assert len(report.events) == 1
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.object_type == "report")) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
