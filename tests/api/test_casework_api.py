"""The staff API for case meetings and the plan of action (gdt.api.casework): the coordinator plans, holds
and cancels meetings and agrees and updates actions, through the services the pages use."""
from datetime import timedelta

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from gdt.db import AMSTERDAM, utcnow
from gdt.models import Action, AuditEvent, Meeting, OutboxMessage
from gdt.services.casework import actions, cases, meetings
from gdt.services.core import tokens
from tests.api.test_staff_api import audit, ok, problem

CASES, MEETINGS, ACTIONS = "/api/v1/cases", "/api/v1/meetings", "/api/v1/actions"
MINUTES = "Bewoner en verhuurder zijn gehoord."


def created(response, location_prefix):
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.mimetype == "application/json" and response.headers["API-Version"]
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert response.headers["Location"] == f"{location_prefix}/{body['id']}"
    return body


def later(days=7):
    return (utcnow() + timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def case(make, coordinator):
    """An open case with the police involved."""
    make.partner("politie")
    case = make.case()
    cases.involve_partner(case, "politie", "Wijkagent", actor=coordinator, seen_version=case.version)
    return case


@pytest.fixture
def meeting(db, case, coordinator):
    with db.session.no_autoflush:  # as in tests/services/test_meeting_pdf.py
        return meetings.plan(case, later(), "Stadskantoor, zaal 3", ["politie"], ["Jan Jansen"], actor=coordinator)


@pytest.fixture
def action(db, case, coordinator):
    with db.session.no_autoflush:  # actions.add_to_case links the action to the case before adding it (SAWarning)
        return actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)


def plan_body(**overrides):
    return {"starts_at": later().isoformat(), "location": "Stadskantoor, zaal 3", "partners": ["politie"],
            "people": ["Jan Jansen"]} | overrides


def state(db, case):
    """Everything a refused write must leave as it was (views are audited, so they are left out)."""
    db.session.expire_all()
    return ([(m.status, m.version, m.minutes, m.cancel_reason, [i.attended for i in m.invitees])
             for m in case.meetings],
            [(a.status, a.version, a.progress, a.drop_reason, a.finished_at) for a in case.actions],
            case.version, [a for a in audit(db, case.reference) if a != "view"])


def test_plan_list_hold_with_a_decision_then_complete_the_action(api, db, case, coordinator):
    starts = later()
    body = created(api.post(f"{CASES}/{case.reference}/meetings", coordinator, plan_body(starts_at=starts.isoformat())),
                   MEETINGS)
    assert body | {"id": None, "invitees": None} == {
        "id": None, "case": {"reference": case.reference, "status": "open"},
        "starts_at": starts.astimezone(AMSTERDAM).isoformat(), "location": "Stadskantoor, zaal 3",
        "status": "planned", "invitees": None, "minutes": None, "held_on": None, "cancel_reason": None, "decisions": [],
        "version": 1}
    police, person = body["invitees"]
    assert police | {"id": None} == {"id": None, "partner": "politie", "name": None, "attended": None}
    assert person | {"id": None} == {"id": None, "partner": None, "name": "Jan Jansen", "attended": None}
    assert db.session.scalars(sa.select(OutboxMessage.payload).where(
        OutboxMessage.topic == meetings.INVITATION_TOPIC)).all() == [{"meeting_id": body["id"],
                                                                     "partner_id": case.partners[0].partner_id}]
    assert ok(api.get(f"{CASES}/{case.reference}/meetings", coordinator)) == [body]
    assert ok(api.get(f"{MEETINGS}/{body['id']}", coordinator)) == body

    held = ok(api.post(f"{MEETINGS}/{body['id']}/hold", coordinator, {
        "attended": [police["id"]], "minutes": MINUTES, "version": 1, "earlier_than_planned": True,
        "decisions": [{"description": "Huisbezoek met wijkagent", "owner": "partner:politie", "working_days": 5}]}))
    assert (held["status"], held["minutes"], held["version"]) == ("held", MINUTES, 2)
    assert held["held_on"] == utcnow().astimezone(AMSTERDAM).date().isoformat()  # default: today
    assert [(i["name"], i["attended"]) for i in held["invitees"]] == [(None, True), ("Jan Jansen", False)]
    [action] = ok(api.get(f"{CASES}/{case.reference}/actions", coordinator))
    assert held["decisions"] == [action["id"]]
    assert action | {"id": None, "due_at": None} == {
        "id": None, "case": {"reference": case.reference, "status": "open"},
        "description": "Huisbezoek met wijkagent", "owner": {"partner": "politie", "user_id": None, "name": "Politie"},
        "due_at": None, "status": "open", "progress": None, "drop_reason": None, "finished_at": None,
        "carried_over": False, "meeting_id": held["id"], "version": 1}
    assert action["due_at"] > utcnow().astimezone(AMSTERDAM).isoformat()

    done = ok(api.post(f"{ACTIONS}/{action['id']}", coordinator,
                       {"outcome": "complete", "progress": "Huisbezoek afgelegd", "version": 1}))
    assert (done["status"], done["progress"], done["version"]) == ("done", "Huisbezoek afgelegd", 2)
    assert done["finished_at"] and ok(api.get(f"{ACTIONS}/{action['id']}", coordinator)) == done
    assert [a for a in audit(db, case.reference) if a != "view"] == [
        "involve_partner", "plan_meeting", "agree_action", "hold_meeting", "action_complete"]
    assert db.session.scalars(sa.select(AuditEvent.action).where(  # GET /meetings/{id} and the hold, audited
        AuditEvent.object_type == "meeting", AuditEvent.object_ref == str(body["id"]))).all() == ["view", "view"]


def test_a_moment_without_offset_is_amsterdam_time(api, case, coordinator):
    body = created(api.post(f"{CASES}/{case.reference}/meetings", coordinator,
                            plan_body(starts_at="2099-07-01T10:00:00", partners=[], people=[])), MEETINGS)
    assert (body["starts_at"], body["invitees"]) == ("2099-07-01T10:00:00+02:00", [])


def test_agree_an_action_and_drop_it_only_with_a_reason(api, db, case, coordinator):
    body = created(api.post(f"{CASES}/{case.reference}/actions", coordinator, {
        "description": "Gesprek met verhuurder", "owner": f"user:{coordinator.id}", "working_days": 3}), ACTIONS)
    assert body["owner"] == {"partner": None, "user_id": coordinator.id, "name": coordinator.name}
    assert (body["status"], body["meeting_id"], body["version"]) == ("open", None, 1)
    before = state(db, case)
    for reason in (None, "", "   "):
        problem(api.post(f"{ACTIONS}/{body['id']}", coordinator, {"outcome": "drop", "reason": reason, "version": 1}),
                422, "reason")
    problem(api.post(f"{ACTIONS}/{body['id']}", coordinator, {"outcome": "drop", "version": 1}), 422, "reason")
    assert state(db, case) == before
    dropped = ok(api.post(f"{ACTIONS}/{body['id']}", coordinator,
                          {"outcome": "drop", "reason": "Verhuurder is verhuisd", "version": 1}))
    assert (dropped["status"], dropped["drop_reason"], dropped["version"]) == ("dropped", "Verhuurder is verhuisd", 2)
    problem(api.post(f"{ACTIONS}/{body['id']}", coordinator, {"outcome": "complete", "version": 2}), 409)


def test_progress_is_reported_and_the_action_stays_open(api, action, coordinator):
    body = ok(api.post(f"{ACTIONS}/{action.id}", coordinator,
                       {"outcome": "update", "progress": "Afspraak staat", "version": 1}))
    assert (body["status"], body["progress"], body["version"], body["finished_at"]) == (
        "open", "Afspraak staat", 2, None)


def test_cancel_a_meeting_with_a_reason_and_it_can_no_longer_be_held(api, db, case, meeting, coordinator):
    before = state(db, case)
    problem(api.post(f"{MEETINGS}/{meeting.id}/cancel", coordinator, {"version": 1}), 422, "reason")
    problem(api.post(f"{MEETINGS}/{meeting.id}/cancel", coordinator, {"reason": " ", "version": 1}), 422, "reason")
    assert state(db, case) == before
    body = ok(api.post(f"{MEETINGS}/{meeting.id}/cancel", coordinator, {"reason": "Bewoner ziek", "version": 1}))
    assert (body["status"], body["cancel_reason"], body["version"]) == ("cancelled", "Bewoner ziek", 2)
    problem(api.post(f"{MEETINGS}/{meeting.id}/hold", coordinator, {"version": 2}), 409)


def test_a_stale_version_is_409_and_changes_nothing(api, db, make, case, meeting, action, coordinator):
    actions.update(action, outcome="update", progress="Een collega was sneller", actor=make.user("coordinator"),
                   seen_version=1)  # a colleague was quicker
    before = state(db, case)
    invitee = meeting.invitees[0].id
    for version in (0, 2):
        problem(api.post(f"{MEETINGS}/{meeting.id}/hold", coordinator, {
            "attended": [invitee], "minutes": MINUTES, "version": version, "earlier_than_planned": True,
            "decisions": [{"description": "Huisbezoek", "owner": "partner:politie", "working_days": 5}]}), 409)
        problem(api.post(f"{MEETINGS}/{meeting.id}/cancel", coordinator, {"reason": "Ziek", "version": version}), 409)
    for outcome in ("update", "complete"):
        problem(api.post(f"{ACTIONS}/{action.id}", coordinator, {"outcome": outcome, "progress": "x", "version": 1}),
                409)
    problem(api.post(f"{ACTIONS}/{action.id}", coordinator, {"outcome": "drop", "reason": "x", "version": 1}), 409)
    assert state(db, case) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Action)) == 1


def test_nothing_can_be_planned_or_agreed_on_a_closed_case(api, db, make, coordinator):
    closed = make.case("closed")
    problem(api.post(f"{CASES}/{closed.reference}/meetings", coordinator, plan_body(partners=[])), 409)
    problem(api.post(f"{CASES}/{closed.reference}/actions", coordinator,
                     {"description": "Nazorg", "owner": f"user:{coordinator.id}", "working_days": 1}), 409)
    db.session.expire_all()
    assert (closed.meetings, closed.actions, closed.version) == ([], [], 1)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"starts_at": "2020-01-01T10:00:00+01:00"}, "starts_at"), ({"starts_at": "morgen"}, "starts_at"),
    ({"starts_at": "9999-12-31T23:00:00-05:00"}, "starts_at"), ({"starts_at": None}, "starts_at"),
    ({"location": " "}, "location"), ({"location": "x" * 201}, "location"), ({"location": 3}, "location"),
    ({"partners": ["bestaat-niet"]}, "partners"), ({"partners": ["ggz-oud"]}, "partners"),
    ({"partners": "politie"}, "partners"), ({"people": ["x" * 121]}, "people"),
    ({"people": ["Jan"] * 51}, "people"), ({"agenda": "Overlast"}, "agenda"),
])
def test_a_refused_plan_is_422_naming_the_field_and_changes_nothing(api, db, make, case, coordinator, overrides,
                                                                     field):
    make.partner("ggz-oud", is_active=False)
    before = state(db, case)
    problem(api.post(f"{CASES}/{case.reference}/meetings", coordinator, plan_body(**overrides)), 422, field)
    assert state(db, case) == before and db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"decisions": [{"description": "Huisbezoek", "owner": "partner:bestaat-niet", "working_days": 5}]},
     "decisions.0.owner"),
    ({"decisions": [{"description": "Huisbezoek", "owner": "iemand", "working_days": 5}]}, "decisions.0.owner"),
    ({"decisions": [{"description": "", "owner": "partner:politie", "working_days": 5}]}, "decisions.0.description"),
    ({"decisions": [{"description": "Huisbezoek", "owner": "partner:politie", "working_days": 251}]},
     "decisions.0.working_days"),
    ({"decisions": [{"description": "Huisbezoek", "owner": "partner:politie"}]}, "decisions.0.working_days"),
    ({"attended": [999999]}, "attended"), ({"minutes": "x" * 20001}, "minutes"), ({"version": None}, "version"),
    ({"version": True}, "version"), ({"held_on": "2999-01-01"}, "held_on"), ({"held_on": "morgen"}, "held_on"),
    ({"held_on": "2000-01-01"}, "held_on"), ({"earlier_than_planned": False}, "earlier_than_planned"),
    ({"earlier_than_planned": "ja"}, "earlier_than_planned"),
])
def test_a_refused_hold_is_422_naming_the_field_and_changes_nothing(api, db, case, meeting, coordinator, change,
                                                                     field):
    before = state(db, case)
    body = {"attended": [], "minutes": MINUTES, "version": 1, "earlier_than_planned": True} | change
    problem(api.post(f"{MEETINGS}/{meeting.id}/hold", coordinator, body), 422, field)
    assert state(db, case) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"owner": "partner:politie", "working_days": 5}, "description"),
    ({"description": "x" * 2001, "owner": "partner:politie", "working_days": 5}, "description"),
    ({"description": "Huisbezoek", "working_days": 5}, "owner"),
    ({"description": "Huisbezoek", "owner": "partner:ggz-oud", "working_days": 5}, "owner"),
    ({"description": "Huisbezoek", "owner": "user:999999999", "working_days": 5}, "owner"),
    ({"description": "Huisbezoek", "owner": "user:99999999999999999999", "working_days": 5}, "owner"),
    ({"description": "Huisbezoek", "owner": "partner:politie", "working_days": -1}, "working_days"),
    ({"description": "Huisbezoek", "owner": "partner:politie", "working_days": 2.5}, "working_days"),
])
def test_a_refused_agreement_is_422_naming_the_field_and_changes_nothing(api, db, make, case, coordinator, body,
                                                                          field):
    make.partner("ggz-oud", is_active=False)
    before = state(db, case)
    problem(api.post(f"{CASES}/{case.reference}/actions", coordinator, body), 422, field)
    assert state(db, case) == before


def test_only_a_coordinator_may_own_an_action_among_staff(api, db, make, case, coordinator):
    intake = make.user("intake")
    problem(api.post(f"{CASES}/{case.reference}/actions", coordinator,
                     {"description": "Huisbezoek", "owner": f"user:{intake.id}", "working_days": 5}), 422, "owner")


@pytest.mark.parametrize(("body", "field"), [
    ({"outcome": "klaar", "version": 1}, "outcome"), ({"version": 1}, "outcome"), ({"outcome": "update"}, "version"),
    ({"outcome": "update", "progress": "x" * 2001, "version": 1}, "progress"),
    ({"outcome": "update", "version": 1, "owner": "partner:ggz"}, "owner"),
])
def test_a_refused_update_is_422_naming_the_field_and_changes_nothing(api, db, case, action, coordinator, body, field):
    before = state(db, case)
    problem(api.post(f"{ACTIONS}/{action.id}", coordinator, body), 422, field)
    assert state(db, case) == before


def _every_operation(case, meeting, action):
    return [("get", f"{CASES}/{case.reference}/meetings", None),
            ("post", f"{CASES}/{case.reference}/meetings", plan_body()),
            ("get", f"{MEETINGS}/{meeting.id}", None),
            ("post", f"{MEETINGS}/{meeting.id}/hold", {"attended": [], "version": 1}),
            ("post", f"{MEETINGS}/{meeting.id}/cancel", {"reason": "Ziek", "version": 1}),
            ("get", f"{CASES}/{case.reference}/actions", None),
            ("post", f"{CASES}/{case.reference}/actions",
             {"description": "Huisbezoek", "owner": "partner:politie", "working_days": 5}),
            ("get", f"{ACTIONS}/{action.id}", None),
            ("post", f"{ACTIONS}/{action.id}", {"outcome": "complete", "version": 1})]


@pytest.mark.parametrize("role", ["intake", "manager", "admin"])
def test_staff_without_the_coordinator_role_get_403_and_change_nothing(api, db, make, case, meeting, action, role):
    user = make.user(role)
    before = state(db, case)
    for method, url, body in _every_operation(case, meeting, action):
        problem(api.call(method, url, user, body), 403)
    assert state(db, case) == before
    assert audit(db, case.reference, outcome="denied") == []  # refused on the role, before anything is loaded


def test_without_a_token_the_answer_is_401(api, case, meeting, action):
    for method, url, body in _every_operation(case, meeting, action):
        assert problem(api.call(method, url, None, body), 401)


def test_unknown_cases_meetings_and_actions_are_404_problem_json(api, coordinator):
    body = {"description": "Huisbezoek", "owner": "partner:politie", "working_days": 5}
    for method, url, payload in [
            ("get", f"{CASES}/GDT-0000-000000/meetings", None),
            ("post", f"{CASES}/GDT-0000-000000/meetings", plan_body()),
            ("get", f"{CASES}/GDT-0000-000000/actions", None), ("post", f"{CASES}/GDT-0000-000000/actions", body),
            ("get", f"{MEETINGS}/999999", None), ("post", f"{MEETINGS}/999999/hold", {"version": 1}),
            ("post", f"{MEETINGS}/999999/cancel", {"reason": "Ziek", "version": 1}),
            ("get", f"{ACTIONS}/999999", None), ("post", f"{ACTIONS}/999999", {"outcome": "complete", "version": 1}),
            ("get", f"{MEETINGS}/99999999999", None), ("get", f"{ACTIONS}/-1", None)]:
        problem(api.call(method, url, coordinator, payload), 404)


def test_a_body_that_is_no_json_is_400_problem_json(api, case, meeting, coordinator):
    problem(api.post(f"{MEETINGS}/{meeting.id}/hold", coordinator, raw="{attended"), 400)


NEW_OPERATIONS = {
    ("get", "/api/v1/cases/{reference}/meetings"): {401, 403, 404},
    ("post", "/api/v1/cases/{reference}/meetings"): {400, 401, 403, 404, 409, 413, 415, 422},
    ("get", "/api/v1/meetings/{id}"): {401, 403, 404},
    ("post", "/api/v1/meetings/{id}/hold"): {400, 401, 403, 404, 409, 413, 415, 422},
    ("post", "/api/v1/meetings/{id}/cancel"): {400, 401, 403, 404, 409, 413, 415, 422},
    ("get", "/api/v1/cases/{reference}/actions"): {401, 403, 404},
    ("post", "/api/v1/cases/{reference}/actions"): {400, 401, 403, 404, 409, 413, 415, 422},
    ("get", "/api/v1/actions/{id}"): {401, 403, 404},
    ("post", "/api/v1/actions/{id}"): {400, 401, 403, 404, 409, 413, 415, 422},
}


@pytest.mark.parametrize(("method", "path"), sorted(NEW_OPERATIONS))
def test_the_openapi_document_lists_the_new_operations_and_their_errors(app, method, path):
    operation = app.test_client().get("/api/v1/openapi.json").get_json()["paths"][path][method]
    assert operation["summary"] and operation["description"] and operation["tags"] == ["api_casework"]
    responses = operation["responses"]
    assert {int(code) for code in responses if code[0] in "45"} == NEW_OPERATIONS[method, path]
    assert all(list(responses[code]["content"]) == ["application/problem+json"]
               for code in responses if code[0] in "45")
    success = "201" if path.endswith(("/meetings", "/actions")) and method == "post" else "200"
    assert set(responses) - {success} == {str(code) for code in NEW_OPERATIONS[method, path]}
    if success == "201":
        assert "Location" in responses["201"]["headers"]


def test_the_answers_on_real_records_fit_the_documented_schemas(app, db, case, meeting, action, coordinator):
    """Schemathesis mostly meets 404s on random ids; here each operation answers on records that exist."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    header = {"Authorization": f"Bearer {tokens.issue_user_token(coordinator, actor=None)}"}
    checks_ = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
               checks.response_schema_conformance, checks.response_headers_conformance]
    calls = [("/cases/{reference}/meetings", "GET", {"reference": case.reference}, None),
             ("/meetings/{id}", "GET", {"id": meeting.id}, None),
             ("/cases/{reference}/actions", "GET", {"reference": case.reference}, None),
             ("/actions/{id}", "GET", {"id": action.id}, None),
             ("/cases/{reference}/meetings", "POST", {"reference": case.reference}, plan_body()),
             ("/meetings/{id}/hold", "POST", {"id": meeting.id}, {
                 "attended": [meeting.invitees[0].id], "minutes": MINUTES, "version": meeting.version,
                 "held_on": utcnow().astimezone(AMSTERDAM).date().isoformat(), "earlier_than_planned": True,
                 "decisions": [{"description": "Huisbezoek", "owner": f"user:{coordinator.id}", "working_days": 0}]}),
             ("/actions/{id}", "POST", {"id": action.id}, {"outcome": "drop", "reason": "Vervallen", "version": 1}),
             ("/cases/{reference}/actions", "POST", {"reference": case.reference},
              {"description": "Nazorg", "owner": "partner:politie", "working_days": 10})]
    for path, method, parameters, body in calls:
        operation = schema[f"/api/v1{path}"][method]
        extra = {} if body is None else {"body": body, "media_type": "application/json"}
        response = operation.Case(path_parameters=parameters, headers=header, **extra).call_and_validate(checks=checks_)
        assert response.status_code in (200, 201), response.text


def test_generated_requests_on_real_records_answer_as_documented(app, db, case, meeting, action, coordinator):
    """test_schemathesis sends random ids and references (404s); here every path names a record that exists."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    header = {"Authorization": f"Bearer {tokens.issue_user_token(coordinator, actor=None)}"}
    checks_ = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
               checks.response_schema_conformance, checks.response_headers_conformance]
    fixed = {"reference": case.reference, "id": None}
    for method, path in sorted(NEW_OPERATIONS):
        fixed["id"] = action.id if "/actions/" in path else meeting.id
        operation = schema[path][method.upper()]

        @given(generated=operation.as_strategy())
        @settings(max_examples=40, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(generated):
            generated.path_parameters = {name: fixed[name] for name in generated.path_parameters or {}}
            generated.call_and_validate(headers=header, checks=checks_)

        check()


def test_closing_through_the_api_with_open_actions_needs_carry_over(api, db, make):
    from gdt.services.casework import actions
    from gdt.services.triage import report_triage
    coordinator = make.user("coordinator")
    report = make.report()
    case = report_triage.escalate_report(report, "x", actor=coordinator, seen_version=report.version)
    actions.agree(case, "Huisbezoek", owner=f"user:{coordinator.id}", working_days=5, actor=coordinator)
    refused = api.post(f"/api/v1/cases/{case.reference}/close", coordinator, {"result": "de-escalated"})
    assert refused.status_code == 422 and refused.get_json()["invalidParams"][0]["name"] == "carry_over"
    done = api.post(f"/api/v1/cases/{case.reference}/close", coordinator, {"result": "de-escalated",
                                                                          "carry_over": True})
    assert done.status_code == 200, done.get_json()
    db.session.expire_all()
    assert case.status == "closed" and case.actions[0].carried_over
