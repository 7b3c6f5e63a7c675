"""POST /api/v1/meetings/{id}/move: the coordinator moves a planned meeting through the service the pages use."""
import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM
from gdt.models import OutboxMessage
from gdt.services.casework import cases, meetings
from tests.api.test_casework_api import MEETINGS, later, state
from tests.api.test_staff_api import audit, ok, problem

PATH = "/api/v1/meetings/{id}/move"


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def case(make, coordinator):
    make.partner("politie")
    case = make.case()
    cases.involve_partner(case, "politie", "Wijkagent", actor=coordinator, seen_version=case.version)
    return case


@pytest.fixture
def meeting(db, case, coordinator):
    with db.session.no_autoflush:  # as in tests/api/test_casework_api.py
        return meetings.plan(case, later(), "Stadskantoor, zaal 3", ["politie"], ["Jan Jansen"], actor=coordinator)


def moves(db):
    return [message.payload for message in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))
            if message.payload.get("moved")]


def test_moving_answers_the_meeting_at_its_new_moment_and_place(api, db, case, meeting, coordinator):
    starts = later(days=10)
    body = ok(api.post(f"{MEETINGS}/{meeting.id}/move", coordinator,
                       {"starts_at": starts.isoformat(), "location": "Wijkcentrum", "version": 1}))
    assert (body["status"], body["location"], body["version"]) == ("planned", "Wijkcentrum", 2)
    assert body["starts_at"] == starts.astimezone(AMSTERDAM).isoformat()
    assert "move_meeting" in audit(db, case.reference)
    assert moves(db) == [{"meeting_id": meeting.id, "partner_id": meeting.invitees[0].partner_id, "moved": True}]


def test_a_stale_version_or_a_cancelled_meeting_is_409_and_changes_nothing(api, db, case, meeting, coordinator):
    before = state(db, case)
    for version in (0, 2):
        problem(api.post(f"{MEETINGS}/{meeting.id}/move", coordinator,
                         {"starts_at": later(days=10).isoformat(), "location": "Elders", "version": version}), 409)
    assert state(db, case) == before
    meetings.cancel(meeting, "Ziek", actor=coordinator, seen_version=1)
    problem(api.post(f"{MEETINGS}/{meeting.id}/move", coordinator,
                     {"starts_at": later(days=10).isoformat(), "location": "Elders", "version": 2}), 409)
    assert moves(db) == []


def test_bad_input_is_422_or_400_problem_json_and_changes_nothing(api, db, case, meeting, coordinator):
    before = state(db, case)
    url = f"{MEETINGS}/{meeting.id}/move"
    problem(api.post(url, coordinator, {"starts_at": "2020-01-01T10:00:00+01:00", "location": "Elders",
                                        "version": 1}), 422, "starts_at")
    problem(api.post(url, coordinator, {"starts_at": "morgen", "location": "Elders", "version": 1}), 422, "starts_at")
    problem(api.post(url, coordinator, {"starts_at": later().isoformat(), "location": " ", "version": 1}), 422,
            "location")
    problem(api.post(url, coordinator, {"starts_at": later().isoformat(), "location": "Elders"}), 422, "version")
    problem(api.post(url, coordinator, {"starts_at": later().isoformat(), "location": "Elders", "version": 1,
                                        "partners": []}), 422, "partners")
    problem(api.post(url, coordinator, raw="{starts_at"), 400)
    assert state(db, case) == before and moves(db) == []


def test_only_coordinators_move(api, db, make, case, meeting):
    before = state(db, case)
    body = {"starts_at": later(days=10).isoformat(), "location": "Elders", "version": 1}
    for role in ("intake", "manager", "admin"):
        problem(api.post(f"{MEETINGS}/{meeting.id}/move", make.user(role), body), 403)
    assert problem(api.post(f"{MEETINGS}/{meeting.id}/move", None, body), 401)
    problem(api.post(f"{MEETINGS}/999999/move", make.user("coordinator"), body), 404)
    assert state(db, case) == before


def test_the_openapi_document_describes_the_move(app):
    operation = app.test_client().get("/api/v1/openapi.json").get_json()["paths"][PATH]["post"]
    assert operation["summary"] == "Overleg verplaatsen" and operation["tags"] == ["api_casework"]
    errors = {int(code) for code in operation["responses"] if code[0] in "45"}
    assert errors == {400, 401, 403, 404, 409, 413, 415, 422}
    assert all(list(operation["responses"][str(code)]["content"]) == ["application/problem+json"] for code in errors)
