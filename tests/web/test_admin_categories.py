"""Admin pages for the categories: list, new, edit with history, retire and reactivate; only an admin reaches them."""
import re

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Category
from gdt.services.core import reference_data

NEW = {"key": "burenruzie", "label": "Burenruzie", "help_text": "Ruzie met de buren over de tuin of de trap.",
       "is_public": "y", "triage_working_days": "5", "suggested_partner": "wijkteam"}


@pytest.fixture
def admin(make):
    make.defaults()
    return make.user("admin")


@pytest.fixture
def client(client_as, admin):
    return client_as(user=admin)


def _row(db, key: str) -> tuple:
    db.session.expire_all()
    return db.session.execute(sa.select(
        Category.key, Category.label, Category.help_text, Category.is_public, Category.triage_working_days,
        Category.suggested_partner_id, Category.position, Category.is_active).where(Category.key == key)).one()


def _audited(db, admin) -> list[tuple[str, str]]:
    return db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_ref).where(
        AuditEvent.object_type == "category", AuditEvent.actor_id == admin.id).order_by(AuditEvent.id)).all()


def _cells(page: str, label: str) -> list[str]:
    """The text of the cells in the row of the category called `label`."""
    row = page[page.index(f">{label}</a>"):]
    row = row[:row.index("</tr>")]
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_list_shows_each_category_with_its_deadline_in_words_and_the_menu_links_to_it(client, make, db):
    category = reference_data.category_by_key("verward-gedrag")
    category.triage_working_days, category.is_public = 1, False
    category.suggested_partner = make.partner("ggz")
    db.session.commit()
    page = client.get("/admin/categories")
    assert page.status_code == 200
    assert _cells(page.text, "Verward gedrag") == ["verward-gedrag", "alleen medewerkers", "1 werkdag", "GGZ", "Ja"]
    assert _cells(page.text, "Geluidsoverlast") == ["geluidsoverlast", "bewoners en medewerkers",
                                                    "3 werkdagen (algemeen)", "geen", "Ja"]
    assert "volgt de algemene termijn voor triage: 3 werkdagen." in page.text
    assert f'href="/admin/categories/{category.id}"' in page.text and 'href="/admin/categories/new"' in page.text
    menu = re.findall(r'href="([^"]+)"\s*>([^<]+)</a>', client.get("/admin/users").text)
    labels = [label for _, label in menu]
    assert ("/admin/categories", "Categorieën") in menu
    assert labels.index("Categorieën") == labels.index("Resultaten") + 1


def test_admin_creates_a_category_that_is_offered_at_once(client, admin, db, make):
    page = client.get("/admin/categories/new")
    assert page.status_code == 200 and re.search(r'<input[^>]*checked[^>]*name="is_public"', page.text)
    assert "Leeg: de algemene termijn van 3 werkdagen" in page.text
    response = client.post("/admin/categories/new", data=NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/categories"
    assert "Categorie Burenruzie is toegevoegd." in client.get("/admin/categories").text
    assert _row(db, "burenruzie") == ("burenruzie", "Burenruzie", NEW["help_text"], True, 5,
                                      make.partner("wijkteam").id, 9, True)
    assert "burenruzie" in [category.key for category in reference_data.public_categories()]
    assert _audited(db, admin) == [("create", "burenruzie")]


def test_a_refused_new_category_shows_every_message_and_keeps_the_input(client, db):
    response = client.post("/admin/categories/new", data=NEW | {"key": "Buren ruzie", "label": "",
                                                                 "triage_working_days": "45"})
    assert response.status_code == 422
    assert "Er is iets niet goed ingevuld" in response.text and "Vul een naam in." in response.text
    assert "Een sleutel bestaat uit hoogstens 40 kleine letters" in response.text
    assert "van 1 tot en met 30, of laat het leeg voor de algemene termijn (3 werkdagen)" in response.text
    assert 'value="45"' in response.text
    assert db.session.scalar(sa.select(Category).where(Category.label == "Burenruzie")) is None


def test_the_key_of_an_unused_category_can_be_changed_and_the_history_shows_it(client, admin, db):
    client.post("/admin/categories/new", data=NEW)
    category_id = _row_id(db, "burenruzie")
    page = client.get(f"/admin/categories/{category_id}")
    assert page.status_code == 200 and 'name="key"' in page.text and "Categorie Burenruzie wijzigen" in page.text
    response = client.post(f"/admin/categories/{category_id}", data=NEW | {
        "key": "ruzie-buren", "triage_working_days": "", "suggested_partner": "", "position": "2"})
    assert response.status_code == 302
    assert _row(db, "ruzie-buren")[4:] == (None, None, 2, True)
    page = client.get(f"/admin/categories/{category_id}").text
    history = page[page.index('id="wijzigingen"'):]
    assert "Sleutel: burenruzie → ruzie-buren" in history and "Eigen termijn voor triage: 5 werkdagen → –" in history
    assert "Voorgestelde ketenpartner: Wijkteam → –" in history and "Aangemaakt" in history
    assert _audited(db, admin) == [("create", "burenruzie"), ("update", "ruzie-buren")]


def _row_id(db, key: str) -> int:
    return db.session.scalar(sa.select(Category.id).where(Category.key == key))


def test_once_a_report_has_the_category_the_key_is_shown_as_text_with_why(client, db, make):
    category = make.category("intimidatie")
    make.report(category=category)
    page = client.get(f"/admin/categories/{category.id}").text
    assert 'name="key"' not in page
    assert "De sleutel staat vast: 1 melding heeft deze categorie." in page
    response = client.post(f"/admin/categories/{category.id}", data={
        "key": "pesten", "label": "Intimidatie en pesten", "is_public": "y", "position": "2"})
    assert response.status_code == 302  # a key sent anyway is ignored: it is fixed
    assert _row(db, "intimidatie")[:2] == ("intimidatie", "Intimidatie en pesten")


def test_admin_retires_a_category_and_offers_it_again(client, client_as, admin, db, make):
    category = make.category("stankoverlast")
    report = make.report(category=category)
    response = client.post(f"/admin/categories/{category.id}/deactivate")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/categories/{category.id}"
    page = client.get(f"/admin/categories/{category.id}").text
    assert "De categorie wordt niet meer aangeboden" in page and "Categorie weer activeren" in page
    assert _cells(client.get("/admin/categories").text, "Stankoverlast")[-1] == "Nee"
    phone_form = client_as("intake").get("/intake/reports/new").text
    assert 'value="stankoverlast"' not in phone_form
    coordinator = client_as("coordinator")
    assert "Stankoverlast" in coordinator.get(f"/reports/{report.reference}").text  # the old report keeps it
    assert 'value="stankoverlast"' in coordinator.get("/intake/queue").text  # the list's filter still offers it
    assert client.post(f"/admin/categories/{category.id}/activate").status_code == 302
    assert 'value="stankoverlast"' in client_as("intake").get("/intake/reports/new").text
    assert _audited(db, admin) == [("deactivate", "stankoverlast"), ("activate", "stankoverlast")]


def test_the_last_public_category_cannot_be_retired_and_the_page_says_why(client, db, make):
    for category in reference_data.public_categories()[1:]:
        category.is_active = False
    db.session.commit()
    last = reference_data.public_categories()[0]
    response = client.post(f"/admin/categories/{last.id}/deactivate")
    assert response.status_code == 422 and "laatste actieve categorie voor bewoners" in response.text
    response = client.post(f"/admin/categories/{last.id}", data={"label": last.label, "position": "0"})  # no tick
    assert response.status_code == 422 and "laatste actieve categorie voor bewoners" in response.text
    assert _row(db, last.key)[3] is True and _row(db, last.key)[7] is True


def test_a_deactivated_suggested_partner_is_named_and_may_stay(client, db, make):
    category = make.category("drugsoverlast")
    category.suggested_partner = make.partner("politie", is_active=False)
    db.session.commit()
    page = client.get(f"/admin/categories/{category.id}").text
    assert "Politie (gedeactiveerd: wordt niet voorgesteld)" in page
    assert "Politie (gedeactiveerd: wordt niet voorgesteld)" in _cells(client.get("/admin/categories").text,
                                                                        "Drugsoverlast")[3]


@pytest.mark.parametrize("role", ["intake", "coordinator", "manager", "partner"])
def test_no_one_but_the_admin_reaches_the_category_pages(client_as, make, role):
    make.defaults()
    other = client_as(role)
    category_id = make.category().id
    assert other.get("/admin/categories").status_code == 403
    assert other.get(f"/admin/categories/{category_id}").status_code == 403
    assert other.post("/admin/categories/new", data=NEW).status_code == 403
    assert other.post(f"/admin/categories/{category_id}/deactivate").status_code == 403
    assert make.category().is_active


def test_an_unknown_category_is_not_found(client):
    assert client.get("/admin/categories/999999").status_code == 404
