"""The staff API for the resident's logbook (gdt.api.resident_logbook): coordinators only, audited reads, the
files linked to the pages' audited routes, and the documented answers on real records (schemathesis)."""
from datetime import timedelta

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from gdt.models import AuditEvent
from gdt.services.core import tokens
from gdt.services.resident import logbook
from tests import attachment_files as files
from tests import dates
from tests.api.test_staff_api import ok, problem


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def report(app, make):
    report = make.report("referred")
    with app.test_request_context():
        earlier = (dates.today() - timedelta(days=30)).strftime("%d-%m-%Y")  # typed the Dutch way
        logbook.add_entry(report, logbook.EntryInput(happened_on=earlier, text="Eerste keer."), [])
        logbook.add_entry(report, logbook.EntryInput(happened_on=dates.today().isoformat(), happened_at="23:05",
                                                     duration_minutes="40", text="Weer gebonk."),
                          [("gang.jpg", files.jpeg_with_gps())], ("gang.ogg", files.ogg()))
    return report


def url(report):
    return f"/api/v1/reports/{report.reference}/logbook"


def test_a_coordinator_reads_the_entries_with_their_files(api, db, report, coordinator):
    response = api.get(url(report), coordinator)
    latest, first = ok(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert (latest["happened_at"], latest["duration_minutes"], latest["text"]) == ("23:05", 40, "Weer gebonk.")
    earlier = (dates.today() - timedelta(days=30)).isoformat()
    assert (first["happened_on"], first["happened_at"], first["files"]) == (earlier, None, [])
    photo, sound = sorted(latest["files"], key=lambda file: file["kind"], reverse=True)
    assert photo["url"] == f"/reports/{report.reference}/attachments/{photo['id']}"
    assert photo["thumbnail_url"] == f"{photo['url']}/thumbnail" and sound["thumbnail_url"] is None
    assert (photo["content_type"], sound["content_type"]) == ("image/jpeg", "audio/ogg")
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_ref == report.reference))
    assert {"view", "view_resident_logbook"} <= set(actions)


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "archivist", "privacy", "partner"])
def test_other_roles_are_refused(api, make, report, role):
    problem(api.get(url(report), make.user(role)), 403)


def test_an_unknown_report(api, coordinator):
    problem(api.get("/api/v1/reports/GDT-BESTAAT-NIET/logbook", coordinator), 404)


def test_generated_requests_on_real_records_answer_as_documented(app, db, report, coordinator):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    header = {"Authorization": f"Bearer {tokens.issue_user_token(coordinator, actor=None)}"}
    checks_ = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
               checks.response_schema_conformance, checks.response_headers_conformance]
    operation = schema["/api/v1/reports/{reference}/logbook"]["GET"]

    @given(generated=operation.as_strategy())
    @settings(max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def check(generated):
        generated.path_parameters = {"reference": report.reference}
        generated.call_and_validate(headers=header, checks=checks_)

    check()
