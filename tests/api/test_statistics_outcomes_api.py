"""GET /api/v1/statistics/outcomes?year=: "Werkt het?" for managers and coordinators, problem+json otherwise."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services.reporting import outcomes
from tests.services.test_outcome_statistics import build_outcomes_2025


@pytest.mark.parametrize("role", ["manager", "coordinator"])
def test_managers_and_coordinators_get_the_outcomes(app, client_as, make, role):
    build_outcomes_2025(make)
    response = client_as(role).get("/api/v1/statistics/outcomes?year=2025")
    assert response.status_code == 200 and response.headers["API-Version"]
    body = response.get_json()
    with app.test_request_context():
        assert body == outcomes.yearly_outcomes(2025)
    assert body["interventions"]["items"][1] == {"key": "buurtbemiddeling", "label": "Buurtbemiddeling",
                                                 "count": None, "percent": None, "suppressed": True}
    assert body["recurrence"]["windows"][0] | {"too_recent": 0} == {
        "months": 6, "measured": 17, "recurred": 5, "suppressed": False, "percent": 29.4, "too_recent": 0}
    assert body["satisfaction"]["mean"] == 4.3


def test_every_read_is_audited(client_as, make, db):
    build_outcomes_2025(make)
    manager = make.user("manager")
    client_as(user=manager).get("/api/v1/statistics/outcomes?year=2025")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_ref == "2025:outcomes"))
    assert (event.actor_id, event.action, event.object_type) == (manager.id, "view", "statistics")


@pytest.mark.parametrize("role", ["intake", "admin", "partner"])
def test_other_roles_get_403(client_as, make, role):
    build_outcomes_2025(make)
    response = client_as(role).get("/api/v1/statistics/outcomes?year=2025")
    assert response.status_code == 403 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("query, status", [("", 422), ("?year=twee", 422), ("?year=2025&extra=1", 422),
                                           ("?year=1999", 404)])
def test_a_missing_or_impossible_year_is_a_problem(client_as, make, query, status):
    build_outcomes_2025(make)
    response = client_as("manager").get(f"/api/v1/statistics/outcomes{query}")
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_the_openapi_document_describes_it(client_as):
    spec = client_as("manager").get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/statistics/outcomes"]["get"]
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
    assert operation["parameters"][0]["name"] == "year"
