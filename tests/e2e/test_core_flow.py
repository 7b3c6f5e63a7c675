"""The core flow in a real browser: keyboard-only phone intake, triage, a case to close, statistics; axe on each page."""
import re

import pytest

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
    for text in ("Elke nacht harde muziek en geschreeuw.", "5611 ab", "12", "a", "Stationsplein", "Eindhoven"):
        page.keyboard.press("Tab")
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
    page.select_option("#coordinator-coordinator", label="Coordinator Test")
    page.click("button:has-text('Regisseur toewijzen')")
    page.wait_for_selector("text=Regisseur toegewezen.")
    page.check("text=Casus-/procesregie")
    page.click("button:has-text('Werkwijze vastleggen')")
    page.wait_for_selector("text=Werkwijze vastgelegd.")
    page.select_option("#close-result", "de-escalated")
    page.click("button:has-text('Casus sluiten')")
    page.wait_for_selector("text=Casus gesloten.")
    assert "Gede-escaleerd" in page.content()

    page.goto(f"{base}/statistics")
    assert_accessible(axe, page)
    assert "Casus-/procesregie" in page.content()
