"""The demo admin keeps the chain partners in Chromium, at 1280 and 320 px, with axe on every page: a new partner by
webhook (refused without its URL, then its secret shown once), the secret gone after leaving the page and on Back,
a new secret after the confirmation page, a mail partner refused without its address, and the history."""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from gdt.db import db
from gdt.services.admin import partners
from gdt.services.demo import demo_data
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e
LOGINS = {role: (email, password) for role, email, _name, password in demo_data.DEMO_LOGINS}
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("GDT_E2E_SCREENSHOTS") or tmp_path_factory.mktemp("partner-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def demo(live_app):
    with live_app.app_context():
        demo_data.load_demo(year=None, reports=40, if_empty=False)
        db.session.remove()


def _page(browser, base_url, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", LOGINS["admin"][0])
    page.fill("#password", LOGINS["admin"][1])
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _check(axe, page, width, folder=None, name=None):
    assert_accessible(axe, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    if name:
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


def _secret_of(live_app, key: str) -> str:
    with live_app.app_context():
        secret = partners.webhook_secret(partners.get_partner(key))
        db.session.remove()
    return secret


@pytest.mark.parametrize("width", [1280, 320])
def test_the_admin_keeps_the_partners(browser, base_url, live_app, demo, axe, screenshots, width):
    page = _page(browser, base_url, width)
    page.goto(f"{base_url}/admin/partners")
    assert "e-mail naar politie@" in page.inner_text("table")
    _check(axe, page, width, screenshots, "partners")

    # A new partner by webhook: refused without the URL, then made, and its secret shown on the answer.
    key = f"ggz-zuid-{width}"
    page.click("text=Nieuwe ketenpartner toevoegen")
    page.fill("#key", key)
    page.fill("#name", f"GGZ Zuid {width}")
    page.select_option("#kind", "care")
    page.check("#delivery_method-1")
    page.click("button:has-text('Ketenpartner toevoegen')")
    page.wait_for_selector("#error-summary")
    assert "Vul het webhookadres in" in page.inner_text("#error-summary")
    _check(axe, page, width, screenshots, "new-partner-refused")
    page.fill("#webhook_url", "https://meldingen.ggz-zuid.example/gdt")
    page.click("button:has-text('Ketenpartner toevoegen')")
    page.wait_for_selector("#webhook-secret")
    secret = page.inner_text("#webhook-secret").strip()
    assert secret == _secret_of(live_app, key)
    assert f"Ketenpartner GGZ Zuid {width} is toegevoegd." in page.inner_text("main")
    _check(axe, page, width, screenshots, "webhook-secret")

    # Gone once the admin leaves the page, and not brought back by the Back button.
    page.click("text=Naar de ketenpartner")
    page.wait_for_selector("#wijzigingen")
    assert secret not in page.content() and not HEX64.search(page.inner_text("main"))
    history = page.inner_text("table.gdt-history")
    assert "Nieuw webhookgeheim gemaakt" in history and "Aangemaakt" in history and "Bezorging: Webhook" in history
    _check(axe, page, width, screenshots, "edit-webhook-partner")
    try:  # Chromium keeps no copy of a no-store answer to a POST: Back shows its "resubmit the form?" error page
        page.go_back()
    except PlaywrightError as error:
        assert "ERR_CACHE_MISS" in error.message
    page.wait_for_load_state("load")
    assert secret not in page.inner_text("body")
    page.goto(f"{base_url}/admin/partners/{key}")

    # A new secret: a confirmation page first, then the new one, once; the old one no longer works.
    page.click("text=Nieuw geheim maken")
    page.wait_for_selector("text=Het huidige geheim werkt direct niet meer")
    assert secret not in page.content()
    _check(axe, page, width, screenshots, "rotate-confirmation")
    page.click("button:has-text('Nieuw geheim maken')")
    page.wait_for_selector("#webhook-secret")
    renewed = page.inner_text("#webhook-secret").strip()
    assert renewed != secret and renewed == _secret_of(live_app, key)
    assert "Het vorige werkt niet meer." in page.inner_text("main")
    _check(axe, page, width)

    # A mail partner needs its address.
    page.goto(f"{base_url}/admin/partners/wijkteam")
    page.fill("#email", "")
    page.click("button:has-text('Wijzigingen opslaan')")
    page.wait_for_selector("#error-summary")
    assert "Vul het e-mailadres in" in page.inner_text("#error-summary")
    _check(axe, page, width, screenshots, "mail-partner-refused")
    page.context.close()
