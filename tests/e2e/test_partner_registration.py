"""A chain partner registers a case in a real browser; the coordinator finds it in the queue; axe on each page."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_a_partner_registers_and_the_coordinator_sees_it(login, axe, base_url):
    page = login("partner")
    assert page.url.endswith("/partner/doorverwijzingen")
    assert_accessible(axe, page)
    page.click("nav >> text=Aanmeldingen")
    assert page.url.endswith("/partner")
    assert_accessible(axe, page)
    page.click("text=Een casus aanmelden bij het De-escalatieteam")
    assert page.input_value("#registrant_name") == "Partner Test"
    assert_accessible(axe, page)
    page.click("text=Aanmelding versturen")
    expect(page.locator("#error-summary")).to_be_focused()  # forms.js (deferred) moves the focus there
    assert_accessible(axe, page)

    page.select_option("#category", "geluidsoverlast")
    page.fill("#postcode", "5611 AB")
    page.fill("#house_number", "12")
    page.fill("#reason", "Bedreigingen tussen buren; de politie is drie keer ter plaatse geweest.")
    page.get_by_label("GGZ", exact=True).check()
    page.click("text=Aanmelding versturen")
    page.wait_for_selector("text=Uw aanmelding is ontvangen")
    reference = page.url.rsplit("/", 1)[-1]
    assert "Ontvangen" in page.inner_text("main")
    assert_accessible(axe, page)

    coordinator = login("coordinator")
    coordinator.goto(f"{base_url}/reports/{reference}")
    assert "Aanmelding door Politie" in coordinator.inner_text("main")
    assert_accessible(axe, coordinator)
