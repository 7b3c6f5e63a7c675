"""Partner links and offboarding in a real browser, at 1280 and 320 px, with axe on every page visited.

A partner's links open at a clean address (the token never stays in the address bar) and show what was shared
with the referral; the coordinator takes the partner off the case after a confirmation; the admin deactivates the
partner and sees what that cut off; after that the partner's user, its open link pages and its mailed links are
refused with a clear Dutch message.
"""
import os
from pathlib import Path

import pytest

from gdt.db import db
from gdt.services.admin import partners, users
from gdt.services.casework import bundling, cases
from gdt.services.core import partner_links
from gdt.services.intake import report_intake
from gdt.services.referrals import routing
from gdt.services.triage import report_triage
from tests.e2e.conftest import PASSWORD, assert_accessible

pytestmark = pytest.mark.e2e
SCREENSHOTS = os.environ.get("GDT_E2E_SCREENSHOTS")  # a folder: keep a screenshot of each page for review


@pytest.fixture(scope="module")
def admin(live_app):
    with live_app.app_context():
        users.create_user("admin@gdt.test", "Admin Test", "admin", PASSWORD, actor=None)
        db.session.remove()


def _report(description: str, email: str):
    return report_intake.register_phone_report(report_intake.ReportInput(
        category="geluidsoverlast", description=description, postcode="5611AB", house_number="12",
        reporter_name=email.split("@")[0].title(), reporter_email=email, reporter_may_contact=True), actor=None)


@pytest.fixture
def world(live_app, admin, request):
    """Per width: a partner with a user, taking part in a case, with advice handed to it before a later report
    was bundled in; the links it was mailed."""
    width = request.node.callspec.params["width"]
    key = f"ggz-{width}"
    with live_app.app_context():
        coordinator = users.user_by_email("coordinator@gdt.test")
        partner = partners.create_partner(key, f"GGZ Zuid {width}", email=f"{key}@example.nl", kind="care",
                                          actor=None)
        users.create_user(f"{key}@gdt.test", "Gerda GGZ", "partner", PASSWORD, actor=None, partner_key=key)
        first = _report("Harde muziek tot diep in de nacht.", "anna@example.nl")
        case = report_triage.escalate_report(first, "Dreiging", actor=coordinator, seen_version=first.version)
        cases.involve_partner(case, key, "Behandelaar", actor=coordinator, seen_version=case.version)
        referral = routing.refer_case(case, key, "Kunt u de bewoner benaderen?", actor=coordinator,
                                      seen_version=case.version)
        later = _report("Bedreigd in het trappenhuis.", "bert.later@example.nl")
        bundling.add_report(case, later.reference, actor=coordinator, seen_version=case.version)
        found = {"key": key, "name": partner.name, "case": case.reference, "case_id": case.id,
                 "referral_id": referral.id, "later": later.reference,
                 "referral_link": f"/doorverwijzing/{partner_links.issue(referral)}",
                 "case_link": f"/casus/{partner_links.issue_for_case(case.id, partner.id)}"}
        db.session.remove()
    return found


def _page(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _login(browser, base_url, width, email):
    page = _page(browser, width)
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _check(axe, page, width, name, *, reflow=True):
    """axe; no sideways scrolling (WCAG 1.4.10) on the pages this test is about; a screenshot when asked for.

    `reflow=False` for the coordinator's case page: its wide tables and two-column grid scroll sideways at 320 px,
    as they did before these changes.
    """
    assert_accessible(axe, page)
    if reflow:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 320])
def test_links_removal_from_a_case_and_offboarding(browser, base_url, axe, world, width):
    # The mailed links open at clean addresses and show what was shared with the referral.
    visitor = _page(browser, width)
    visitor.goto(base_url + world["referral_link"])
    assert visitor.url == f"{base_url}/doorverwijzing/{world['referral_id']}"
    main = visitor.inner_text("main")
    assert "Harde muziek" in main and "anna@example.nl" in main
    assert world["later"] not in main and "bert.later@example.nl" not in main
    [cookie] = [cookie for cookie in visitor.context.cookies() if cookie["name"] == "gdt_link"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert cookie["path"] == f"/doorverwijzing/{world['referral_id']}"
    _check(axe, visitor, width, "referral-link")
    visitor.goto(base_url + world["case_link"])
    assert visitor.url == f"{base_url}/casus/{world['case_id']}"
    _check(axe, visitor, width, "case-link")
    member = _login(browser, base_url, width, f"{world['key']}@gdt.test")
    member.goto(f"{base_url}/partner/casussen/{world['case']}")
    assert "Plan van aanpak" in member.inner_text("main")

    # The coordinator takes the partner off the case, after a confirmation.
    coordinator = _login(browser, base_url, width, "coordinator@gdt.test")
    coordinator.goto(f"{base_url}/cases/{world['case']}")
    coordinator.click(f"text={world['name']} uit de casus halen")
    assert "uit casus" in coordinator.inner_text("h1")
    assert "werkt niet meer" in coordinator.inner_text("main")
    _check(axe, coordinator, width, "remove-partner-confirm")
    coordinator.click("button:has-text('Ja, uit de casus halen')")
    coordinator.wait_for_selector(f"text={world['name']} is uit de casus gehaald")
    _check(axe, coordinator, width, "case-after-removal", reflow=False)
    visitor.reload()
    assert "Open de link uit de e-mail" in visitor.inner_text("main")
    visitor.goto(base_url + world["case_link"])
    assert "niet (meer) betrokken bij deze casus" in visitor.inner_text("main")
    _check(axe, visitor, width, "case-link-refused")

    # The admin sees what deactivating cuts off, deactivates, and reads back what was cut off.
    admin = _login(browser, base_url, width, "admin@gdt.test")
    admin.goto(f"{base_url}/admin/partners/{world['key']}")
    assert "Deactiveren sluit de organisatie direct af" in admin.inner_text("main")
    _check(axe, admin, width, "partner-before-deactivation")
    admin.click("button:has-text('Ketenpartner deactiveren')")
    admin.wait_for_selector(f"text=Ketenpartner {world['name']} is gedeactiveerd")
    summary = admin.inner_text("[role=status]")
    assert "1 gebruiker kan niet meer inloggen: 1 sessie is beëindigd" in summary
    assert "1 geopende link is direct gesloten" in summary
    _check(axe, admin, width, "partner-deactivated")

    member.reload()
    assert member.url.startswith(f"{base_url}/login")
    visitor.goto(f"{base_url}/doorverwijzing/{world['referral_id']}")
    assert "Open de link uit de e-mail" in visitor.inner_text("main")
    visitor.goto(base_url + world["referral_link"])
    assert "Deze link werkt niet meer" in visitor.inner_text("main")
    _check(axe, visitor, width, "referral-link-refused")
    for page in (visitor, member, coordinator, admin):
        page.context.close()
