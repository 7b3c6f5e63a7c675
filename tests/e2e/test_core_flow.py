"""The core flow in a real browser: keyboard-only phone intake, triage, a case to close, statistics; axe on each
page."""
import re

import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import Report
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_intake_registers_a_phone_report_with_the_keyboard_only(login, axe):
    page = login("intake")
    page.goto(page.url.split("/intake")[0] + "/intake/reports/new")
    assert_accessible(axe, page)
    page.locator("#postcode").focus()
    page.keyboard.press("Enter")  # submitting the empty form shows the error summary
    page.wait_for_selector("#error-summary")
    assert "Er is iets niet goed ingevuld" in page.inner_text("#error-summary")
    assert_accessible(axe, page)

    page.locator("#category").focus()
    page.select_option("#category", "geluidsoverlast")
    for text in ("Elke nacht harde muziek en geschreeuw.", "5611 ab", "12", "a", None, "Stationsplein", "Eindhoven"):
        page.keyboard.press("Tab")  # None: the "Zoek adres" button, passed over
        if text:
            page.keyboard.type(text)
    page.keyboard.press("Tab")  # anonymous checkbox: leave it
    page.keyboard.press("Tab")
    page.keyboard.type("Piet de Vries")
    page.keyboard.press("Tab")
    page.keyboard.type("06 12345678")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # may be contacted
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=is geregistreerd")
    heading = page.inner_text("h1")
    assert re.fullmatch(r"Melding GDT-\d{4}-\d{6}", heading)
    assert "Dit adres is nog niet bekend bij het team." in page.content()
    assert_accessible(axe, page)


def test_intake_looks_up_the_address_with_the_keyboard_only(login, axe, live_app):
    """Enter in the house number looks the address up in place; arrow keys choose among several; saved with the
    BAG id."""
    page = login("intake")
    page.goto(page.url.split("/intake")[0] + "/intake/reports/new")
    page.locator("#category").focus()
    page.select_option("#category", "verward-gedrag")
    for text in ("Bewoner roept 's nachts op straat.", "5611 ab", "12"):
        page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.keyboard.press("Enter")  # in the house number: look up, do not register
    page.wait_for_selector("#address-result input[type=radio]")
    assert "/intake/reports/new" in page.url and "Kies het adres" in page.inner_text("#address-result")
    assert re.search(
        r"Het team kent \d+ andere melding|nog niet bekend bij het team", page.inner_text("#address-result")
    )
    assert_accessible(axe, page)

    for _ in range(5):  # addition, "Zoek adres", street, city, into the choice
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "bag_id-0"
    page.keyboard.press("ArrowDown")  # 12 → 12A
    assert page.input_value("#house_number_addition") == "A"
    assert (page.input_value("#street"), page.input_value("#city")) == ("Stationsplein", "Eindhoven")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # anonymous
    for _ in range(5):  # name, phone, e-mail, may contact, the button
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=is geregistreerd")
    reference = page.inner_text("h1").split()[-1]
    with live_app.app_context():
        report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
        assert (report.bag_id, report.house_number_addition, report.street) == (
            "0772200000001148",
            "A",
            "Stationsplein",
        )
        db.session.remove()


def test_coordinator_escalates_runs_and_closes_a_case(login, axe):
    intake = login("intake")
    base = intake.url.split("/intake")[0]
    intake.goto(base + "/intake/reports/new")
    intake.select_option("#category", "intimidatie")
    intake.fill("#description", "Buurman bedreigt bewoners.")
    intake.fill("#postcode", "5612AA")
    intake.fill("#house_number", "3")
    intake.check("#reporter_is_anonymous")
    intake.click("button:has-text('Melding registreren')")
    reference = intake.inner_text("h1").split()[-1]

    page = login("coordinator")
    page.goto(f"{base}/intake/queue")
    assert_accessible(axe, page)
    page.click(f"text={reference}")
    assert_accessible(axe, page)
    page.fill("#escalate-reason", "Dreigende escalatie: bedreigingen.")
    page.click("button:has-text('Casus openen')")
    page.wait_for_selector("text=is geopend")
    assert_accessible(axe, page)
    page.click("a[data-dialog='dialog-coordinator']")
    page.select_option("#coordinator-coordinator", label="Coordinator Test")
    page.click("#dialog-coordinator button:has-text('Regisseur toewijzen')")
    page.wait_for_selector("text=Regisseur toegewezen.")
    page.click("a[data-dialog='dialog-mode']")
    page.check("text=Casus-/procesregie")
    page.click("button:has-text('Werkwijze vastleggen')")
    page.wait_for_selector("text=Werkwijze vastgelegd.")
    page.click("a:has-text('Casus sluiten')")
    page.select_option("#close-result", "de-escalated")
    page.click("button:has-text('Ja, casus sluiten')")
    page.wait_for_selector("text=Casus gesloten.")
    assert "Gede-escaleerd" in page.content()

    page.goto(f"{base}/statistics")
    assert_accessible(axe, page)
    assert "Casus-/procesregie" in page.content()
