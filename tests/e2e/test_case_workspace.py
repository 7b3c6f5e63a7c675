"""The case page as the coordinator's workspace in Chromium at 1280 and 320 px, walked as the demo coordinator on the
demo data (`flask demo`: three years of reports and cases): the section nav, a step opened in a dialog and sent
with the keyboard alone, a confirmation page, axe on each (with a dialog open too) and no sideways scrolling.
Screenshots go to GDT_E2E_SCREENSHOTS when set, else to a temporary folder named in the test's output."""
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import Case, Meeting
from gdt.services.demo import demo_data
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e
COORDINATOR = next((email, password) for role, email, _name, password in demo_data.DEMO_LOGINS
                   if role == "coordinator")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("GDT_E2E_SCREENSHOTS") or tmp_path_factory.mktemp("case-workspace-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\ncase workspace screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def demo_cases(live_app) -> list[str]:
    """The demo data at its default size; the running cases with a meeting held, a meeting planned and open
    actions are the ones a coordinator works on."""
    with live_app.app_context():
        demo_data.load_demo(year=None, reports=3000, if_empty=False)
        running = db.session.scalars(sa.select(Case.reference).join(Meeting, Meeting.case_id == Case.id).where(
            Meeting.status == "held", Case.status == "open").order_by(Case.id)).all()
        db.session.remove()
    assert len(running) >= 4
    return running


@pytest.fixture
def case_reference(demo_cases, request) -> str:
    return demo_cases[[1280, 320].index(request.node.callspec.params["width"])]


def _login(browser, base_url, width, javascript=True):
    page = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", COORDINATOR[0])
    page.fill("#password", COORDINATOR[1])
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
    warnings = page.inner_text("#waarschuwingen")
    assert "Waarschuwingen" in warnings and "Waarom dreigt escalatie?" in warnings
    assert any(reason in warnings for reason in [*demo_data.ESCALATION_REASONS.values(), demo_data.ESCALATION_REASON])
    assert "Rob Regisseur" in page.inner_text("#overzicht")
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
    assert "Er staan nog 2 afspraken open:" in page.inner_text("main")
    _check(axe, page, width, "case-close-confirmation", screenshots)
    page.click("text=Nee, terug naar de casus")
    page.wait_for_selector("#overzicht")

    # Dropping an action: its own page, with the reason required and named in the error summary.
    page.click("#plan details summary")
    page.click("text=Afspraak laten vervallen…")
    page.click("button:has-text('Ja, afspraak laten vervallen')")
    page.wait_for_selector("#error-summary")
    assert "Waarom vervalt de afspraak?: Schrijf waarom de afspraak vervalt." in page.inner_text("#error-summary")
    _check(axe, page, width, "action-drop-refused", screenshots)
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_without_javascript_each_step_is_its_own_page(browser, base_url, axe, demo_cases, screenshots, width):
    reference = demo_cases[2 + [1280, 320].index(width)]
    plain = _login(browser, base_url, width, javascript=False)  # axe and measuring need a script: done below
    plain.goto(f"{base_url}/cases/{reference}")
    plain.click("a[data-dialog='dialog-notes']")  # no script: the link is followed
    assert plain.url.endswith(f"/cases/{reference}/notes") and plain.inner_text("h1") == "Notitie toevoegen"
    plain.fill("#notes-body", "Zonder JavaScript vastgelegd.")
    plain.click("button:has-text('Notitie opslaan')")
    plain.wait_for_selector("text=Notitie toegevoegd.")
    assert "Zonder JavaScript vastgelegd." in plain.inner_text("#journaal")
    plain.context.close()

    page = _login(browser, base_url, width)
    page.goto(f"{base_url}/cases/{reference}/notes")
    _check(axe, page, width, "step-page-notes", screenshots)
    page.goto(f"{base_url}/cases/{reference}/merge")
    page.fill("#merge-target", demo_cases[0])
    page.click("button:has-text('Verder')")
    page.wait_for_selector("text=Ja, samenvoegen")
    assert f"samenvoegen met casus {demo_cases[0]}?" in page.inner_text("h1")
    _check(axe, page, width, "merge-confirmation", screenshots)
    page.click("text=Nee, terug naar de casus")
    page.click("#overleg li:last-child a")  # the planned meeting
    assert "Gehouden op" in page.inner_text("main")
    _check(axe, page, width, "meeting-hold-form", screenshots)
    page.click("text=Overleg afzeggen…")
    page.wait_for_selector("text=Ja, overleg afzeggen")
    _check(axe, page, width, "meeting-cancel-confirmation", screenshots)
    page.context.close()
