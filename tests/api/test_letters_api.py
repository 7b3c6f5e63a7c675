"""Letters in the staff API (gdt.api.letters): the templates, a letter made on a case as a document (201), refusals
as problem+json naming the field, only coordinators who may open the case, and the OpenAPI document checked by
schemathesis on real records."""
import io

import pypdf
import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from gdt.models import CasePartner, CaseParty
from gdt.models.documents import CaseDocument
from gdt.services.core import attachment_store, tokens
from gdt.services.letters import admin as letter_admin

CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {tokens.issue_user_token(user, actor=None)}"}


@pytest.fixture
def world(db, make):
    letter_admin.ensure_defaults()
    templates = {template.name: template for template in letter_admin.list_templates()}
    coordinator, case = make.user("coordinator", name="Regisseur Roos"), make.case()
    make.report("escalated", case=case, street="Lindelaan", house_number=12, postcode="5611AB", city="Eindhoven")
    party = CaseParty(case_id=case.id, name="Piet de Vries", role="subject")
    partner = make.user("partner", partner=make.partner("politie"))
    make.session.add_all([party, CasePartner(case=case, partner_id=partner.partner_id)])
    make.session.commit()
    return {"coordinator": coordinator, "partner": partner, "case": case, "party": party, "templates": templates}


def test_the_templates_are_listed_for_coordinators(app, world):
    response = app.test_client().get("/api/v1/letter-templates", headers=bearer(world["coordinator"]))
    assert response.status_code == 200
    names = {item["name"]: item for item in response.get_json()}
    assert set(names) == set(world["templates"]) and names["Besluit gedragsaanwijzing"]["is_decision"] is True


def test_a_coordinator_makes_a_decision_letter_on_a_case(app, db, world):
    case, template = world["case"], world["templates"]["Besluit gedragsaanwijzing"]
    response = app.test_client().post(f"/api/v1/cases/{case.reference}/letters", headers=bearer(world["coordinator"]),
                                      json={"template_id": template.id, "party_id": world["party"].id})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/documents/{body['id']}"
    assert (body["case_reference"], body["document_type"], body["visible_to_partners"]) == (
        case.reference, "besluit", False)
    assert body["versions"][0]["source"] == "letter"
    assert body["versions"][0]["letter_template_name"] == "Besluit gedragsaanwijzing"
    version = db.session.get(CaseDocument, body["id"]).versions[0]
    data = (attachment_store.directory() / version.storage_name).read_bytes()
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Piet de Vries" in text and "Lindelaan 12" in text  # the case's address when none is given


def test_bad_choices_are_problem_json_naming_the_fields(app, world):
    case = world["case"]
    response = app.test_client().post(f"/api/v1/cases/{case.reference}/letters", headers=bearer(world["coordinator"]),
                                      json={"template_id": 999999, "addressee_name": "", "toelichting": "x" * 2000})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    fields = {param["name"] for param in response.get_json()["invalidParams"]}
    assert fields == {"template_id", "addressee_name", "toelichting"}
    unknown = app.test_client().post(f"/api/v1/cases/{case.reference}/letters", headers=bearer(world["coordinator"]),
                                     json={"template_id": 1, "geheim": "x"})
    assert unknown.status_code == 422 and unknown.mimetype == "application/problem+json"


def test_partner_tokens_and_strangers_make_no_letters(app, db, world, make):
    case, template = world["case"], world["templates"]["Waarschuwingsbrief"]
    body = {"template_id": template.id, "party_id": world["party"].id}
    client = app.test_client()
    assert client.post(f"/api/v1/cases/{case.reference}/letters", headers=bearer(world["partner"]),
                       json=body).status_code == 403
    assert client.get("/api/v1/letter-templates", headers=bearer(world["partner"])).status_code == 403
    assert client.post(f"/api/v1/cases/{case.reference}/letters", json=body).status_code == 401
    assert client.post("/api/v1/cases/GDT-C-NIET/letters", headers=bearer(world["coordinator"]),
                       json=body).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 0


def test_generated_requests_on_real_records_answer_as_documented(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    fixed = {"reference": world["case"].reference}
    header = bearer(world["coordinator"])
    for method, path in (("GET", "/api/v1/letter-templates"), ("POST", "/api/v1/cases/{reference}/letters")):
        operation = schema[path][method]

        @given(generated=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(generated):
            generated.path_parameters = {name: fixed[name] for name in generated.path_parameters or {}}
            generated.call_and_validate(headers=header, checks=CHECKS)

        check()
