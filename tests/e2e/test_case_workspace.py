"""The case page as the coordinator's workspace in Chromium at 1280 and 320 px: the section nav, a step opened in a
dialog and sent with the keyboard alone, a confirmation page, axe on each (with a dialog open too) and no sideways
scrolling. Screenshots go to GDT_E2E_SCREENSHOTS when set, else to a temporary folder named in the test's output."""
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from gdt.db import AMSTERDAM, db
from gdt.services.admin import partners, users
from gdt.services.casework import actions, cases, meetings
from gdt.services.intake import report_intake
from gdt.services.triage import report_triage
from tests.e2e.conftest import PASSWORD, assert_accessible

pytestmark = pytest.mark.e2e
REASON = "Buurman bedreigt de bewoners van nummer 14; de politie is al twee keer geweest."


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("GDT_E2E_SCREENSHOTS") or tmp_path_factory.mktemp("case-workspace-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\ncase workspace screenshots: {folder}")
    return folder


@pytest.fixture
def case_reference(live_app, request):
    """A case as a coordinator finds it a week in: a partner, a person, an action, a meeting, a note."""
    with live_app.app_context():
        coordinator = users.user_by_email("coordinator@gdt.test")
        police = partners.get_partner("politie")
        partners.update_partner(police, name=police.name, email="wijkagent@politie.example", kind=police.kind,
                                actor=None)
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="intimidatie", description="Bedreigingen in het portiek.", postcode="5611AB",
            house_number=str(10 + request.node.callspec.params["width"] % 7), street="Kerkstraat",
            city="Eindhoven", reporter_is_anonymous=True), actor=None)
        case = report_triage.escalate_report(report, REASON, actor=coordinator, seen_version=report.version)
        cases.assign_coordinator(case, coordinator.id, actor=coordinator, seen_version=case.version)
        cases.decide_mode(case, "regie", actor=coordinator, seen_version=case.version, regie_kind="casus")
        cases.involve_partner(case, "politie", "Wijkagent", actor=coordinator, seen_version=case.version,
                              contact_name="Agent De Boer")
        cases.add_party(case, "Karel de Vries", "subject", "Woont op nummer 12", actor=coordinator)
        actions.agree(case, "Huisbezoek door de wijkagent", owner="partner:politie", working_days=5,
                      actor=coordinator)
        meetings.plan(case, datetime.now(AMSTERDAM) + timedelta(days=4), "Stadhuis, zaal 2", [], [],
                      actor=coordinator)
        cases.add_note(case, "Eerste gesprek met de bewoners gevoerd.", actor=coordinator)
        reference = case.reference
        db.session.remove()
    return reference


def _login(browser, base_url, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", "coordinator@gdt.test")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _check(axe, page, width, name, folder, full_page=True):
    assert_accessible(axe, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name  # no sideways scrolling
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=full_page)


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_coordinator_works_a_case_from_its_workspace(browser, base_url, axe, case_reference, screenshots, width):
    page = _login(browser, base_url, width)
    page.goto(f"{base_url}/cases/{case_reference}")
    main = page.inner_text("main")
    assert "Waarschuwingen" in main and "Waarom dreigt escalatie?" in main and REASON in main
    assert "Casusregie" in main and "Kerkstraat" in main
    _check(axe, page, width, "case-workspace", screenshots)

    # The section nav jumps to a section.
    page.click("nav[aria-label='Onderdelen van de casus'] >> text=Plan van aanpak")
    assert page.evaluate("location.hash") == "#plan"
    assert page.locator("#plan-heading").is_visible()
    assert page.evaluate("document.getElementById('plan').getBoundingClientRect().top") < 200

    # A step in a dialog, by keyboard only: Enter opens it with focus in the form, Escape closes it and focus
    # returns to the step's button.
    parties = page.locator("a[data-dialog='dialog-parties']")
    parties.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#dialog-parties[open]")
    assert _focused(page) == "parties-name"
    page.keyboard.press("Escape")
    page.wait_for_selector("#dialog-parties:not([open])", state="attached")
    assert page.evaluate("document.activeElement.getAttribute('data-dialog')") == "dialog-parties"

    notes = page.locator("a[data-dialog='dialog-notes']")
    notes.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#dialog-notes[open]")
    assert _focused(page) == "notes-body"
    page.keyboard.type("Huisbezoek afgesproken met de wijkagent.")
    _check(axe, page, width, "case-workspace-dialog", screenshots, full_page=False)  # what the coordinator sees
    page.keyboard.press("Tab")
    assert _focused(page) == "notes-shareable"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert _focused(page) == "Notitie opslaan"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Notitie toegevoegd.")
    journal = page.inner_text("#journaal")
    assert "Huisbezoek afgesproken met de wijkagent." in journal and "gedeeld met ketenpartners" in journal
    assert "Journaalnotitie" in page.inner_text("#geschiedenis")

    # An irreversible step is a page that says what will happen.
    page.click("a[href$='/close']")
    page.wait_for_selector("text=Dit gebeurt als u de casus sluit:")
    assert "Er staat nog 1 afspraak open:" in page.inner_text("main")
    _check(axe, page, width, "case-close-confirmation", screenshots)
    page.click("text=Nee, terug naar de casus")
    page.wait_for_selector("#overzicht")

    # Dropping an action: its own page, with the reason required and named in the error summary.
    page.click("#plan summary")
    page.click("text=Afspraak laten vervallen…")
    page.click("button:has-text('Ja, afspraak laten vervallen')")
    page.wait_for_selector("#error-summary")
    assert "Waarom vervalt de afspraak?: Schrijf waarom de afspraak vervalt." in page.inner_text("#error-summary")
    _check(axe, page, width, "action-drop-refused", screenshots)
    page.context.close()
