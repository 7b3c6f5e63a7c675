"""The one search box in a real browser at 1280 and 320 px, with axe: the coordinator types a misspelt street and
words from a description in the header's box, sees the groups with the words marked, and opens a report."""
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import Report
from gdt.services.core import reference_data
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def reports(live_app):
    with live_app.app_context():
        category = reference_data.category_by_key("geluidsoverlast")
        db.session.add_all([
            Report(reference="GDT-2026-600001", channel="phone", status="received", postcode="5611AB", house_number=4,
                   street="Stratumseind", city="Eindhoven", category=category,
                   received_at=datetime(2026, 11, 2, 9, tzinfo=UTC), reporter_name="Karin Verhoeven",
                   description="Harde bastonen uit het café tot vier uur 's nachts, <elke> vrijdag."),
            Report(reference="GDT-2026-600002", channel="app", status="received", postcode="5611AB", house_number=6,
                   street="Stratumseind", city="Eindhoven", category=category, reporter_is_anonymous=True,
                   received_at=datetime(2026, 11, 3, 9, tzinfo=UTC), description="Glasgerinkel en geschreeuw."),
        ])
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("width", [1280, 320])
def test_a_coordinator_searches_from_the_header(login, axe, reports, width):
    page = login("coordinator", width)
    box = page.get_by_role("search").get_by_label("Zoeken in meldingen, casussen, personen en adressen")
    box.fill("bastonen cafe")
    box.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Gevonden voor “bastonen cafe”")).to_be_visible()
    hits = page.locator("#groep-reports ~ ol > li")
    expect(hits).to_have_count(1)
    expect(hits.locator("mark")).to_have_text(["bastonen", "café"])
    expect(hits).to_contain_text("<elke> vrijdag")  # user text as text
    check_page(axe, page, width, "search-words")

    page.get_by_label("Zoeken", exact=True).fill("Stratumsiend")  # a typo
    page.get_by_role("main").get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    expect(page.locator("#groep-reports ~ ol > li")).to_have_count(2)
    expect(page.locator("#groep-addresses ~ ol > li")).to_have_count(2)
    check_page(axe, page, width, "search-street")
    page.get_by_role("link", name="GDT-2026-600001").click()
    expect(page).to_have_url(re.compile(r"/reports/GDT-2026-600001$"))
