"""The public webform in a real browser: keyboard only, errors first, a confirmation; axe on every state."""
import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 320])
def test_a_resident_reports_with_the_keyboard_only(browser, base_url, axe, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/melden")
    assert_accessible(axe, page)

    page.locator("#description").focus()
    page.keyboard.type("Elke nacht harde muziek tot drie uur.")
    page.keyboard.press("Tab")  # the photos field
    page.keyboard.press("Tab")
    page.keyboard.type("5611 AB")
    page.locator("#postcode").press("Enter")  # no category, no house number, no name
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary = page.inner_text("#error-summary")
    assert "Wat voor overlast is het?" in summary and "Huisnummer" in summary
    assert page.input_value("#description") == "Elke nacht harde muziek tot drie uur."
    assert_accessible(axe, page)

    page.keyboard.press("Tab")  # the first link in the summary goes to its field
    page.keyboard.press("Enter")
    page.select_option("#category", "geluidsoverlast")
    page.locator("#house_number").focus()
    page.keyboard.type("12")
    page.locator("#reporter_name").focus()
    page.keyboard.type("Anna de Vries")
    page.keyboard.press("Tab")
    page.keyboard.type("anna@example.nl")
    page.locator("#reporter_may_contact").focus()
    page.keyboard.press("Space")
    page.locator("#reporter_may_contact").press("Enter")
    page.wait_for_selector("#reference")
    assert page.inner_text("#reference").startswith("GDT-")
    assert_accessible(axe, page)
    context.close()
