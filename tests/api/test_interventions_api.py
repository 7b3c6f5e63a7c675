"""Interventions in the staff API: the ladder, a case's interventions, recording, the next step, and refusals."""
from datetime import date

import pytest
import sqlalchemy as sa

from gdt.models.interventions import Intervention
from gdt.services.casework import cases
from gdt.services.core import teams
from gdt.services.documents import store
from tests import document_files as documents
from tests.api.test_casework_api import created
from tests.api.test_staff_api import audit, ok, problem
from tests.interventions import add_default_types

CASES, INTERVENTIONS = "/api/v1/cases", "/api/v1/interventions"
DAY = date(2026, 3, 2)


@pytest.fixture
def coordinator(db, make):
    add_default_types(db.session)
    return make.user("coordinator")


@pytest.fixture
def case(make, coordinator):
    make.partner("buurtbemiddeling")
    case = make.case()
    cases.involve_partner(case, "buurtbemiddeling", "Bemiddelaar", actor=coordinator, seen_version=case.version)
    return case


def letter(case, coordinator):
    return store.add_document(case, document_type="besluit", title="Besluit gedragsaanwijzing", document_date=DAY,
                              visible_to_partners=False, data=documents.pdf(), filename="besluit.pdf",
                              actor=coordinator)


def test_the_ladder_lists_the_active_rungs_in_order(api, coordinator):
    rungs = ok(api.get("/api/v1/intervention-types", coordinator))
    assert [rung["code"] for rung in rungs][:3] == ["gesprek", "buurtbemiddeling", "zorgtoeleiding"]
    assert rungs[5] == {"code": "gedragsaanwijzing", "name": "Gedragsaanwijzing",
                        "legal_ground": "art. 151d Gemeentewet", "formal": True, "position": 60}


def test_record_list_and_step_up_to_a_behavioural_order(api, db, case, coordinator):
    mediation = created(api.post(f"{CASES}/{case.reference}/interventions", coordinator, {
        "type": "buurtbemiddeling", "status": "in_force", "proposed_on": "2026-03-02", "decided_on": "2026-03-03",
        "decided_by": "coordinator", "in_force_on": "2026-03-05", "partner": "buurtbemiddeling"}), INTERVENTIONS)
    assert mediation | {"id": None} == {
        "id": None, "case": {"reference": case.reference, "status": "open"},
        "type": {"code": "buurtbemiddeling", "name": "Buurtbemiddeling", "formal": False}, "status": "in_force",
        "legal_ground": None, "decided_by": "coordinator", "proposed_on": "2026-03-02", "decided_on": "2026-03-03",
        "in_force_on": "2026-03-05", "ended_on": None, "partner": "buurtbemiddeling", "outcome": None,
        "outcome_note": None, "document_id": None, "allowed_steps": ["end", "withdraw"], "version": 1}

    order = created(api.post(f"{CASES}/{case.reference}/interventions", coordinator, {
        "type": "gedragsaanwijzing", "status": "proposed", "proposed_on": "2026-03-10"}), INTERVENTIONS)
    refused = problem(api.post(f"{INTERVENTIONS}/{order['id']}/steps", coordinator, {
        "event": "decide", "on": "2026-03-12", "decided_by": "mayor", "version": order["version"]}), 422,
        "document_id")
    assert "besluitbrief" in refused["detail"]
    decision = letter(case, coordinator)
    decided = ok(api.post(f"{INTERVENTIONS}/{order['id']}/steps", coordinator, {
        "event": "decide", "on": "2026-03-12", "decided_by": "mayor", "document_id": decision.id,
        "version": order["version"]}))
    assert (decided["status"], decided["document_id"], decided["allowed_steps"]) == (
        "decided", decision.id, ["take_effect", "end", "withdraw"])

    listed = ok(api.get(f"{CASES}/{case.reference}/interventions", coordinator))
    assert listed["highest_climbed"] == "gedragsaanwijzing"
    assert [row["type"]["code"] for row in listed["interventions"]] == ["buurtbemiddeling", "gedragsaanwijzing"]
    assert ok(api.get(f"{INTERVENTIONS}/{order['id']}", coordinator)) == decided
    assert {"record_intervention", "intervention_decide", "view_intervention"} <= set(audit(db, case.reference))


def test_bad_input_names_the_members_and_stores_nothing(api, db, case, coordinator):
    problem(api.post(f"{CASES}/{case.reference}/interventions", coordinator, {
        "type": "ontruiming", "status": "decided", "proposed_on": "2026-03-05", "decided_on": "2026-03-01",
        "decided_by": "coordinator", "partner": "politie"}), 422, "type", "decided_on", "partner")
    problem(api.post(f"{CASES}/{case.reference}/interventions", coordinator, {
        "type": "gesprek", "status": "begonnen", "proposed_on": "2 maart", "kleur": "rood"}), 422,
        "status", "proposed_on", "kleur")
    problem(api.post(f"{CASES}/{case.reference}/interventions", coordinator, {
        "type": "gesprek", "status": "proposed", "proposed_on": "2026-03-02", "document_id": 0}), 422, "document_id")
    assert db.session.scalar(sa.select(sa.func.count(Intervention.id))) == 0


def test_the_later_steps_up_to_the_end_with_its_outcome(api, db, case, coordinator):
    talk = created(api.post(f"{CASES}/{case.reference}/interventions", coordinator, {
        "type": "gesprek", "status": "decided", "proposed_on": "2026-03-02", "decided_on": "2026-03-02",
        "decided_by": "coordinator"}), INTERVENTIONS)
    started = ok(api.post(f"{INTERVENTIONS}/{talk['id']}/steps", coordinator, {
        "event": "take_effect", "on": "2026-03-04", "version": talk["version"]}))
    problem(api.post(f"{INTERVENTIONS}/{talk['id']}/steps", coordinator, {
        "event": "end", "on": "2026-03-05", "version": started["version"]}), 422, "outcome")
    ended = ok(api.post(f"{INTERVENTIONS}/{talk['id']}/steps", coordinator, {
        "event": "end", "on": "2026-03-05", "outcome": "effective", "note": "Afspraken worden nagekomen.",
        "version": started["version"]}))
    assert (ended["status"], ended["in_force_on"], ended["ended_on"], ended["outcome"], ended["outcome_note"],
            ended["allowed_steps"]) == ("ended", "2026-03-04", "2026-03-05", "effective",
                                        "Afspraken worden nagekomen.", [])
    assert {"intervention_take_effect", "intervention_end"} <= set(audit(db, case.reference))


def test_a_step_dated_before_the_one_before_names_on(api, db, case, coordinator):
    talk = created(api.post(f"{CASES}/{case.reference}/interventions", coordinator, {
        "type": "gesprek", "status": "decided", "proposed_on": "2026-03-02", "decided_on": "2026-03-03",
        "decided_by": "coordinator"}), INTERVENTIONS)
    problem(api.post(f"{INTERVENTIONS}/{talk['id']}/steps", coordinator, {
        "event": "end", "on": "2026-03-01", "outcome": "effective", "version": talk["version"]}), 422, "on")
    problem(api.post(f"{INTERVENTIONS}/{talk['id']}/steps", coordinator, {
        "event": "withdraw", "version": talk["version"]}), 422, "on")
    db.session.expire_all()
    assert db.session.get(Intervention, talk["id"]).status == "decided"


def test_a_stale_or_impossible_step_is_409(api, db, case, coordinator):
    talk = created(api.post(f"{CASES}/{case.reference}/interventions", coordinator, {
        "type": "gesprek", "status": "proposed", "proposed_on": "2026-03-02"}), INTERVENTIONS)
    impossible = problem(api.post(f"{INTERVENTIONS}/{talk['id']}/steps", coordinator, {
        "event": "end", "on": "2026-03-03", "outcome": "effective", "version": talk["version"]}), 409)
    assert impossible["detail"]
    problem(api.post(f"{INTERVENTIONS}/{talk['id']}/steps", coordinator, {
        "event": "decide", "on": "2026-03-03", "decided_by": "coordinator", "version": talk["version"] + 1}), 409)
    db.session.expire_all()
    assert db.session.get(Intervention, talk["id"]).status == "proposed"


def test_a_closed_case_keeps_its_interventions(api, make, coordinator):
    closed = make.case(status="closed")
    problem(api.post(f"{CASES}/{closed.reference}/interventions", coordinator, {
        "type": "gesprek", "status": "proposed", "proposed_on": "2026-03-02"}), 409)
    assert ok(api.get(f"{CASES}/{closed.reference}/interventions", coordinator)) == {
        "highest_climbed": None, "interventions": []}


def test_others_are_refused(api, make, case, coordinator):
    talk = created(api.post(f"{CASES}/{case.reference}/interventions", coordinator, {
        "type": "gesprek", "status": "proposed", "proposed_on": "2026-03-02"}), INTERVENTIONS)
    for role in ("intake", "manager"):
        problem(api.get(f"{INTERVENTIONS}/{talk['id']}", make.user(role)), 403)
        problem(api.get(f"{CASES}/{case.reference}/interventions", make.user(role)), 403)
    problem(api.get("/api/v1/intervention-types", make.user("intake")), 403)
    problem(api.get(f"{INTERVENTIONS}/2147483647", coordinator), 404)
    problem(api.post(f"{INTERVENTIONS}/2147483647/steps", coordinator, {
        "event": "decide", "on": "2026-03-03", "decided_by": "coordinator", "version": 1}), 404)
    problem(api.get(f"{CASES}/GDT-2026-999999/interventions", coordinator), 404)
    problem(api.post(f"{CASES}/GDT-2026-999999/interventions", coordinator, {
        "type": "gesprek", "status": "proposed", "proposed_on": "2026-03-02"}), 404)


def test_a_coordinator_of_another_team_is_refused_and_audited(api, db, make, coordinator):
    north, south = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    case = make.case(coordinator=north)
    talk = created(api.post(f"{CASES}/{case.reference}/interventions", north, {
        "type": "gesprek", "status": "proposed", "proposed_on": "2026-03-02"}), INTERVENTIONS)
    teams.set_restricted(True, actor=make.user("admin"))
    problem(api.get(f"{CASES}/{case.reference}/interventions", south), 403)
    problem(api.post(f"{CASES}/{case.reference}/interventions", south, {
        "type": "gesprek", "status": "proposed", "proposed_on": "2026-03-02"}), 403)
    problem(api.get(f"{INTERVENTIONS}/{talk['id']}", south), 403)
    problem(api.post(f"{INTERVENTIONS}/{talk['id']}/steps", south, {
        "event": "withdraw", "on": "2026-03-03", "note": "Dubbel.", "version": talk["version"]}), 403)
    assert "view_intervention" in audit(db, case.reference, outcome="denied")
    assert ok(api.get(f"{INTERVENTIONS}/{talk['id']}", north))["status"] == "proposed"
