"""Standard texts in Chromium: the admin edits a text and previews it (axe at 1280 and 320 px); a coordinator picks
it on the report page and the script fills the question to the partner in place, still editable."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import User
from gdt.services.admin import users
from gdt.services.intake import report_intake
from gdt.services.texts import admin as standard_texts
from tests.e2e.conftest import PASSWORD, check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report_reference(live_app):
    with live_app.app_context():
        if db.session.scalar(sa.select(User).where(User.email == "admin@gdt.test")) is None:
            users.create_user("admin@gdt.test", "Admin Test", "admin", PASSWORD, actor=None)
        standard_texts.ensure_defaults()
        clerk = db.session.scalar(sa.select(User).where(User.email == "intake@gdt.test"))
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Elke nacht harde muziek.", postcode="5611AB", house_number="1",
            reporter_name="Piet de Vries", reporter_phone="0612345678"), actor=clerk)
        reference = report.reference
        db.session.remove()
    return reference


def test_the_admin_edits_and_previews_a_text_and_a_coordinator_picks_it(login, base_url, axe, report_reference):
    page = login("admin")
    page.goto(f"{base_url}/admin/standaardteksten")
    check_page(axe, page, 1280, "standard-texts")
    page.get_by_role("link", name="Vraag aan de ketenpartner").click()
    page.fill("#body", "Melding {kenmerk} ({categorie}) van {datum_ontvangen}: wat kunt u binnen {termijn} doen?")
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    expect(page.locator("#voorbeeld")).to_contain_text("Melding GDT-2026-000123 (Geluidsoverlast) van 01-12-2026")
    check_page(axe, page, 1280, "standard-text-preview")
    page.set_viewport_size({"width": 320, "height": 900})
    check_page(axe, page, 320, "standard-text-preview")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De wijzigingen zijn opgeslagen.")).to_be_visible()

    page = login("coordinator")
    page.goto(f"{base_url}/reports/{report_reference}")
    page.select_option("#refer-question-standard-text", label="Vraag aan de ketenpartner")
    page.get_by_role("button", name="Tekst invullen").click()
    question = page.locator("#refer-question")
    expect(question).to_have_value(re.compile(
        rf"^Melding {report_reference} \(Geluidsoverlast\) van \d\d-\d\d-\d{{4}}: "
        r"wat kunt u binnen \d+ werkdagen doen\?$"))
    expect(question).to_be_focused()
    assert page.url == f"{base_url}/reports/{report_reference}"  # filled in place, nothing sent
    question.press("End")
    question.type(" Graag voor vrijdag.")
    expect(question).to_have_value(re.compile(r"doen\? Graag voor vrijdag\.$"))
    check_page(axe, page, 1280, "standard-text-picker")
