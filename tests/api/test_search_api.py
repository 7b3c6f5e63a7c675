"""`GET /api/v1/search?q=` with a personal (staff) token: the page's service, need-to-know and audit; problem+json
for bad input; documented in the OpenAPI document."""
import logging

import pytest
import sqlalchemy as sa

from gdt.log_filters import mask_link_tokens
from gdt.models import AuditEvent, CaseParty


@pytest.fixture
def world(make):
    case = make.case(reference="GDT-2026-000100")
    make.session.add(CaseParty(case=case, name="Marieke Dijkstra", role="subject"))
    make.report(reference="GDT-2026-000001", description="Rookoverlast uit de schoorsteen.",
                reporter_email="buur@example.nl")
    make.session.commit()


def _problem(response, status, *names):
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert {param["name"] for param in response.get_json().get("invalidParams", [])} >= set(names)


def test_a_coordinator_searches_with_a_token(api, make, world, db):
    coordinator = make.user("coordinator")
    response = api.get("/api/v1/search?q=rookoverlast", coordinator)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    [hit] = body["reports"]
    assert (body["kind"], hit["key"], hit["matched_on"], hit["linked"]) == ("words", "GDT-2026-000001",
                                                                            "Omschrijving", True)
    assert [part["text"] for part in hit["snippet"] if part["matched"]] == ["Rookoverlast"]
    assert body["cases"] == [] and body["people"] == []
    assert [hit["key"] for hit in api.get("/api/v1/search?q=Dijkstr&perGroup=5", coordinator).get_json()["cases"]] \
        == ["GDT-2026-000100"]
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "search")).all()
    assert [event.detail["terms"] for event in events] == ["rookoverlast", "Dijkstr"]


def test_need_to_know_holds_in_the_api(api, make, world):
    assert api.get("/api/v1/search?q=rookoverlast", make.user("intake")).get_json()["reports"] == []
    assert api.get("/api/v1/search?q=Dijkstra", make.user("partner")).get_json()["cases"] == []
    for role in ("manager", "admin"):
        assert api.get("/api/v1/search?q=rookoverlast", make.user(role)).status_code == 403
    assert api.get("/api/v1/search?q=rookoverlast", None).status_code == 401


@pytest.mark.parametrize("query, name", [("", "q"), ("?q=", "q"), ("?q=a", "q"), ("?q=" + "x" * 201, "q"),
                                         ("?q=buur&perGroup=0", "perGroup"), ("?q=buur&sort=new", "sort")])
def test_bad_input_is_problem_json(api, make, world, db, query, name):
    _problem(api.get(f"/api/v1/search{query}", make.user("coordinator")), 422, name)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "search")) == 0


def test_it_is_in_the_openapi_document(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/search"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"q", "perGroup"}
    assert {"200", "401", "403", "422"} <= set(operation["responses"])


def test_the_terms_stay_out_of_the_request_logs(api, make, world, caplog):
    line = '127.0.0.1 - - "GET /api/v1/search?q=Marieke+Dijkstra&perGroup=5 HTTP/1.1" 200 -'
    assert "Dijkstra" not in mask_link_tokens(line) and "/api/v1/search?" in mask_link_tokens(line)
    with caplog.at_level(logging.DEBUG):
        api.get("/api/v1/search?q=Dijkstra", make.user("coordinator"))
    assert "Dijkstra" not in caplog.text
