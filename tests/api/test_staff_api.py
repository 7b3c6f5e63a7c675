"""The staff API with personal bearer tokens: need-to-know, triage, case mode and closing."""
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Case
from gdt.services.admin import users
from gdt.services.casework import cases
from gdt.services.core import tokens

REPORTS, CASES = "/api/v1/reports", "/api/v1/cases"


def ok(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json" and response.headers["API-Version"]
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def problem(response, status, *fields):
    """An RFC 9457 answer with the version header; `fields` must each be named in invalidParams."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json" and response.headers["API-Version"]
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert set(fields) <= {param["name"] for param in body.get("invalidParams", [])}, (fields, body)
    return body


def audit(db, reference, outcome="ok"):
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)
                              .where(AuditEvent.object_ref == reference, AuditEvent.outcome == outcome)).all()


def snapshot(db, report):
    """Everything a refused triage must leave as it was (reading it, audited as a view, is no change)."""
    db.session.expire_all()
    changes = [action for action in audit(db, report.reference) if action != "view"]
    return (report.status, report.version, report.triage_outcome, report.referred_partner_id, report.case_id,
            len(report.events), changes, db.session.scalar(sa.select(sa.func.count()).select_from(Case)))


def references(response) -> list[str]:
    return [item["reference"] for item in ok(response)]


def test_coordinator_pages_through_every_report(api, make):
    coordinator = make.user("coordinator")
    [make.report(received_at=datetime(2026, 3, 1, hour, tzinfo=UTC)) for hour in range(3)]
    first = api.get(f"{REPORTS}?pageSize=2", coordinator)
    assert [item["received_at"] for item in ok(first)] == ["2026-03-01T03:00:00+01:00", "2026-03-01T02:00:00+01:00"]
    assert json.loads(first.headers["X-Pagination"]).items() >= {"total": 3, "page": 1, "next_page": 2}.items()
    assert len(ok(api.get(f"{REPORTS}?page=2&pageSize=2", coordinator))) == 1
    assert ok(api.get(f"{REPORTS}?page=9", coordinator)) == []  # past the end: empty, so a paging client stops
    last = api.get(f"{REPORTS}?page=1000000&pageSize=100", coordinator)  # the largest page any list takes
    assert ok(last) == [] and json.loads(last.headers["X-Pagination"])["last_page"] == 1


def test_the_list_filters_on_status_channel_and_whole_amsterdam_days(api, make):
    coordinator, intake = make.user("coordinator"), make.user("intake")
    own = make.report(registered_by_id=intake.id, received_at=datetime(2025, 1, 1, tzinfo=UTC))
    assert references(api.get(REPORTS, intake)) == [own.reference]  # intake: only what they registered
    referred, app_report = make.report("referred"), make.report(channel="app")
    assert references(api.get(f"{REPORTS}?status=referred", coordinator)) == [referred.reference]
    assert references(api.get(f"{REPORTS}?channel=app", coordinator)) == [app_report.reference]
    late = make.report(received_at=datetime(2026, 2, 1, 22, 59, tzinfo=UTC))   # 1 Feb 23:59 Amsterdam
    night = make.report(received_at=datetime(2026, 2, 1, 23, 30, tzinfo=UTC))  # 2 Feb 00:30 Amsterdam
    assert references(api.get(f"{REPORTS}?receivedFrom=2026-02-01&receivedTo=2026-02-01", coordinator)) == [
        late.reference]
    assert references(api.get(f"{REPORTS}?receivedFrom=2026-02-02&receivedTo=2026-02-28", coordinator)) == [
        night.reference]


@pytest.mark.parametrize(("query", "field"), [
    ("pageSize=101", "pageSize"), ("page=0", "page"), ("status=open", "status"), ("channel=fax", "channel"),
    ("receivedFrom=1-3-2026", "receivedFrom"), ("receivedFrom=2026-03-02&receivedTo=2026-03-01", "receivedTo"),
    ("page_size=10", "page_size"), ("pageSize=NaN", "pageSize"),
    ("page=" + "4" * 40, "page"), ("page=" + "9" * 5000, "page"), ("page=1000001", "page"), ("page=-1", "page"),
    ("page=abc", "page"), ("page=", "page"), ("page=1e3", "page"), ("pageSize=" + "4" * 40, "pageSize"),
])
def test_bad_filters_are_422_naming_the_key(api, make, query, field):
    problem(api.get(f"{REPORTS}?{query}", make.user("coordinator")), 422, field)


def test_the_detail_shows_reporter_and_address_history_and_is_audited(api, client_as, make, db):
    coordinator = make.user("coordinator")
    earlier = make.report("escalated", received_at=datetime(2025, 6, 1, 10, tzinfo=UTC))
    report = make.report()
    response = api.get(f"{REPORTS}/{report.reference}", coordinator)
    body = ok(response)
    assert response.headers["ETag"] == f'"{report.version}"'
    assert (body["reference"], body["received_at"], body["channel"], body["status"], body["category"]) == (
        report.reference, "2026-03-01T13:00:00+01:00", "phone", "received", "geluidsoverlast")
    assert body["triage"] is None and body["location"]["postcode"] == "5611AB" and body["location"]["house_number"] == 1
    assert body["reporter"] == {"anonymous": False, "name": "Jan Jansen", "email": None, "phone": "0612345678",
                                "may_contact": True}
    assert body["address_signal"] == {"earlier_reports": 1, "has_open_case": True}
    assert body["address_history"] == [{
        "reference": earlier.reference, "received_at": "2025-06-01T12:00:00+02:00", "status": "escalated",
        "category": "geluidsoverlast", "case": {"reference": earlier.case.reference, "status": "open"}}]
    assert body["address_open_case"]["reference"] == earlier.case.reference
    assert audit(db, report.reference) == ["view"]
    assert ok(client_as(user=coordinator).get(f"{REPORTS}/{report.reference}")) == body  # the pages' login works too


def test_intake_sees_its_own_reports_with_the_address_signal_only_and_no_others(api, make, db):
    intake = make.user("intake")
    make.report("escalated")
    own, other = make.report(registered_by_id=intake.id), make.report(registered_by_id=make.user("intake").id)
    body = ok(api.get(f"{REPORTS}/{own.reference}", intake))
    assert body["reporter"]["name"] == "Jan Jansen"
    assert body["address_signal"] == {"earlier_reports": 2, "has_open_case": True}
    assert body["address_history"] is None and body["address_open_case"] is None
    problem(api.get(f"{REPORTS}/{other.reference}", intake), 403)
    assert audit(db, other.reference, outcome="denied") == ["view"]


def test_unknown_references_paths_and_methods_are_problem_json(api, make):
    coordinator = make.user("coordinator")
    problem(api.get(f"{REPORTS}/GDT-0000-000000", coordinator), 404)
    problem(api.get(f"{CASES}/GDT-0000-000000", coordinator), 404)
    problem(api.post(f"{CASES}/GDT-0000-000000/mode", coordinator, {"mode": "regie"}), 404)
    problem(api.get("/api/v1/nergens", coordinator), 404)
    problem(api.client.delete(REPORTS), 405)


def _every_operation(report, case):
    return [("get", REPORTS, None), ("get", f"{REPORTS}/{report.reference}", None),
            ("post", f"{REPORTS}/{report.reference}/triage", {"outcome": "escalated"}),
            ("get", f"{CASES}/{case.reference}", None), ("post", f"{CASES}/{case.reference}/mode", {"mode": "regie"}),
            ("post", f"{CASES}/{case.reference}/close", {"result": "stopped"})]


@pytest.mark.parametrize(("role", "first"), [("manager", 0), ("admin", 0), ("intake", 2)])
def test_roles_without_need_to_know_get_403(api, make, db, role, first):
    """Managers and admins see no personal data at all; intake neither triages nor sees cases."""
    user, case = make.user(role), make.case()
    report = make.report(registered_by_id=user.id)
    for method, url, body in _every_operation(report, case)[first:]:
        problem(api.call(method, url, user, body), 403)
    assert snapshot(db, report)[:2] == ("received", 1) and (case.status, case.mode) == ("open", None)


def test_without_a_token_the_answer_is_401(api, make):
    for method, url, body in _every_operation(make.report(), make.case()):
        response = api.call(method, url, None, body)
        problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_tokens_tokens_of_deactivated_users_and_malformed_ones_are_401(api, make):
    revoked, deactivated = make.user("coordinator"), make.user("coordinator")
    tokens_of = {user: tokens.issue_user_token(user, actor=None) for user in (revoked, deactivated)}
    assert ok(api.client.get(REPORTS, headers={"Authorization": f"Bearer {tokens_of[revoked]}"})) == []
    tokens.revoke_user_tokens(revoked, actor=None)
    users.set_user_active(deactivated, False, actor=None)
    for header in [f"Bearer {token}" for token in tokens_of.values()] + [
            "Bearer gdtu_bestaat-niet", "Basic abc", f"Bearer {'x' * 500}"]:
        problem(api.client.get(REPORTS, headers={"Authorization": header}), 401)


def test_refer_through_the_api_does_exactly_what_the_page_does(api, client_as, make, db):
    coordinator = make.user("coordinator")
    by_page, by_api = make.report(), make.report()
    page = client_as(user=coordinator).post(f"/reports/{by_page.reference}/refer", data={
        "refer-partner": "politie", "refer-reason": "Bedreiging van buren", "refer-question": "Graag langsgaan.",
        "refer-version": "1"})
    assert page.status_code == 302
    body = ok(api.post(f"{REPORTS}/{by_api.reference}/triage", coordinator,
                       {"outcome": "referred", "partner": "politie", "reason": "Bedreiging van buren",
                        "question": "Graag langsgaan."}))
    assert body == {"reference": by_api.reference, "status": "referred", "outcome": "referred",
                    "partner": "politie", "case": None}
    db.session.expire_all()

    def outcome(report):
        return ((report.status, report.triage_outcome, report.triage_reason, report.referred_partner.key,
                 report.triaged_by_id, report.version),
                [(e.event, e.from_status, e.to_status, e.actor_id, e.detail) for e in report.events],
                audit(db, report.reference))

    assert outcome(by_api) == outcome(by_page) and outcome(by_api)[2] == ["view", "refer"]
    assert by_api.referrals[0].question == by_page.referrals[0].question == "Graag langsgaan."
    shown = ok(api.get(f"{REPORTS}/{by_api.reference}", coordinator))
    assert shown["triage"] | {"triaged_at": None} == {"outcome": "referred", "reason": "Bedreiging van buren",
                                                      "partner": "politie", "triaged_by": coordinator.name,
                                                      "triaged_at": None}
    assert [(e["event"], e["to_status"], e["actor"]) for e in shown["history"]] == [
        ("refer", "referred", coordinator.name)]


def test_escalation_answers_with_the_new_case(api, make, db):
    coordinator, report = make.user("coordinator"), make.report()
    response = api.post(f"{REPORTS}/{report.reference}/triage", coordinator,
                        {"outcome": "escalated", "reason": "Dreiging"}, **{"If-Match": '"1"'})
    db.session.expire_all()
    assert ok(response)["case"] == {"reference": report.case.reference, "status": "open"}
    assert response.headers["ETag"] == '"2"' and report.version == 2
    assert [e.event for e in report.events] == ["escalate"] and audit(db, report.reference) == ["view", "escalate"]
    assert audit(db, report.case.reference) == ["create"]


@pytest.mark.parametrize(("body", "field"), [
    ({"outcome": "referred", "partner": "bestaat-niet"}, "partner"), ({"outcome": "referred"}, "partner"),
    ({"outcome": "referred", "partner": "ggz-oud"}, "partner"),  # an inactive partner
    ({}, "outcome"), ({"partner": "politie"}, "outcome"), ({"outcome": "doorverwezen"}, "outcome"),
    ({"outcome": 1}, "outcome"), ({"outcome": None}, "outcome"),
    ({"outcome": "referred", "partner": "politie", "priority": "hoog"}, "priority"),
    ({"outcome": "referred", "partner": ["politie"]}, "partner"),
    ({"outcome": "referred", "partner": "politie", "reason": 5}, "reason"),
    ({"outcome": "referred", "partner": "politie", "reason": "x" * 2001}, "reason"),
    ({"outcome": "escalated", "partner": "politie"}, "partner"),
    ({"outcome": "referred", "partner": "politie", "question": "x" * 1001}, "question"),
    ({"outcome": "referred", "partner": "politie", "question": ["x"]}, "question"),
    ({"outcome": "escalated", "question": "Graag langsgaan."}, "question"),
])
def test_refused_triage_is_422_naming_the_field_and_changes_nothing(api, make, db, body, field):
    make.partner("ggz-oud", is_active=False)
    coordinator, report = make.user("coordinator"), make.report()
    before = snapshot(db, report)
    raw = body if isinstance(body, str) else None
    problem(api.post(f"{REPORTS}/{report.reference}/triage", coordinator, body, raw=raw), 422, field)
    assert snapshot(db, report) == before


@pytest.mark.parametrize("raw", ["{outcome", '{"outcome": NaN}', '{"outcome": "escalated", "reason": NaN}',
                                 '[{"outcome": "escalated"}]', '{"outcome": "escalated", "outcome": "referred"}'])
def test_a_body_that_is_not_strict_json_is_400_problem_json_and_changes_nothing(api, make, db, raw):
    coordinator, report = make.user("coordinator"), make.report()
    before = snapshot(db, report)
    problem(api.post(f"{REPORTS}/{report.reference}/triage", coordinator, raw=raw), 400)
    assert snapshot(db, report) == before


def test_a_stale_if_match_is_412_and_changes_nothing(api, make, db):
    coordinator, report, case = make.user("coordinator"), make.report(), make.case()
    before = snapshot(db, report)
    for tag in ('"0"', '"2"', 'W/"1"', "onzin"):
        problem(api.post(f"{REPORTS}/{report.reference}/triage", coordinator, {"outcome": "escalated"},
                         **{"If-Match": tag}), 412)
    assert snapshot(db, report) == before
    cases.decide_mode(case, "advice", actor=make.user("coordinator"), seen_version=1)  # a colleague was quicker
    problem(api.post(f"{CASES}/{case.reference}/close", coordinator, {"result": "stopped"}, **{"If-Match": '"1"'}), 412)
    db.session.expire_all()
    assert (case.status, case.mode, case.version, len(case.events)) == ("open", "advice", 2, 1)


def test_case_detail_mode_and_close(api, make, db):
    coordinator, report = make.user("coordinator"), make.report("escalated")
    case = report.case
    shown = api.get(f"{CASES}/{case.reference}", coordinator)
    body = ok(shown)
    assert shown.headers["ETag"] == '"1"' and [r["reference"] for r in body["reports"]] == [report.reference]
    assert (body["status"], body["mode"], body["source"]) == ("open", None, "report")
    decided = api.post(f"{CASES}/{case.reference}/mode", coordinator, {"mode": "regie"}, **{"If-Match": '"1"'})
    assert ok(decided)["mode"] == "regie" and decided.headers["ETag"] == '"2"'
    closed = ok(api.post(f"{CASES}/{case.reference}/close", coordinator,
                         {"result": "de-escalated", "note": "Rust teruggekeerd"}))
    assert (closed["status"], closed["result"], closed["result_note"]) == (
        "closed", "de-escalated", "Rust teruggekeerd")
    assert closed["closed_at"] and [e["event"] for e in closed["history"]] == ["decide_mode", "close"]
    assert audit(db, case.reference) == ["view", "view", "decide_mode", "view", "close"]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("mode", {"mode": "beide"}, "mode"), ("mode", {}, "mode"), ("mode", {"mode": "regie", "extra": 1}, "extra"),
    ("close", {"result": "imported"}, "result"), ("close", {}, "result"), ("close", {"result": True}, "result"),
    ("close", {"result": "stopped", "note": 3}, "note"), ("close", {"result": "stopped", "note": "x" * 2001}, "note"),
])
def test_refused_case_changes_are_422_and_change_nothing(api, make, db, path, body, field):
    coordinator, case = make.user("coordinator"), make.case()
    problem(api.post(f"{CASES}/{case.reference}/{path}", coordinator, body), 422, field)
    db.session.expire_all()
    assert (case.status, case.mode, case.version, case.events) == ("open", None, 1, [])


def test_a_step_the_workflow_does_not_allow_is_409_and_changes_nothing(api, make, db):
    coordinator, report, case = make.user("coordinator"), make.report("referred"), make.case("closed")
    problem(api.post(f"{REPORTS}/{report.reference}/triage", coordinator, {"outcome": "escalated"}), 409)
    problem(api.post(f"{CASES}/{case.reference}/mode", coordinator, {"mode": "regie"}), 409)
    problem(api.post(f"{CASES}/{case.reference}/close", coordinator, {"result": "handed-over-zvh"}), 409)
    db.session.expire_all()
    assert (report.status, report.case_id, case.mode, case.result) == ("referred", None, None, "de-escalated")
