"""Letters in Chromium, with axe at 1280 and 320 px: the admin opens a template with the fields beside the editor and
previews it as PDF in a new tab (a broken field gets a message); a coordinator writes a warning letter on a case,
previews it and saves it in the dossier, where it appears under Documenten."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import User
from gdt.services.admin import users
from gdt.services.letters import admin as letter_templates
from tests.e2e.conftest import PASSWORD, check_page, open_case_with_subject

pytestmark = pytest.mark.e2e
REFERENCE = "GDT-2026-700301"


@pytest.fixture(scope="module")
def case_reference(live_app):
    with live_app.app_context():
        if db.session.scalar(sa.select(User).where(User.email == "admin@gdt.test")) is None:
            users.create_user("admin@gdt.test", "Admin Test", "admin", PASSWORD, actor=None)
        letter_templates.ensure_defaults()
        db.session.remove()
    return open_case_with_subject(live_app, REFERENCE)


def _pdf_answer(page, button):
    """Click a preview button (formtarget _blank) and return the PDF's answer in the new tab."""
    with page.context.expect_event("response", lambda response: "/preview" in response.url) as answer:
        button.click()
    return answer.value


def test_the_admin_previews_and_a_coordinator_saves_a_warning_letter(login, base_url, axe, case_reference):
    page = login("admin")
    page.goto(f"{base_url}/admin/brieven")
    check_page(axe, page, 1280, "letters-admin-list")
    page.get_by_role("link", name="Waarschuwingsbrief").click()
    expect(page.locator("#fields-heading")).to_have_text("Velden")
    expect(page.locator("code", has_text="{{ geadresseerde }}")).to_be_visible()
    answer = _pdf_answer(page, page.get_by_role("button", name="Voorbeeld bekijken"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check_page(axe, page, width, "letters-admin-edit")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#body", "Geachte {{ naam }},")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#error-summary")).to_contain_text("naam is geen veld van een brief")
    check_page(axe, page, 1280, "letters-admin-refused")

    page = login("coordinator")
    page.goto(f"{base_url}/cases/{case_reference}")
    page.locator("#brieven").get_by_role("link", name="Brief maken").click()
    page.get_by_label("Briefsjabloon").select_option(label="Waarschuwingsbrief")
    page.get_by_label("Aan").select_option(label="Piet de Vries (Overlastgever)")
    page.get_by_label("Adres van de geadresseerde").fill("Lindelaan 12, 5611 AB Eindhoven")
    page.get_by_label("Toelichting").fill("Buren melden elke nacht harde muziek.")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check_page(axe, page, width, "letters-new")
    answer = _pdf_answer(page, page.get_by_role("button", name="Voorbeeld bekijken"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    page.get_by_role("button", name="Opslaan in het dossier").click()
    expect(page.get_by_text("De brief Waarschuwingsbrief aan Piet de Vries is opgeslagen in het dossier.")) \
        .to_be_visible()
    expect(page.locator("#documenten")).to_contain_text("Waarschuwingsbrief aan Piet de Vries")
    check_page(axe, page, 1280, "letters-case")
