"""The archivist and the coordinator in a real browser at 1280 and 320 px with axe: the archivist opens the retention
rules from the menu, is told a wrong period is wrong, changes one and sees it in its history, places a legal hold by
a case's reference and lifts it; the coordinator sees a closed case's destruction date, is told a hold needs a
reason, places one from the case page and lifts it. No page scrolls sideways."""
import itertools
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import Case, User
from gdt.services.admin import users
from gdt.services.retention import rules
from tests.e2e.conftest import PASSWORD, check_page

pytestmark = pytest.mark.e2e
_numbers = itertools.count(1)


@pytest.fixture
def world(live_app):
    """The archivist's and a coordinator's accounts, the default rules and a closed case of that coordinator."""
    with live_app.app_context():
        accounts = {}
        for email, name, role in (("archivist@gdt.test", "Anouk Archivaris", "archivist"),
                                  ("regie-bewaren@gdt.test", "Ruud Regisseur", "coordinator")):
            user = db.session.scalar(sa.select(User).where(User.email == email))
            accounts[role] = user or users.create_user(email, name, role, PASSWORD, actor=None)
        rules.ensure_defaults()
        moment = datetime(2026, 12, 3, 10, tzinfo=UTC)
        case = Case(reference=f"GDT-E2E-B{next(_numbers)}", source="report", status="closed", mode="advice",
                    received_at=moment, opened_at=moment, closed_at=moment, result="de-escalated",
                    coordinator_id=accounts["coordinator"].id, archive_nomination="destroy",
                    destruction_due_on=date(2031, 12, 3))
        db.session.add(case)
        db.session.commit()
        reference = case.reference
        db.session.remove()
    return reference


def _login(browser, base_url, width, email):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _menu(page, name):
    """The header menu's link; on a narrow screen the menu folds and opens first."""
    link = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        page.locator(".gdt-nav__compact summary").first.click()
    with page.expect_navigation():
        link.click()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_archivist_changes_a_rule_and_places_and_lifts_a_hold(browser, base_url, axe, live_app, world, width):
    case_reference = world
    page = _login(browser, base_url, width, "archivist@gdt.test")
    _menu(page, "Bewaartermijnen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewaartermijnen")
    expect(page.get_by_role("row").filter(has_text="Overgedragen aan Zorg- en Veiligheidshuis")).to_contain_text(
        "21.1.3")
    check_page(axe, page, width, "retention-rules")

    with page.expect_navigation():
        page.get_by_role("row").filter(has_text="Gestopt").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gestopt")
    page.get_by_label("Bewaartermijn in maanden").fill("0")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#error-summary")).to_contain_text("Geef een termijn in hele maanden")
    check_page(axe, page, width, "retention-rule-refused")
    page.get_by_label("Bewaartermijn in maanden").fill("18")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("row").filter(has_text="Gestopt").first).to_contain_text("18 maanden")
    with page.expect_navigation():
        page.get_by_role("row").filter(has_text="Gestopt").get_by_role("link").click()
    expect(page.get_by_role("table")).to_contain_text("Termijn in maanden: 12 → 18")
    check_page(axe, page, width, "retention-rule-edit")
    page.get_by_label("Bewaartermijn in maanden").fill("12")  # as it was, for the other width
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()

    _menu(page, "Bewaarplichten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewaarplichten")
    with page.expect_navigation():
        page.get_by_role("link", name="Bewaarplicht plaatsen").click()
    page.get_by_label("Kenmerk van de casus").fill(case_reference)
    page.get_by_label("Reden").fill("Klacht bij de Nationale ombudsman")
    check_page(axe, page, width, "legal-hold-new")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaarplicht plaatsen").click()
    row = page.get_by_role("row").filter(has_text=case_reference)
    expect(row).to_contain_text("Klacht bij de Nationale ombudsman")
    expect(row).to_contain_text("Anouk Archivaris")
    check_page(axe, page, width, "legal-holds")
    with page.expect_navigation():
        row.get_by_role("button", name="Opheffen").click()
    expect(page.get_by_text("Er geldt nu geen bewaarplicht.")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_coordinator_places_and_lifts_a_hold_on_the_case_page(browser, base_url, axe, live_app, world, width):
    case_reference = world
    page = _login(browser, base_url, width, "regie-bewaren@gdt.test")
    page.goto(f"{base_url}/cases/{case_reference}")
    section = page.locator("#bewaren")
    expect(section).to_contain_text("Te vernietigen na 3 december 2031")
    section.get_by_text("Bewaarplicht plaatsen", exact=True).first.click()  # the <details>
    with page.expect_navigation():
        section.get_by_role("button", name="Bewaarplicht plaatsen").click()
    expect(page.locator("#error-summary")).to_contain_text("Geef de reden van de bewaarplicht")
    check_page(axe, page, width, "legal-hold-refused")
    page.get_by_label("Reden").fill("Lopende rechtszaak")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaarplicht plaatsen").click()
    section = page.locator("#bewaren")
    expect(section).to_contain_text("Lopende rechtszaak")
    expect(section).to_contain_text("tot die wordt opgeheven")
    check_page(axe, page, width, "case-legal-hold")
    with page.expect_navigation():
        section.get_by_role("button", name="Opheffen").click()
    expect(page.locator("#bewaren")).not_to_contain_text("Lopende rechtszaak")
