"""The public webform in a real browser: keyboard only, errors first, a confirmation; the back button after
sending and after a refusal; the character counter; axe on every state."""
import shutil

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import Report
from tests.e2e.conftest import CHROMIUM_ARGS, assert_accessible

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
    expect(page.locator("#error-summary")).to_be_focused()  # forms.js moves the focus once the page has loaded
    summary = page.inner_text("#error-summary")
    assert "Wat voor overlast is het?" in summary and "Huisnummer" in summary
    assert page.input_value("#description") == "Elke nacht harde muziek tot drie uur."
    assert_accessible(axe, page)

    page.keyboard.press("Tab")  # the first link in the summary goes to its field: the categories' radio buttons
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first category, chosen with the keyboard
    expect(page.locator("input[name=category][value=geluidsoverlast]")).to_be_checked()
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


@pytest.fixture(scope="module")
def bfcache_browser(browser):
    """Chromium with its back-forward cache on (Playwright turns it off by default), as residents have it."""
    with_cache = browser.browser_type.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS,
                                             ignore_default_args=["--disable-back-forward-cache"])
    yield with_cache
    with_cache.close()


def report_count(live_app) -> int:
    with live_app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Report))
        db.session.remove()
        return count


def open_form(context, base_url, width=1280):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/melden")
    return page


def fill_in(page, description="Elke nacht harde muziek tot drie uur.", category="geluidsoverlast"):
    if category:
        page.check(f"input[name=category][value={category}]")
    page.fill("#description", description)
    page.fill("#postcode", "5611 AB")
    page.fill("#house_number", "12")
    page.fill("#reporter_name", "Anna de Vries")


def send(page):
    page.click("#public-report button[type=submit]")
    page.wait_for_load_state()


def test_back_and_send_again_without_a_back_forward_cache_shows_the_first_kenmerk(browser, base_url, live_app, axe):
    """Playwright's Chromium has no bfcache: Back asks the server again, which knows this form was sent."""
    before = report_count(live_app)
    context = browser.new_context()
    page = open_form(context, base_url)
    form_address = page.url
    fill_in(page)
    send(page)
    reference = page.inner_text("#reference")
    page.go_back()
    assert page.url == form_address
    assert page.inner_text("#reference") == reference and "al verstuurd" in page.inner_text("main")
    assert page.query_selector("#public-report") is None  # nothing that looks like a form still to send
    assert_accessible(axe, page)
    page.click("text=Nog een melding doen")
    assert page.url != form_address and page.input_value("#description") == ""  # a new form when asked for
    assert report_count(live_app) == before + 1
    context.close()


@pytest.mark.parametrize("javascript", [False, True])
def test_back_from_the_back_forward_cache_and_send_again_makes_no_second_report(bfcache_browser, base_url,
                                                                               live_app, javascript):
    before = report_count(live_app)
    context = bfcache_browser.new_context(java_script_enabled=javascript)
    page = open_form(context, base_url)
    form_address = page.url
    fill_in(page)
    send(page)
    reference = page.inner_text("#reference")
    asked = []
    page.on("request", lambda request: asked.append(request.url) if request.resource_type == "document" else None)
    page.go_back(wait_until="commit")
    if javascript:  # the page comes back as it was, sees this form was sent, and asks its address again
        page.wait_for_selector("#reference")
        assert asked == [form_address] and page.inner_text("#reference") == reference
    else:  # the page as it was, text and one-time key: "verstuur" again gets the first report's kenmerk
        page.wait_for_selector("#description")
        assert asked == [] and page.input_value("#description") == "Elke nacht harde muziek tot drie uur."
        send(page)
        assert page.inner_text("#reference") == reference and "al verstuurd" in page.inner_text("main")
    assert report_count(live_app) == before + 1
    context.close()


def test_back_after_refused_submits_shows_the_form_and_never_a_resubmit_page(browser, base_url, live_app, axe):
    before = report_count(live_app)
    context = browser.new_context()
    page = open_form(context, base_url)
    fill_in(page, category=None)
    send(page)  # refused: no category
    page.fill("#description", "Tweede poging, nog steeds zonder soort overlast.")
    send(page)  # refused again
    assert page.is_visible("#error-summary")
    page.go_back()  # to the first refused answer: a POST, shown from the browser's own cache
    assert page.is_visible("#error-summary") and page.is_visible("#public-report")
    assert "Wat voor overlast is het?" in page.inner_text("#error-summary")
    page.check("input[name=category][value=geluidsoverlast]")
    page.fill("#description", "Elke nacht harde muziek tot drie uur.")
    send(page)
    reference = page.inner_text("#reference")
    assert_accessible(axe, page)
    page.go_back()  # the refused answer again, with its one-time key: sending it shows the same kenmerk
    assert page.is_visible("#public-report")
    send(page)
    assert page.inner_text("#reference") == reference
    assert report_count(live_app) == before + 1
    context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_description_says_how_many_characters_are_left(browser, base_url, axe, width):
    context = browser.new_context()
    page = open_form(context, base_url, width)
    counter = page.locator(".gdt-character-count")
    spoken = page.locator("#description-count")
    assert counter.inner_text() == "Nog 5000 tekens over" and counter.get_attribute("aria-hidden") == "true"
    assert spoken.get_attribute("aria-live") == "polite"
    assert "description-count" in page.get_attribute("#description", "aria-describedby")
    page.locator("#description").press_sequentially("Harde muziek")
    assert counter.inner_text() == "Nog 4988 tekens over"
    expect(spoken).to_have_text("Nog 4988 tekens over")  # after a pause in typing, for screen readers
    page.fill("#description", "x" * 5001)
    assert counter.inner_text() == "1 teken te veel" and "error" in counter.get_attribute("class")
    page.fill("#description", "€" * 4998 + "\n🙂")  # characters, not UTF-16 units; a line break is one
    assert counter.inner_text() == "Nog 0 tekens over"
    assert_accessible(axe, page)
    page.screenshot(path=f"/tmp/webform-counter-{width}.png", full_page=True)
    context.close()


def test_a_form_key_copied_into_another_browser_shows_a_fresh_form(browser, base_url, live_app):
    before = report_count(live_app)
    first, second = browser.new_context(), browser.new_context()
    page = open_form(first, base_url)
    copied = page.input_value("input[name=form_key]")
    fill_in(page)
    send(page)
    reference = page.inner_text("#reference")
    other = open_form(second, base_url)
    fill_in(other)
    other.evaluate("key => { document.querySelector('input[name=form_key]').value = key; }", copied)
    send(other)
    assert "in een andere browser geopend" in other.inner_text("[role=alert]")
    assert reference not in other.content() and other.input_value("#description") == ""
    assert other.input_value("input[name=form_key]") != copied
    assert report_count(live_app) == before + 1
    first.close()
    second.close()
