"""Every API operation with a JSON body reads it with the one strict reader (gdt.api.strict_json).

The operations are taken from the served OpenAPI document, so a new operation is covered the day it is
added: a body nested a hundred thousand levels deep, an integer of thousands of digits, and each field of
the operation's schema set to such an integer are answered with 400 or 422 problem+json, never a 500.
"""
import itertools
import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from gdt.api import strict_json
from gdt.models import Report
from gdt.services.casework import actions, cases, meetings
from gdt.services.core import tokens
from gdt.services.interventions import recording
from tests.api.test_casework_api import later
from tests.interventions import add_default_types

HUGE = "1" + "0" * 5000    # more digits than Python's int() reads (4300): json.loads raises ValueError
LARGE = "9" * 1000          # readable, but no database column holds it
DEEP = '{"a":' * 20_000     # 100 kB, under every body limit: only the nesting is wrong
REVIEWED = '{"a":' * 100_000  # the reviewer's body, 500 kB
_keys = itertools.count(1)


@pytest.fixture(scope="module")
def document(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def json_operations(document) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict)
            and "application/json" in operation.get("requestBody", {}).get("content", {})]


def test_the_document_has_the_json_body_operations_this_test_knows(document):
    found = {(method, path) for method, path, _ in json_operations(document)}
    assert found == {
        ("POST", "/api/v1/reports"), ("POST", "/api/v1/partner-registrations"),
        ("POST", "/api/v1/reports/{reference}/triage"), ("POST", "/api/v1/cases/{reference}/mode"),
        ("POST", "/api/v1/cases/{reference}/close"), ("POST", "/api/v1/cases/{reference}/meetings"),
        ("POST", "/api/v1/meetings/{id}/hold"), ("POST", "/api/v1/meetings/{id}/cancel"),
        ("POST", "/api/v1/meetings/{id}/move"),
        ("POST", "/api/v1/cases/{reference}/actions"), ("POST", "/api/v1/actions/{id}"),
        ("POST", "/api/v1/cases/{reference}/letters"), ("POST", "/api/v1/reports/{reference}/questions"),
        ("POST", "/api/v1/cases/{reference}/interventions"), ("POST", "/api/v1/interventions/{id}/steps"),
    }


def test_every_json_body_operation_documents_the_strict_readers_answers(document):
    for method, path, operation in json_operations(document):
        assert {"400", "413", "415", "422"} <= operation["responses"].keys(), (method, path)


def test_no_api_module_reads_json_another_way():
    """request.get_json(), request.json and json.loads would accept what the strict reader refuses."""
    for module in Path("gdt/api").glob("*.py"):
        if module.name == "strict_json.py":
            continue
        text = module.read_text()
        for lenient in ("get_json(", "request.json", "json.loads(", "json.load("):
            assert lenient not in text, (module, lenient)


@pytest.fixture
def caller(app, db, make):
    """`caller(method, path, raw)`: the request with the credential and the real records the operation needs."""
    make.defaults()
    make.partner("politie")
    make.partner("ggz")
    coordinator = make.user("coordinator")
    case = make.case()
    cases.involve_partner(case, "politie", "Wijkagent", actor=coordinator, seen_version=case.version)
    with db.session.no_autoflush:
        meeting = meetings.plan(case, later(), "Stadskantoor", ["politie"], ["Jan Jansen"], actor=coordinator)
        action = actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    add_default_types(db.session)
    talk = recording.record(case, type_code="gesprek", status="proposed", proposed_on=date(2026, 3, 2),
                            actor=coordinator)
    report = make.report()
    staff = {"Authorization": f"Bearer {tokens.issue_user_token(coordinator, actor=None)}"}
    app_token = tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1]
    partner_token = tokens.issue_api_client("politie-systeem", "partner", "politie", actor=None)[1]
    credentials = {"/api/v1/reports": app_token, "/api/v1/partner-registrations": partner_token}

    def call(method, path, raw):
        url = (path.replace("{reference}", case.reference if "/cases/" in path else report.reference)
               .replace("/meetings/{id}", f"/meetings/{meeting.id}").replace("/actions/{id}", f"/actions/{action.id}")
               .replace("/interventions/{id}", f"/interventions/{talk.id}"))
        headers = ({"Authorization": f"Bearer {credentials[path]}", "Idempotency-Key": f"k-{next(_keys)}"}
                   if path in credentials else staff)
        return app.test_client().open(url, method=method, data=raw, content_type="application/json", headers=headers)

    return call


def assert_problem(response, *statuses):
    assert response.status_code in statuses, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == response.status_code and body["detail"]
    return body


def test_deep_nesting_and_huge_integers_are_400_on_every_json_body_operation(document, caller, db):
    reports_before = db.session.scalar(sa.select(sa.func.count()).select_from(Report))
    for method, path, _ in json_operations(document):
        assert assert_problem(caller(method, path, DEEP), 400)["detail"] == strict_json.TOO_DEEP, path
        assert_problem(caller(method, path, "[" * 100_000), 400)
        assert "te groot" in assert_problem(caller(method, path, '{"a": ' + HUGE + "}"), 400)["detail"], path
        # The reviewer's body: 400 where it fits the operation's body limit, 413 where it does not (the intake's).
        assert_problem(caller(method, path, REVIEWED), 400, 413)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == reports_before


def leaf_paths(document, schema, prefix=()) -> list[tuple[str, ...]]:
    """Every field of a request schema, nested objects and arrays of objects included, as a path of names."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") == "array" or "items" in schema:
        return leaf_paths(document, schema.get("items", {}), (*prefix, "[]"))
    if "properties" in schema:
        return [path for name, field in schema["properties"].items()
                for path in leaf_paths(document, field, (*prefix, name))]
    return [prefix]


def body_with(path: tuple[str, ...], number: str) -> str:
    """A JSON body with `number` at `path` ("[]" is a one-element array), written by hand to keep its digits."""
    text = number
    for name in reversed(path):
        text = f"[{text}]" if name == "[]" else f'{{"{name}": {text}}}'
    return text


def test_every_field_set_to_a_huge_integer_is_a_problem_never_a_500(document, caller):
    for method, path, operation in json_operations(document):
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        fields = leaf_paths(document, schema)
        assert fields, path
        for field in fields:
            assert_problem(caller(method, path, body_with(field, HUGE)), 400)
            assert_problem(caller(method, path, body_with(field, LARGE)), 400, 422)
            assert_problem(caller(method, path, body_with(field, "-" + LARGE)), 400, 422)


def test_a_staff_body_may_be_larger_than_an_intake_body_but_is_bounded(caller, document):
    minutes = json.dumps({"minutes": "verslag " * 20_000, "version": 1, "attended": [], "decisions": []})
    assert len(minutes) > strict_json.MAX_BYTES
    response = caller("POST", "/api/v1/meetings/{id}/hold", minutes)
    assert response.status_code != 413  # read; the service then judges the minutes' length
    too_large = json.dumps({"minutes": "x" * (strict_json.STAFF_MAX_BYTES + 1), "version": 1})
    assert_problem(caller("POST", "/api/v1/meetings/{id}/hold", too_large), 413)


@pytest.mark.parametrize("raw", [b'{"mode": NaN}', b'{"mode": "advice", "mode": "regie"}', b'{"mode": "\\ud800"}',
                                 b'{"mode": "\\u0000"}', b"", b"[]", b"\xff"])
def test_the_staff_api_refuses_what_the_intake_refuses(caller, raw):
    assert_problem(caller("POST", "/api/v1/cases/{reference}/mode", raw), 400)


def test_the_staff_api_refuses_another_media_type(app, caller, db, make):
    response = caller("POST", "/api/v1/cases/{reference}/mode", b'{"mode": "advice"}')
    assert response.status_code == 200, response.get_data(as_text=True)
    coordinator = make.user("coordinator")
    token = tokens.issue_user_token(coordinator, actor=None)
    form = app.test_client().post(f"/api/v1/cases/{make.case().reference}/mode", data={"mode": "advice"},
                                  headers={"Authorization": f"Bearer {token}"})
    assert_problem(form, 415)
