"""Where categories are offered: residents choose among the public ones (each with its help text), staff among every
active one; at triage the category's suggested partner is chosen already, with a hint, and may be changed."""
import re

import pytest
import sqlalchemy as sa

from gdt.models import Report
from gdt.services.admin import categories
from gdt.services.core import reference_data
from tests.web.test_webform import answers

HELP = "Harde muziek, schreeuwen of bonken, vaak of 's nachts."


@pytest.fixture
def admin(make):
    make.defaults()
    return make.user("admin")


@pytest.fixture
def staff_only(admin):
    return categories.create_category("huiselijk-geweld", "Huiselijk geweld", is_public=False, actor=admin)


def _with(category, admin, **changes):
    fields = dict(label=category.label, help_text=category.help_text, is_public=category.is_public,
                  triage_working_days=category.triage_working_days, position=category.position,
                  suggested_partner=category.suggested_partner.key if category.suggested_partner else None)
    return categories.update_category(category, actor=admin, **fields | changes)


def _radios(page: str) -> list[str]:
    return re.findall(r'<input[^>]*name="category" type="radio" value="([a-z0-9-]+)"', page)


def test_the_webform_offers_the_public_categories_as_radio_buttons_with_their_help_text(app, admin, staff_only, db):
    noise = reference_data.category_by_key("geluidsoverlast")
    _with(noise, admin, help_text=HELP)
    categories.set_category_active(reference_data.category_by_key("stankoverlast"), False, actor=admin)
    page = app.test_client().get("/melden", follow_redirects=True).text
    assert _radios(page) == [category.key for category in reference_data.public_categories()]
    assert "huiselijk-geweld" not in _radios(page) and "stankoverlast" not in _radios(page)
    option = re.search(r'<input[^>]*value="geluidsoverlast"[^>]*>', page).group(0)
    hint_id = re.search(r'aria-describedby="([^"]+)"', option).group(1)
    assert re.search(rf'id="{hint_id}">Harde muziek, schreeuwen of bonken, vaak of &#39;s nachts.</div>', page)
    without_help = re.search(r'<input[^>]*value="vervuiling"[^>]*>', page).group(0)
    assert "aria-describedby" not in without_help
    assert '<legend class="utrecht-form-fieldset__legend">Wat voor overlast is het?</legend>' in page


def test_the_webform_refuses_a_category_residents_may_not_choose_and_keeps_the_answers(app, staff_only, db):
    visitor = app.test_client()
    response = visitor.post(visitor.get("/melden").headers["Location"], data=answers(visitor,
                                                                                     category="huiselijk-geweld"))
    assert response.status_code == 422
    assert "Kies wat voor overlast het is." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0
    response = visitor.post(visitor.get("/melden").headers["Location"], data=answers(visitor, category="vervuiling"))
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Report.category_id)) == reference_data.category_by_key("vervuiling").id


def test_a_chosen_radio_button_stays_chosen_when_the_form_comes_back(app, admin, db):
    visitor = app.test_client()
    response = visitor.post(visitor.get("/melden").headers["Location"],
                            data=answers(visitor, category="vervuiling", house_number=""))
    assert response.status_code == 422
    assert re.search(r'<input checked[^>]*value="vervuiling"', response.text)


def test_staff_channels_offer_every_active_category(client_as, staff_only, make):
    phone = client_as("intake").get("/intake/reports/new").text
    assert 'value="huiselijk-geweld"' in phone
    partner = client_as("partner").get("/partner/aanmelden").text
    assert 'value="huiselijk-geweld"' in partner


def test_the_phone_report_gets_a_staff_only_category(client_as, staff_only, db):
    response = client_as("intake").post("/intake/reports/new", data={
        "category": "huiselijk-geweld", "description": "Geschreeuw en slaan.", "postcode": "5611AB",
        "house_number": "3", "reporter_is_anonymous": "y"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Report.category_id)) == staff_only.id


def test_the_correction_page_keeps_a_retired_category_of_the_report(client_as, admin, make):
    clerk = make.user("intake")
    report = make.report(category=make.category("stankoverlast"), registered_by_id=clerk.id)
    categories.set_category_active(make.category("stankoverlast"), False, actor=admin)
    page = client_as(user=clerk).get(f"/intake/reports/{report.reference}/correct").text
    assert re.search(r'<option selected value="stankoverlast">Stankoverlast \(niet meer in gebruik\)</option>', page)


# --- triage: the suggested partner ---------------------------------------------------------------------------------

def _selected_partner(page: str) -> str | None:
    select = page[page.index('id="refer-partner"'):]
    select = select[:select.index("</select>")]
    found = re.search(r'<option selected value="([^"]*)"', select)
    return found.group(1) if found else None


def test_the_triage_page_chooses_the_suggested_partner_with_a_hint(client_as, admin, make):
    category = make.category("verward-gedrag")
    _with(category, admin, suggested_partner="ggz")
    report = make.report(category=category)
    page = client_as("coordinator").get(f"/reports/{report.reference}").text
    assert _selected_partner(page) == "ggz"
    assert 'aria-describedby="refer-partner-description"' in page
    assert re.search(r'id="refer-partner-description">Voorgesteld bij deze categorie: GGZ</div>', page)


def test_the_coordinator_may_refer_to_another_partner_than_the_suggestion(client_as, admin, make, db):
    category = make.category("verward-gedrag")
    _with(category, admin, suggested_partner="ggz")
    report = make.report(category=category)
    response = client_as("coordinator").post(f"/reports/{report.reference}/refer", data={
        "refer-partner": "politie", "refer-reason": "Dreiging op straat.", "refer-question": "Wilt u langsgaan?",
        "refer-version": report.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert report.referred_partner.key == "politie"


def test_without_a_suggestion_nothing_is_chosen_and_no_hint_is_shown(client_as, admin, make):
    plain = make.report(category=make.category("vervuiling"))
    page = client_as("coordinator").get(f"/reports/{plain.reference}").text
    assert _selected_partner(page) is None and "Voorgesteld bij deze categorie" not in page
    category = make.category("drugsoverlast")
    _with(category, admin, suggested_partner="politie")
    make.partner("politie", is_active=False)
    page = client_as("coordinator").get(f"/reports/{make.report(category=category).reference}").text
    assert _selected_partner(page) is None and "Voorgesteld bij deze categorie" not in page


def test_a_refused_referral_keeps_the_partner_chosen_and_the_hint(client_as, admin, make):
    category = make.category("verward-gedrag")
    _with(category, admin, suggested_partner="ggz")
    report = make.report(category=category)
    response = client_as("coordinator").post(f"/reports/{report.reference}/refer", data={
        "refer-partner": "wijkteam", "refer-reason": "", "refer-version": report.version})
    assert response.status_code == 422
    assert _selected_partner(response.text) == "wijkteam" and "Voorgesteld bij deze categorie: GGZ" in response.text
