"""Property-based tests over the served OpenAPI document: no server errors, every answer as documented.

Schemathesis generates requests for every operation from /api/v1/openapi.json (valid and invalid
ones) and sends them through the application with a staff coordinator's, the app's or a partner's
token, whichever the operation is for. Any 5xx, undocumented status code, wrong content type,
body that does not fit its schema or missing documented header fails the test.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from gdt.services.core import tokens
from tests.interventions import add_default_types

EXAMPLES = 80
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]


@pytest.fixture
def api_schema(app, db, make):
    make.defaults()
    for key in ("politie", "ggz"):
        make.partner(key)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def bearer(db, make):
    """The token each operation is meant for; some objects so that GETs find something."""
    coordinator = make.user("coordinator")
    make.report()
    make.case()
    add_default_types(db.session)
    return {"staff": tokens.issue_user_token(coordinator, actor=None),
            "app": tokens.issue_api_client("app", "app", actor=None)[1],
            "partner": tokens.issue_api_client("politie-systeem", "partner", "politie", actor=None)[1]}


def audience(path: str, method: str) -> str:
    if path.startswith("/partner-registrations"):
        return "partner"
    if path.endswith(("/status", "/attachments")) or (path == "/reports" and method == "POST"):
        return "app"
    return "staff"


def test_every_operation_answers_as_documented(api_schema, bearer):
    tested = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        header = {"Authorization": f"Bearer {bearer[audience(operation.path, operation.method.upper())]}"}

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,  # the same cases in CI
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=header, checks=CHECKS)  # noqa: B023 (called in this iteration)

        check()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert len(tested) >= 12, tested
