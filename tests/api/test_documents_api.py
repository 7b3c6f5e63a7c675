"""Case documents in the staff API (gdt.api.documents): list, upload, versions, audited downloads, partner tokens."""
import io
from datetime import date

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from gdt.models import AuditEvent, CasePartner
from gdt.services.core import tokens
from gdt.services.documents import store
from tests import document_files as documents
from tests.api.test_staff_api import ok, problem

DAY = date(2026, 3, 2)
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {tokens.issue_user_token(user, actor=None)}"}


@pytest.fixture
def world(db, make):
    coordinator, case, other_case = make.user("coordinator"), make.case(), make.case()
    partner, stranger = make.user("partner", partner=make.partner("politie")), \
        make.user("partner", partner=make.partner("woningcorporatie"))
    make.session.add_all([CasePartner(case_id=case.id, partner_id=partner.partner_id),
                          CasePartner(case_id=other_case.id, partner_id=stranger.partner_id)])
    make.session.commit()
    shared, internal = (store.add_document(case, document_type="rapportage", title=title, document_date=DAY,
                                           visible_to_partners=visible, data=documents.pdf(), filename="a.pdf",
                                           actor=coordinator)
                        for title, visible in (("Gedeeld", True), ("Intern", False)))
    return {"coordinator": coordinator, "partner": partner, "stranger": stranger, "case": case,
            "shared": shared, "internal": internal}


def upload(client, url, user, **fields):
    return client.post(url, headers=bearer(user), content_type="multipart/form-data", data=fields)


def test_a_coordinator_uploads_lists_and_adds_a_version(app, world):
    client, coordinator, case = app.test_client(), world["coordinator"], world["case"]
    response = upload(client, f"/api/v1/cases/{case.reference}/documents", coordinator, document_type="besluit",
                      title="Besluit", document_date="2026-03-04", visible_to_partners="true",
                      file=(io.BytesIO(documents.docx()), "besluit.docx"))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/documents/{body['id']}"
    assert (body["case_reference"], body["document_type"], body["visible_to_partners"]) == (
        case.reference, "besluit", True)
    assert body["versions"][0]["content_url"] == f"/api/v1/documents/{body['id']}/versions/1/content"

    response = upload(client, f"/api/v1/documents/{body['id']}/versions", coordinator,
                      file=(io.BytesIO(documents.pdf()), "besluit-getekend.pdf"))
    assert response.status_code == 201 and response.get_json()["number"] == 2

    listed = ok(client.get(f"/api/v1/cases/{case.reference}/documents", headers=bearer(coordinator)))
    assert [(item["title"], len(item["versions"])) for item in listed] == [("Besluit", 2), ("Intern", 1),
                                                                          ("Gedeeld", 1)]


def test_bad_input_is_problem_json_naming_the_field(app, world):
    client, coordinator, case = app.test_client(), world["coordinator"], world["case"]
    url = f"/api/v1/cases/{case.reference}/documents"
    fields = {"document_type": "besluit", "title": "Besluit", "document_date": "2026-03-04"}
    problem(upload(client, url, coordinator, **fields, file=(io.BytesIO(documents.pdf_with_javascript()), "b.pdf")),
            422, "file")
    problem(upload(client, url, coordinator, **fields | {"document_type": "dagboek"},
                   file=(io.BytesIO(documents.pdf()), "b.pdf")), 422, "document_type")
    problem(upload(client, url, coordinator, **fields | {"document_date": "4 maart"},
                   file=(io.BytesIO(documents.pdf()), "b.pdf")), 422, "document_date")
    problem(upload(client, url, coordinator, **fields), 422, "file")
    problem(client.post(url, headers=bearer(coordinator), json=fields), 415)
    problem(upload(client, url, world["partner"], **fields, file=(io.BytesIO(documents.pdf()), "b.pdf")), 403)


def test_partner_tokens_see_only_flagged_documents_of_their_own_cases(app, db, make, world):
    client, partner, stranger, case = app.test_client(), world["partner"], world["stranger"], world["case"]
    shared, internal = world["shared"], world["internal"]
    listed = ok(client.get(f"/api/v1/cases/{case.reference}/documents", headers=bearer(partner)))
    assert [item["id"] for item in listed] == [shared.id]
    assert ok(client.get(f"/api/v1/documents/{shared.id}", headers=bearer(partner)))["title"] == "Gedeeld"
    problem(client.get(f"/api/v1/documents/{internal.id}", headers=bearer(partner)), 404)
    problem(client.get(f"/api/v1/documents/{internal.id}/versions/1/content", headers=bearer(partner)), 404)
    problem(client.get(f"/api/v1/cases/{case.reference}/documents", headers=bearer(stranger)), 403)
    problem(client.get(f"/api/v1/documents/{shared.id}/versions/1/content", headers=bearer(stranger)), 403)

    response = client.get(f"/api/v1/documents/{shared.id}/versions/1/content", headers=bearer(partner))
    assert response.status_code == 200 and response.data == documents.pdf()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    events = db.session.execute(sa.select(AuditEvent.actor_id, AuditEvent.outcome, AuditEvent.detail)
                                .where(AuditEvent.action == "download_document").order_by(AuditEvent.id)).all()
    assert [tuple(event) for event in events] == [
        (partner.id, "denied", {"document": internal.id}), (stranger.id, "denied", {"document": shared.id}),
        (partner.id, "ok", {"document": shared.id, "version": 1})]
    for role in ("intake", "manager"):
        problem(client.get(f"/api/v1/documents/{shared.id}", headers=bearer(make.user(role))), 403)


def test_generated_requests_on_real_records_answer_as_documented(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    fixed = {"reference": world["case"].reference, "id": world["shared"].id, "number": 1}
    operations = [("GET", "/api/v1/cases/{reference}/documents"), ("POST", "/api/v1/cases/{reference}/documents"),
                  ("GET", "/api/v1/documents/{id}"), ("POST", "/api/v1/documents/{id}/versions"),
                  ("GET", "/api/v1/documents/{id}/versions/{number}/content")]
    for user in (world["coordinator"], world["partner"]):
        header = bearer(user)
        for method, path in operations:
            operation = schema[path][method]

            @given(generated=operation.as_strategy())
            @settings(max_examples=25, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def check(generated):
                generated.path_parameters = {name: fixed[name] for name in generated.path_parameters or {}}
                generated.call_and_validate(headers=header, checks=CHECKS)  # noqa: B023

            check()
