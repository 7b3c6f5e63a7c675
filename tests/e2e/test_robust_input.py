"""Robust input as a person meets it, in Chromium at 1280 and 320 px: a list page asked for a page far past its
end shows its last page with the shared pagination; the webform answers a name with a hidden bidi override
and two e-mail addresses with Dutch messages in the error summary. axe on every page, no sideways scrolling."""
import pytest

from gdt.db import db
from gdt.models import Partner
from gdt.services.intake import partner_registrations
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_webform import fill_in, open_form, send

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 320)


def check(page, axe, tmp_path, name: str, selector: str = "html") -> None:
    """At each width: axe finds nothing and `selector` (the part this test is about) needs no sideways scrolling."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        right = page.evaluate(f"Math.max(...[...document.querySelectorAll('{selector}')]"
                              ".map(element => element.getBoundingClientRect().right))")
        assert right <= width, (name, width, right)
        assert_accessible(axe, page)


@pytest.fixture
def two_pages(live_app):
    """The police's registrations, one to a page."""
    with live_app.app_context():
        police = db.session.scalar(db.select(Partner).where(Partner.key == "politie"))
        for street in ("Stratumseind", "Kerkstraat", "Markt"):
            partner_registrations.register(partner_registrations.RegistrationInput(
                registrant_name="Wendy Wijkagent", category="geluidsoverlast", postcode="5611AB", house_number="12",
                street=street, reason="Bedreigingen tussen buren."), partner=police)
        db.session.remove()
    saved = live_app.config["PER_PAGE"]
    live_app.config["PER_PAGE"] = 1
    yield
    live_app.config["PER_PAGE"] = saved


def test_a_page_far_past_the_end_shows_the_last_page(login, base_url, axe, tmp_path, two_pages):
    page = login("partner")
    page.goto(f"{base_url}/partner?page={'4' * 40}")
    assert page.locator("[aria-current=page]").last.inner_text() == page.locator(
        ".utrecht-pagination__page-link").last.inner_text()
    assert "Pagina 3 van 3 (3 in totaal)" in page.inner_text("main")
    check(page, axe, tmp_path, "partner-last-page", ".utrecht-pagination a, .utrecht-pagination [aria-current]")
    page.click("a[rel=prev]")
    page.wait_for_load_state()
    assert page.url.endswith("page=2") and "Pagina 2 van" in page.inner_text("main")
    page.goto(f"{base_url}/partner?page=-1")
    assert "Pagina 1 van" in page.inner_text("main")


def test_the_webform_explains_a_hidden_character_in_the_name_and_a_second_address(browser, base_url, axe, tmp_path):
    context = browser.new_context()
    page = open_form(context, base_url)
    fill_in(page)
    page.fill("#reporter_name", "Piet \u202egnp.exe")
    page.fill("#reporter_email", "piet@example.nl, eve@evil.example")
    send(page)
    main = page.inner_text("main")
    assert "Gebruik in een naam alleen zichtbare tekens: letters, cijfers, spaties en leestekens." in main
    assert "Vul één e-mailadres in, zonder komma, puntkomma, spatie of naam ervoor." in main
    assert main.count("alleen zichtbare tekens") == 2  # in the error summary and at the field
    check(page, axe, tmp_path, "webform-name-and-address", "main, main *")
    context.close()
