"""The staff API for questions to the resident (gdt.api.resident_questions): per role, problem+json, and the
documented answers on real records (schemathesis)."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from gdt.services.core import tokens
from gdt.services.resident import questions
from tests.api.test_staff_api import audit, ok, problem

EMAIL = "melder@example.nl"
QUESTION = "Hoe laat begint het lawaai meestal?"


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def report(make):
    return make.report(reporter_email=EMAIL, reporter_may_contact=True)


def url(report):
    return f"/api/v1/reports/{report.reference}/questions"


def test_a_coordinator_asks_lists_and_withdraws(api, db, report, coordinator):
    created = api.post(url(report), coordinator, {"text": QUESTION})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert created.headers["Location"] == url(report) and created.headers["Cache-Control"] == "no-store"
    assert body["status"] == "open" and body["text"] == QUESTION and body["report"] == report.reference

    [listed] = ok(api.get(url(report), coordinator))
    assert listed["id"] == body["id"] and listed["answer"] is None
    assert "view" in audit(db, report.reference)

    withdrawn = ok(api.post(f"/api/v1/questions/{body['id']}/withdraw", coordinator))
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_at"]
    problem(api.post(f"/api/v1/questions/{body['id']}/withdraw", coordinator), 409)


def test_an_answer_shows_in_the_list(api, db, report, coordinator):
    question = questions.ask(report, QUESTION, actor=coordinator)
    questions.answer(report, question.id, "Rond elf uur 's avonds.")
    [listed] = ok(api.get(url(report), coordinator))
    assert listed["status"] == "answered" and listed["answer"] == "Rond elf uur 's avonds."


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "archivist", "privacy", "partner"])
def test_other_roles_are_refused(api, make, report, coordinator, role):
    question = questions.ask(report, QUESTION, actor=coordinator)
    user = make.user(role)
    problem(api.get(url(report), user), 403)
    problem(api.post(url(report), user, {"text": QUESTION}), 403)
    problem(api.post(f"/api/v1/questions/{question.id}/withdraw", user), 403)
    assert questions.status_of(question) == "open"


def test_bad_input_and_an_unreachable_resident(api, db, make, report, coordinator):
    problem(api.post(url(report), coordinator, {"text": "   "}), 422, "text")
    problem(api.post(url(report), coordinator, {"text": QUESTION, "extra": 1}), 422, "extra")
    problem(api.post(url(report), coordinator, {}), 422, "text")
    silent = make.report(reporter_email=None)
    problem(api.post(url(silent), coordinator, {"text": QUESTION}), 409)
    problem(api.get("/api/v1/reports/GDT-BESTAAT-NIET/questions", coordinator), 404)
    problem(api.post("/api/v1/questions/999999/withdraw", coordinator), 404)
    assert questions.questions_of(report) == [] and questions.questions_of(silent) == []


def test_generated_requests_on_real_records_answer_as_documented(app, db, report, coordinator):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    header = {"Authorization": f"Bearer {tokens.issue_user_token(coordinator, actor=None)}"}
    checks_ = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
               checks.response_schema_conformance, checks.response_headers_conformance]
    question = questions.ask(report, QUESTION, actor=coordinator)
    fixed = {"reference": report.reference, "id": question.id}
    for method, path in (("GET", "/api/v1/reports/{reference}/questions"),
                         ("POST", "/api/v1/reports/{reference}/questions"),
                         ("POST", "/api/v1/questions/{id}/withdraw")):
        operation = schema[path][method]

        @given(generated=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(generated):
            generated.path_parameters = {name: fixed[name] for name in generated.path_parameters or {}}
            generated.call_and_validate(headers=header, checks=checks_)

        check()
