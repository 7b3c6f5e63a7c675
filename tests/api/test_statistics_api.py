"""GET /api/v1/statistics/{year}: the statistics document for managers and coordinators, problem+json otherwise."""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM, utcnow
from gdt.models import AuditEvent
from gdt.services.reporting import statistics
from tests.services.test_statistics import build_2026


@pytest.mark.parametrize("role", ["manager", "coordinator"])
def test_managers_and_coordinators_get_the_document(client_as, make, role):
    build_2026(make)
    response = client_as(role).get("/api/v1/statistics/2026")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["API-Version"]
    assert response.get_json() == statistics.yearly_statistics(2026)
    assert list(response.get_json()) == ["year", "reports", "triage", "gdt"]  # the documented order


def test_the_api_answers_what_the_command_prints(client_as, make):
    build_2026(make)
    response = client_as("manager").get("/api/v1/statistics/2026")
    assert response.get_data(as_text=True) == statistics.render(statistics.yearly_statistics(2026), "json")


def test_every_read_is_audited(client_as, make, db):
    manager = make.user("manager")
    make.report(received_at=datetime(2025, 5, 1, tzinfo=UTC))
    client_as(user=manager).get("/api/v1/statistics/2025")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "statistics"))
    assert (event.actor_id, event.action, event.object_ref, event.outcome) == (manager.id, "view", "2025", "ok")


@pytest.mark.parametrize("role", ["intake", "admin"])
def test_other_roles_get_403_problem_json(client_as, role):
    response = client_as(role).get("/api/v1/statistics/2026")
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 403
    assert response.headers["API-Version"]


def test_without_login_the_answer_is_401_problem_json(app, db):
    response = app.test_client().get("/api/v1/statistics/2026")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401
    assert response.headers["API-Version"]


@pytest.mark.parametrize("year", ["0", "1899", "3000"])
def test_impossible_years_are_404_problem_json(client_as, year):
    response = client_as("manager").get(f"/api/v1/statistics/{year}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404
    assert response.headers["API-Version"]


def test_years_outside_the_data_are_404_and_the_answer_names_the_range(client_as, make):
    make.report(received_at=datetime(2024, 5, 1, tzinfo=UTC))
    client = client_as("manager")
    this_year = utcnow().astimezone(AMSTERDAM).year
    for year in (1999, 2023, this_year + 1):
        response = client.get(f"/api/v1/statistics/{year}")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
        assert f"Kies een jaar van 2024 tot en met {this_year}." in response.get_json()["detail"]
    for year in range(2024, this_year + 1):
        assert client.get(f"/api/v1/statistics/{year}").status_code == 200


def test_the_openapi_document_describes_the_404(client_as):
    spec = client_as("manager").get("/api/v1/openapi.json").get_json()
    answers = spec["paths"]["/api/v1/statistics/{year}"]["get"]["responses"]
    assert "eerste jaar met een melding" in answers["404"]["description"]
    assert "nullen" in answers["200"]["description"]


@pytest.mark.parametrize("year", ["-1", "twenty"])
def test_years_that_are_no_number_are_404_problem_json(client_as, year):
    response = client_as("manager").get(f"/api/v1/statistics/{year}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_unknown_api_paths_are_problem_json_with_the_version_header(app, db):
    response = app.test_client().get("/api/v1/statistics/twenty")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.headers["API-Version"]
