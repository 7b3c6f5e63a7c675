"""Standard texts on the pages: the admin's list, editor and preview (admin only), and the picker without JavaScript."""
import html

import pytest
import sqlalchemy as sa

from gdt.models.standard_texts import StandardText
from gdt.models.users import ROLES
from gdt.services.texts import admin as service


@pytest.fixture
def admin_client(make, client_as):
    make.defaults()
    return client_as("admin")


def _text(db, text_id):
    db.session.expire_all()
    return db.session.get(StandardText, text_id)


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(StandardText))


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])
def test_only_the_admin_reaches_the_standard_texts(make, client_as, role):
    text = service.create_text(title="Vraag", moment="question", category_id=None, body="Over {kenmerk}", actor=None)
    client = client_as(role)
    assert client.get("/admin/standaardteksten").status_code == 403
    assert client.get(f"/admin/standaardteksten/{text.id}").status_code == 403
    assert client.post("/admin/standaardteksten/new", data={"title": "X", "moment": "question", "category": "",
                                                           "body": "Y"}).status_code == 403


def test_the_admin_creates_a_text_for_a_category_and_sees_it_listed(db, make, admin_client):
    noise = make.category("geluidsoverlast")
    response = admin_client.post("/admin/standaardteksten/new", data={
        "title": "Geluid: wat gebeurt er nu", "moment": "receipt", "category": str(noise.id),
        "body": "Wij bekijken melding {kenmerk} binnen {termijn}."}, follow_redirects=True)
    assert response.status_code == 200 and "Standaardtekst Geluid: wat gebeurt er nu is toegevoegd." in response.text
    [text] = db.session.scalars(sa.select(StandardText)).all()
    assert (text.moment, text.category_id) == ("receipt", noise.id)
    listed = admin_client.get("/admin/standaardteksten").text
    assert "Geluid: wat gebeurt er nu" in listed and "Geluidsoverlast" in listed


def test_an_unknown_placeholder_is_refused_with_the_allowed_ones_named(db, admin_client):
    response = admin_client.post("/admin/standaardteksten/new", data={
        "title": "Fout", "moment": "receipt", "category": "", "body": "Melding {kenmerk.__class__} van {naam}"})
    page = html.unescape(response.text)
    assert response.status_code == 422 and _count(db) == 0
    assert "De tekst bevat {kenmerk.__class__}, {naam}: dat is geen invulveld voor dit moment." in page
    assert "{kenmerk}" in page


def test_the_preview_fills_made_up_values_without_saving(db, admin_client):
    response = admin_client.post("/admin/standaardteksten/new", data={
        "title": "Vraag", "moment": "question", "category": "", "body": "Over melding {kenmerk} ({categorie}):",
        "action": "preview"})
    assert response.status_code == 200 and _count(db) == 0
    assert "Over melding GDT-2026-000123 (Geluidsoverlast):" in response.text
    assert "Over melding {kenmerk} ({categorie}):" in html.unescape(response.text)  # still in the editor


def test_the_editor_lists_the_placeholders_beside_the_text(admin_client):
    page = html.unescape(admin_client.get("/admin/standaardteksten/new").text)
    for name in ("{kenmerk}", "{categorie}", "{datum_ontvangen}", "{gemeente}", "{partner}", "{termijn}"):
        assert name in page
    assert "Alleen bij: Doorgezet naar een ketenpartner." in page


def test_an_edit_on_an_older_copy_is_refused(db, admin_client):
    text = service.create_text(title="Oud", moment="closed", category_id=None, body="Afgehandeld.", actor=None)
    form = {"title": "Nieuw", "moment": "closed", "category": "", "body": "Klaar.", "version": str(text.version)}
    assert admin_client.post(f"/admin/standaardteksten/{text.id}", data=form).status_code == 302
    stale = admin_client.post(f"/admin/standaardteksten/{text.id}", data=form | {"title": "Later"})
    assert stale.status_code == 422 and _text(db, text.id).title == "Nieuw"


def test_the_admin_deactivates_and_reactivates_a_text(db, admin_client):
    text = service.create_text(title="Oud", moment="closed", category_id=None, body="Afgehandeld.", actor=None)
    assert admin_client.post(f"/admin/standaardteksten/{text.id}/deactivate").status_code == 302
    assert _text(db, text.id).is_active is False
    assert "Tekst weer activeren" in admin_client.get(f"/admin/standaardteksten/{text.id}").text
    assert admin_client.post(f"/admin/standaardteksten/{text.id}/activate").status_code == 302
    assert _text(db, text.id).is_active is True


def test_the_picker_fills_the_question_to_a_partner_without_javascript(db, make, client_as):
    make.defaults()
    own = service.create_text(title="Geluid", moment="partner", category_id=make.category("geluidsoverlast").id,
                              body="Melding {kenmerk} over {categorie}: wat kunt u doen?", actor=None)
    service.create_text(title="Algemeen", moment="partner", category_id=None, body="Algemene vraag.", actor=None)
    report = make.report()
    client = client_as("coordinator")
    page = client.get(f"/reports/{report.reference}").text
    assert page.index(">Geluid</option>") < page.index(">Algemeen</option>")  # the category's own first
    response = client.post(f"/reports/{report.reference}/refer", data={
        "refer-version": str(report.version), "refer-partner": "", "refer-question": "",
        "refer-question-standard-text": str(own.id), "fill_text": "refer-question"})
    filled = f"Melding {report.reference} over Geluidsoverlast: wat kunt u doen?"
    assert filled in response.text.split('id="refer-question"')[1].split("</textarea>")[0]
    assert 'id="error-summary"' not in response.text  # nothing validated, nothing done
    db.session.expire_all()
    assert report.status == "received"


def test_the_picker_fills_the_question_to_the_resident_without_javascript(db, make, client_as):
    make.defaults()
    text = service.create_text(title="Tijden", moment="question", category_id=None,
                               body="Over melding {kenmerk} van {datum_ontvangen}: op welke tijden?", actor=None)
    report = make.report(reporter_email="melder@example.nl", reporter_may_contact=True)
    client = client_as("coordinator")
    assert ">Tijden</option>" in client.get(f"/reports/{report.reference}/questions/new").text
    response = client.post(f"/reports/{report.reference}/questions/new", data={
        "text": "", "text-standard-text": str(text.id), "fill_text": "text"})
    assert f"Over melding {report.reference} van 01-03-2026: op welke tijden?" in response.text
    assert "Uw vraag is gesteld" not in response.text


def test_the_picker_fills_the_advice_on_a_case_with_the_cases_kenmerk(db, make, client_as):
    make.defaults()
    text = service.create_text(title="Advies", moment="partner", category_id=None,
                               body="Casus {kenmerk}: wij vragen uw advies.", actor=None)
    case = make.report("escalated").case
    response = client_as("coordinator").post(f"/cases/{case.reference}/refer", data={
        "refer-version": str(case.version), "refer-message": "", "refer-message-standard-text": str(text.id),
        "fill_text": "refer-message"})
    assert f"Casus {case.reference}: wij vragen uw advies.</textarea>" in response.text
