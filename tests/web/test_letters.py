"""Letters on the pages: the admin's list, editor and PDF preview (admin only, refusals as messages, stale edits),
and a coordinator writing a letter on a case (preview, saved in the dossier); partners and intake get 403."""
import html
import io

import pypdf
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, CasePartner, CaseParty
from gdt.models.documents import CaseDocument
from gdt.models.letters import LetterTemplate
from gdt.models.users import ROLES
from gdt.services.letters import admin as service

OBJECTION = "Bent u het niet eens met dit besluit?"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def seeded(db):
    service.ensure_defaults()
    return {template.name: template for template in service.list_templates()}


def form_of(template, **changes) -> dict:
    return {"name": template.name, "subject": template.subject, "body": template.body,
            "is_decision": "y" if template.is_decision else "", "version": str(template.version)} | changes


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])
def test_only_the_admin_reaches_the_templates(seeded, client_as, role):
    template = seeded["Waarschuwingsbrief"]
    client = client_as(role)
    assert client.get("/admin/brieven").status_code == 403
    assert client.get(f"/admin/brieven/{template.id}").status_code == 403
    assert client.post(f"/admin/brieven/{template.id}", data=form_of(template, subject="Weg")).status_code == 403
    assert client.post("/admin/brieven/preview", data=form_of(template)).status_code == 403


def test_the_admin_lists_edits_and_previews(db, seeded, client_as):
    client = client_as("admin")
    listed = client.get("/admin/brieven").text
    for name in seeded:
        assert html.escape(name) in listed
    template = seeded["Besluit gedragsaanwijzing"]
    page = client.get(f"/admin/brieven/{template.id}").text
    assert "{{ kenmerk }}" in html.unescape(page) and "Velden" in page  # the fields beside the editor
    preview = client.post("/admin/brieven/preview", data=form_of(template, subject="Nieuw onderwerp",
                                                                 template_id=str(template.id)))
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert "inline" in preview.headers["Content-Disposition"] and preview.headers["Cache-Control"] == "no-store"
    text = pdf_text(preview.data)
    assert "Nieuw onderwerp" in text and "J. Voorbeeld" in text and OBJECTION in text
    db.session.expire_all()
    assert db.session.get(LetterTemplate, template.id).subject != "Nieuw onderwerp"  # a preview saves nothing
    saved = client.post(f"/admin/brieven/{template.id}", data=form_of(template, subject="Besluit"),
                        follow_redirects=True)
    assert "De wijzigingen zijn opgeslagen." in saved.text
    db.session.expire_all()
    assert db.session.get(LetterTemplate, template.id).subject == "Besluit"


@pytest.mark.parametrize("body, says", [
    ("{{ ''.__class__.__mro__ }}", "alleen de velden uit de lijst"),
    ('{% include "base.html" %}', "geen andere sjablonen"),
    ("{{ config }}", "config is geen veld van een brief"),
    ("{% if kenmerk %}", "Fout in het sjabloon op regel 1"),
])
def test_a_broken_or_escaping_template_gets_a_message_on_save_and_preview(db, seeded, client_as, body, says):
    client = client_as("admin")
    template = seeded["Waarschuwingsbrief"]
    for url in (f"/admin/brieven/{template.id}", "/admin/brieven/preview", "/admin/brieven/new"):
        data = form_of(template, body=body, name="Nieuw" if url.endswith("new") else template.name)
        response = client.post(url, data=data)
        assert response.status_code == 422, url
        assert says in html.unescape(response.text), url
    db.session.expire_all()
    assert db.session.get(LetterTemplate, template.id).body == template.body
    assert db.session.scalar(sa.select(LetterTemplate).where(LetterTemplate.name == "Nieuw")) is None


def test_a_stale_edit_is_refused(db, seeded, client_as):
    client = client_as("admin")
    template = seeded["Waarschuwingsbrief"]
    seen = form_of(template)
    assert client.post(f"/admin/brieven/{template.id}", data=seen | {"subject": "Eerst"}).status_code == 302
    refused = client.post(f"/admin/brieven/{template.id}", data=seen | {"subject": "Later"})
    assert refused.status_code == 422 and "door iemand anders gewijzigd" in refused.text
    db.session.expire_all()
    assert db.session.get(LetterTemplate, template.id).subject == "Eerst"


def test_the_admin_creates_and_deactivates_a_template(db, seeded, client_as):
    client = client_as("admin")
    created = client.post("/admin/brieven/new", data={"name": "Bedankbrief", "subject": "Dank",
                                                      "body": "Beste {{ geadresseerde }},\n\nDank."},
                          follow_redirects=True)
    assert "Briefsjabloon Bedankbrief is toegevoegd." in created.text
    template = db.session.scalar(sa.select(LetterTemplate).where(LetterTemplate.name == "Bedankbrief"))
    client.post(f"/admin/brieven/{template.id}/deactivate")
    db.session.expire_all()
    assert not db.session.get(LetterTemplate, template.id).is_active
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_type == "letter_template",
                                                                AuditEvent.action == "deactivate")) is not None


@pytest.fixture
def case_world(db, seeded, make):
    coordinator = make.user("coordinator", name="Regisseur Roos")
    case = make.case()
    make.report("escalated", case=case, street="Lindelaan", house_number=12, postcode="5611AB", city="Eindhoven")
    party = CaseParty(case=case, name="Piet de Vries", role="subject")
    make.session.add(party)
    make.session.commit()
    return case, coordinator, party


def letter_form(seeded, party, **changes) -> dict:
    return {"template_id": str(seeded["Waarschuwingsbrief"].id), "party_id": str(party.id), "addressee_name": "",
            "address": "Lindelaan 12, 5611 AB Eindhoven", "intervention_id": "", "afspraak": "",
            "toelichting": "Buren melden harde muziek."} | changes


def test_a_coordinator_previews_and_saves_a_warning_letter(db, seeded, case_world, client_as):
    case, coordinator, party = case_world
    client = client_as(user=coordinator)
    shown = client.get(f"/cases/{case.reference}")
    assert "Brief maken" in shown.text and f"/cases/{case.reference}/letters/new" in shown.text
    page = client.get(f"/cases/{case.reference}/letters/new").text
    assert "Lindelaan 12, 5611 AB Eindhoven" in page and "Piet de Vries" in page
    preview = client.post(f"/cases/{case.reference}/letters/preview", data=letter_form(seeded, party))
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    text = pdf_text(preview.data)
    assert "Piet de Vries" in text and case.reference in text and "Buren melden harde muziek." in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 0
    saved = client.post(f"/cases/{case.reference}/letters/new", data=letter_form(seeded, party),
                        follow_redirects=True)
    assert "De brief Waarschuwingsbrief aan Piet de Vries is opgeslagen in het dossier." in saved.text
    document = db.session.scalar(sa.select(CaseDocument))
    assert (document.case_id, document.document_type, document.visible_to_partners) == (case.id, "brief", False)
    assert "Waarschuwingsbrief aan Piet de Vries" in client.get(f"/cases/{case.reference}").text
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_ref == case.reference)))
    assert {"preview_letter", "generate_letter"} <= actions


def test_a_letter_to_someone_else_without_a_name_is_refused_on_the_page(db, seeded, case_world, client_as):
    case, coordinator, party = case_world
    client = client_as(user=coordinator)
    for url in (f"/cases/{case.reference}/letters/new", f"/cases/{case.reference}/letters/preview"):
        response = client.post(url, data=letter_form(seeded, party, party_id="", address=""))
        assert response.status_code == 422
        assert "typ de naam van de geadresseerde" in response.text and "Vul het adres" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 0


@pytest.mark.parametrize("role", ["partner", "intake", "manager", "admin"])
def test_other_roles_cannot_write_letters(db, seeded, case_world, client_as, make, role):
    case, _coordinator, party = case_world
    user = make.user(role)
    if role == "partner":  # even a partner of this very case
        make.session.add(CasePartner(case=case, partner_id=user.partner_id))
        make.session.commit()
    client = client_as(user=user)
    assert client.get(f"/cases/{case.reference}/letters/new").status_code == 403
    assert client.post(f"/cases/{case.reference}/letters/new", data=letter_form(seeded, party)).status_code == 403
    assert client.post(f"/cases/{case.reference}/letters/preview",
                       data=letter_form(seeded, party)).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 0
