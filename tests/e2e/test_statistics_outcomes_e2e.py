""""Werkt het?" on the statistics page in a real browser as a manager, at 1280 and 320 px, with axe: the table of
contents leads to the section, its five tables have captions, small counts read "< 5", nothing scrolls sideways."""
import pytest
from playwright.sync_api import expect

from gdt.db import db
from tests.e2e.conftest import check_page
from tests.factories import Builders
from tests.services.test_outcome_statistics import build_outcomes_2025

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outcomes_2025(live_app):
    with live_app.app_context():
        build_outcomes_2025(Builders(db.session))
        db.session.remove()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_manager_reads_what_worked(login, base_url, axe, outcomes_2025, width):
    page = login("manager", width)
    page.goto(f"{base_url}/statistics/2025")
    page.locator("nav.gdt-toc a", has_text="Werkt het?").click()
    assert page.url.endswith("#outcomes")
    section = page.locator("#outcomes")
    expect(section.get_by_role("heading", name="Werkt het?")).to_be_in_viewport()
    expect(section.locator("table caption")).to_have_count(5)
    interventions = section.get_by_role("table", name="Interventies per soort, 2025")
    expect(interventions.get_by_role("row", name="Gesprek")).to_contain_text("66,7 %")
    expect(interventions.get_by_role("row", name="Buurtbemiddeling")).to_contain_text("< 5")
    recurrence = section.locator("table").nth(2)
    expect(recurrence.get_by_role("row", name="Aandeel met nieuwe melding")).to_contain_text("29,4 %")
    expect(section.get_by_role("row", name="Gemiddelde score")).to_contain_text("4,3")
    check_page(axe, page, width, "statistics-outcomes")
    section.screenshot(path=f"/tmp/gdt-outcomes-{width}.png")
