"""POST /api/v1/reports from the Woonoverlast-app and GET …/status: happy path, every bad JSON input
(NaN, duplicate keys, lone surrogates …) answered with problem+json and nothing stored, auth, status, rate limits."""
import hashlib
import itertools
import json
from datetime import datetime

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM
from gdt.models import AuditEvent, IdempotencyRecord, OutboxMessage, Report
from gdt.services.core import tokens
from gdt.services.core.reference_numbers import REFERENCE_PATTERN
from tests.apps import own_app

REPORTS = "/api/v1/reports"
_keys = itertools.count(1)


def report_body(**changes) -> dict:
    body = {
        "category": "geluidsoverlast",
        "description": "Harde muziek tot diep in de nacht, elke dag.",
        "location": {"postcode": "5611 ab", "house_number": 12, "house_number_addition": None,
                     "street": "Stratumseind", "city": "Eindhoven"},
        "reporter": {"name": "Jan Jansen", "email": None, "phone": "06 12345678", "anonymous": False,
                     "may_contact": True},
    }
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = body
        for part in parents:
            target = target[part]
        target[last] = value
    return body


class AppCaller:
    """Requests as an API client: `post(body)` with a fresh Idempotency-Key unless one is given."""

    def __init__(self, flask_app, token):
        self.client, self.token = flask_app.test_client(), token

    def headers(self, key=None, token=None, **extra) -> dict:
        token = self.token if token is None else token
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        key = f"key-{next(_keys)}" if key is None else key
        return auth | ({"Idempotency-Key": key} if key else {}) | extra

    def post(self, body=None, *, raw=None, content_type="application/json", key=None, token=None, **extra):
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        return self.client.post(REPORTS, data=data, content_type=content_type,
                                headers=self.headers(key, token, **extra))

    def status(self, reference, status_token, token=None):
        headers = self.headers("", token) | ({"X-Status-Token": status_token} if status_token is not None else {})
        return self.client.get(f"{REPORTS}/{reference}/status", headers=headers)


@pytest.fixture
def app_client(db, make):
    """An active API client of channel app and its bearer token."""
    make.defaults()
    return tokens.issue_api_client("woonoverlast-app", "app", actor=None)


@pytest.fixture
def api(app, app_client):
    return AppCaller(app, app_client[1])


def report_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report))


def assert_problem(response, status, *names):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status and problem["detail"]
    if names:
        assert {param["name"] for param in problem["invalidParams"]} == set(names), problem
    return problem


# --- the happy path ---------------------------------------------------------------------------------

def test_a_report_from_the_app_is_stored_with_history_audit_and_receipt(api, app_client, db):
    response = api.post(report_body())

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"reference", "status", "statusToken", "residentUrl"} and body["status"] == "received"
    year = datetime.now(AMSTERDAM).year
    assert REFERENCE_PATTERN.fullmatch(body["reference"]) and body["reference"].startswith(f"GDT-{year}-")
    assert response.headers["Location"] == f"{REPORTS}/{body['reference']}/status"
    assert "Idempotent-Replayed" not in response.headers

    report = db.session.scalar(sa.select(Report).where(Report.reference == body["reference"]))
    client = app_client[0]
    assert (report.channel, report.status, report.api_client_id) == ("app", "received", client.id)
    assert (report.postcode, report.house_number, report.reporter_phone) == ("5611AB", 12, "0612345678")
    assert report.registered_by_id is None
    assert report.reporter_token_hash == hashlib.sha256(body["statusToken"].encode()).hexdigest()
    [event] = report.events
    assert (event.event, event.actor_id, event.to_status, event.detail) == ("register", None, "received",
                                                                            {"channel": "app"})
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_ref == report.reference))
    assert (audit.action, audit.object_type, audit.actor_id, audit.detail) == ("create", "report", None,
                                                                               {"client": "woonoverlast-app"})
    record = db.session.scalar(sa.select(IdempotencyRecord).where(IdempotencyRecord.report_id == report.id))
    assert (record.client_id, record.status_code) == (client.id, 201)
    assert body["statusToken"] not in json.dumps(record.response_body)  # the token is never stored as such
    receipt = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == "report.received"))
    assert receipt is None  # reachable by phone only: no receipt mail, so nothing is queued for the worker


def test_a_reporter_with_an_email_address_and_consent_gets_a_receipt_queued(api, db):
    response = api.post(report_body(reporter__email="jan@example.nl"))
    report = db.session.scalar(sa.select(Report).where(Report.reference == response.get_json()["reference"]))
    receipt = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == "report.received"))
    assert receipt.payload == {"report_id": report.id}


def test_the_status_token_opens_the_public_status(api):
    created = api.post(report_body()).get_json()
    response = api.status(created["reference"], created["statusToken"])
    assert response.status_code == 200
    assert response.get_json() == {"reference": created["reference"], "status": "received"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("house_number", [12, "12", " 12 "])
def test_the_house_number_may_be_an_integer_or_a_string_of_digits(api, db, house_number):
    response = api.post(report_body(location__house_number=house_number))
    assert response.status_code == 201
    assert db.session.scalar(sa.select(Report.house_number)) == 12


def test_an_anonymous_report_keeps_no_reporter_details(api, db):
    response = api.post(report_body(reporter={"anonymous": True, "name": "Jan", "may_contact": True}))
    assert response.status_code == 201
    report = db.session.scalar(sa.select(Report))
    assert report.reporter_is_anonymous and report.reporter_name is None and not report.reporter_may_contact


# --- bad inputs: types, field rules, unknown fields (422 with invalidParams) ---------------------------

@pytest.mark.parametrize("house_number", [12.0, True, [12], {"$gt": ""}, None, "١٢", "１２", "12a", "1e3", "1_000",
                                          0, -1, 100000, 99999999999999999999, "", " "])
def test_a_bad_house_number_is_422_and_stores_nothing(api, db, house_number):
    response = api.post(report_body(location__house_number=house_number))
    assert_problem(response, 422, "location.house_number")
    assert report_count(db) == 0


@pytest.mark.parametrize("postcode", ["1234SA", "1234 ss", "0123AB", "123AB", "1234ABC", "１２３４AB", "١٢٣٤AB",
                                      "1234ÅB", "1234AB\u200b", 1234, None])
def test_a_bad_postcode_is_422_and_stores_nothing(api, db, postcode):
    assert_problem(api.post(report_body(location__postcode=postcode)), 422, "location.postcode")
    assert report_count(db) == 0


@pytest.mark.parametrize(("changes", "names"), [
    ({"status": "closed"}, ["status"]),
    ({"id": 1}, ["id"]),
    ({"version": 2}, ["version"]),
    ({"location__bag_id": "0772200000000001"}, ["location.bag_id"]),
    ({"reporter__role": "coordinator"}, ["reporter.role"]),
    ({"reporter__anonymous": "true"}, ["reporter.anonymous"]),
    ({"reporter__may_contact": 1}, ["reporter.may_contact"]),
    ({"category": ["geluidsoverlast"]}, ["category"]),
    ({"category": "bestaat-niet"}, ["category"]),
    ({"description": "x" * 5001}, ["description"]),
    ({"description": "   "}, ["description"]),
    ({"description": "Tekst\x07met een bel"}, ["description"]),
    ({"location": "Stratumseind 12"}, ["location"]),
    ({"reporter": None}, ["reporter"]),
    ({"reporter__email": "geen-adres"}, ["reporter.email"]),
    ({"reporter__phone": None, "reporter__email": None}, ["reporter.phone"]),  # may_contact needs a way to reach
    ({"reporter__name": None}, ["reporter.name"]),
    ({"location__house_number_addition": "12345-bis"}, ["location.house_number_addition"]),
])
def test_field_errors_are_422_under_the_api_names(api, db, changes, names):
    assert_problem(api.post(report_body(**changes)), 422, *names)
    assert report_count(db) == 0


def test_missing_members_are_named_each(api, db):
    body = report_body()
    del body["category"], body["location"]["postcode"]
    assert_problem(api.post(body), 422, "category", "location.postcode")
    assert report_count(db) == 0


# --- bad inputs: not strict JSON (400), wrong media type (415), too large (413) ------------------------

VALID = json.dumps(report_body())


@pytest.mark.parametrize("raw", [
    b'{"category": NaN}', b'{"category": Infinity}', b'{"category": -Infinity}',
    VALID.replace('"house_number": 12', '"house_number": 1e999').encode(),
    VALID.replace('"category": "geluidsoverlast"', '"category": "a", "category": "geluidsoverlast"').encode(),
    VALID.replace('"postcode": "5611 ab"', '"postcode": "5611 ab", "postcode": "5611AB"').encode(),
    VALID.replace("Harde muziek", "Harde \\ud800 muziek").encode(),
    VALID.replace("Harde muziek", "Harde \\udc00 muziek").encode(),
    VALID.replace("Harde muziek", "Harde \\u0000 muziek").encode(),
    VALID.replace("Harde muziek", "Harde muziek").encode()[:-1],
    VALID.encode().replace(b"Harde", b"H\xed\xa0\x80rde"),  # a surrogate written as (CESU-8) bytes
    VALID.encode().replace(b"Harde", b"H\xffrde"),
    b"\xef\xbb\xbf" + VALID.encode(),  # a byte-order mark
    b"", b"   ", b"[]", b'"melding"', b"null", b"[" * 100 + b"]" * 100, b"[" * 100_000,
    b'{"category": ' + b"9" * 5000 + b"}",
])
def test_a_body_that_is_not_strict_json_is_400_and_stores_nothing(api, db, raw):
    problem = assert_problem(api.post(raw=raw), 400)
    assert "invalidParams" not in problem
    assert report_count(db) == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=utf-16", "application/xml", None])
def test_another_media_type_is_415(api, db, content_type):
    assert_problem(api.post(raw=VALID.encode(), content_type=content_type), 415)
    assert report_count(db) == 0


def test_a_megabyte_description_is_413(api, db):
    assert_problem(api.post(report_body(description="overlast " * 120_000)), 413)
    assert report_count(db) == 0


# --- who may call -----------------------------------------------------------------------------------

def test_without_a_token_the_answer_is_401(api, db):
    response = api.post(report_body(), token="")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert report_count(db) == 0


def test_a_revoked_client_is_401(api, app_client, db):
    tokens.revoke_api_client(app_client[0].name, actor=None)
    assert_problem(api.post(report_body()), 401)
    assert report_count(db) == 0


def test_a_staff_members_personal_token_is_401(api, make, db):
    coordinator_token = tokens.issue_user_token(make.user("coordinator"), actor=None)
    assert_problem(api.post(report_body(), token=coordinator_token), 401)
    assert report_count(db) == 0


def test_a_client_of_another_channel_is_403(api, db):
    _, webform_token = tokens.issue_api_client("webformulier", "webform", actor=None)
    assert_problem(api.post(report_body(), token=webform_token), 403)
    assert report_count(db) == 0


def test_a_logged_in_staff_session_is_no_credential_here(client_as, db):
    response = client_as("intake").post(REPORTS, json=report_body(), headers={"Idempotency-Key": "k"})
    assert_problem(response, 401)
    assert report_count(db) == 0


# --- the public status ------------------------------------------------------------------------------

def _closed_report(make, **fields):
    report = make.report(status="referred", **fields)
    report.status = "closed"
    make.session.commit()
    return report


@pytest.mark.parametrize(("build", "expected"), [
    (lambda make, **fields: make.report(**fields), "received"),
    (lambda make, **fields: make.report(status="referred", **fields), "in_progress"),
    (lambda make, **fields: make.report(status="escalated", **fields), "in_progress"),
    (lambda make, **fields: make.report(status="escalated", case=make.case(status="closed"), **fields), "handled"),
    (_closed_report, "handled"),
])
def test_the_status_shows_only_the_public_state(api, make, build, expected):
    report = build(make, reporter_token_hash=tokens.digest("gdts_status-token"))
    response = api.status(report.reference, "gdts_status-token")
    assert response.status_code == 200
    assert response.get_json() == {"reference": report.reference, "status": expected}  # nothing else, ever


def test_a_wrong_or_missing_status_token_is_404_like_an_unknown_report(api, make):
    mine = make.report(reporter_token_hash=tokens.digest("gdts_mine"))
    other = make.report(reporter_token_hash=tokens.digest("gdts_other"))
    unknown = assert_problem(api.status("GDT-2026-999999", "gdts_mine"), 404)
    for reference, status_token in [(mine.reference, "gdts_wrong"), (mine.reference, "gdts_other"),
                                    (other.reference, "gdts_mine"), (mine.reference, None), (mine.reference, ""),
                                    (mine.reference, "x" * 5000)]:
        problem = assert_problem(api.status(reference, status_token), 404)
        assert problem == unknown, (reference, status_token)


def test_a_status_token_in_the_url_is_not_read(api, make):
    report = make.report(reporter_token_hash=tokens.digest("gdts_mine"))
    response = api.client.get(f"{REPORTS}/{report.reference}/status?statusToken=gdts_mine",
                              headers=api.headers(""))
    assert_problem(response, 404)


def test_the_status_needs_an_app_client_too(api, make, client_as):
    report = make.report(reporter_token_hash=tokens.digest("gdts_mine"))
    assert_problem(api.status(report.reference, "gdts_mine", token=""), 401)
    staff_session = client_as("coordinator").get(f"{REPORTS}/{report.reference}/status",
                                                 headers={"X-Status-Token": "gdts_mine"})
    assert_problem(staff_session, 401)


# --- the OpenAPI document -----------------------------------------------------------------------------

def test_the_openapi_document_describes_the_app_api(app, db):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    create = spec["paths"]["/api/v1/reports"]["post"]
    [key] = [param for param in create["parameters"] if param["name"] == "Idempotency-Key"]
    assert key["in"] == "header" and key["required"] is True
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/AppReport"}
    for status in ("201", "400", "401", "403", "409", "413", "415", "422", "429"):
        assert status in create["responses"], status
    assert create["responses"]["422"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"}
    assert "Retry-After" in create["responses"]["429"]["headers"]
    status = spec["paths"]["/api/v1/reports/{reference}/status"]["get"]
    assert [param["name"] for param in status["parameters"]] == ["X-Status-Token"]
    assert spec["components"]["schemas"]["AppReport"]["additionalProperties"] is False


# --- rate limits --------------------------------------------------------------------------------------

@pytest.fixture
def limited(app):
    """An app of its own with rate limits on (TestConfig switches them off), on its own database."""
    with own_app(RATELIMIT_ENABLED=True, APP_INTAKE_CLIENT_RATE_LIMIT="3 per minute",
                 APP_INTAKE_IP_RATE_LIMIT="5 per minute", APP_STATUS_IP_RATE_LIMIT="2 per minute") as limited_app:
        tokens_by_name = {name: tokens.issue_api_client(name, "app", actor=None)[1] for name in ("app-1", "app-2")}
        yield limited_app, tokens_by_name


def _post_from(flask_app, token, address, **headers):
    return flask_app.test_client().post(
        REPORTS, data=json.dumps(report_body()), content_type="application/json",
        environ_base={"REMOTE_ADDR": address},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"key-{next(_keys)}"} | headers)


def test_posts_are_limited_per_client_with_retry_after(limited):
    flask_app, client_tokens = limited
    statuses = [_post_from(flask_app, client_tokens["app-1"], f"10.0.0.{n}").status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = _post_from(flask_app, client_tokens["app-1"], "10.0.0.9")
    assert_problem(refused, 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert _post_from(flask_app, client_tokens["app-2"], "10.0.0.9").status_code == 201  # another client


def test_posts_are_limited_per_ip_and_a_forged_forwarded_for_does_not_help(limited):
    flask_app, client_tokens = limited
    answers = [_post_from(flask_app, client_tokens[name], "192.0.2.1").status_code
               for name in ("app-1", "app-2", "app-1", "app-2", "app-1")]
    assert answers == [201] * 5
    forged = _post_from(flask_app, client_tokens["app-2"], "192.0.2.1", **{"X-Forwarded-For": "198.51.100.7"})
    assert_problem(forged, 429)
    assert "Retry-After" in forged.headers
    assert _post_from(flask_app, client_tokens["app-2"], "192.0.2.2").status_code == 201  # another address


def test_guessing_tokens_is_limited_per_ip(limited):
    """Without a valid token the per-client limit counts per address, so guessing stops after 3 tries here."""
    flask_app, _ = limited
    answers = [_post_from(flask_app, f"gdtc_guess{n}", "203.0.113.5").status_code for n in range(4)]
    assert answers == [401, 401, 401, 429]


def test_the_status_question_is_limited_per_ip(limited):
    flask_app, client_tokens = limited
    client = flask_app.test_client()
    headers = {"Authorization": f"Bearer {client_tokens['app-1']}", "X-Status-Token": "gdts_x"}
    answers = [client.get(f"{REPORTS}/GDT-2026-000001/status", headers=headers,
                          environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code for _ in range(3)]
    assert answers == [404, 404, 429]
