"""The privacy officer in a real browser at 1280 and 320 px with axe: records an erasure request for a report, is
told a refusal needs a ground, erases the report, finds the request read-only and decided in the list, and reads
the processing register. No page scrolls sideways."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import Report
from gdt.services.privacy import subject_requests
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 320])
def test_the_privacy_officer_records_and_decides_an_erasure(login, base_url, axe, live_app, privacy_report, width):
    reference = privacy_report
    page = login("privacy", width)
    page.goto(f"{base_url}/privacy/verzoeken")
    check_page(axe, page, width, "subject-requests")

    with page.expect_navigation():
        page.get_by_role("link", name="Nieuw verzoek vastleggen").click()
    page.get_by_label("Wissen (art. 17)").check()
    page.fill("#received_on", (subject_requests.today() - timedelta(days=3)).isoformat())
    page.fill("#subject_name", "Piet de Vries")
    page.fill("#references", f"{reference}, GDT-1999-000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Verzoek vastleggen").click()
    expect(page.locator("#error-summary")).to_contain_text("GDT-1999-000000")
    check_page(axe, page, width, "subject-request-new-refused")
    page.fill("#references", reference)
    with page.expect_navigation():
        page.get_by_role("button", name="Verzoek vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verzoek AVG-")
    expect(page.get_by_label(reference)).to_be_checked()
    check_page(axe, page, width, "subject-request-erasure")

    with page.expect_navigation():
        page.get_by_role("button", name="Verzoek afwijzen").click()
    expect(page.locator("#error-summary")).to_contain_text("Kies de grond")

    with page.expect_navigation():
        page.get_by_role("button", name="Gekozen meldingen en casussen wissen").click()
    expect(page.get_by_text(f"Gewist: {reference}")).to_be_visible()
    expect(page.get_by_text("Dit verzoek is beslist en kan niet meer worden gewijzigd.")).to_be_visible()
    expect(page.get_by_role("button", name="Verzoek afwijzen")).to_have_count(0)
    check_page(axe, page, width, "subject-request-decided")
    with live_app.app_context():
        erased = db.session.scalar(sa.select(Report).where(Report.reference == reference))
        assert (erased.description, erased.reporter_name) == (None, None)
        db.session.remove()

    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar de verzoeken").click()
    expect(page.locator("table")).to_contain_text("Toegewezen")

    page.goto(f"{base_url}/privacy/verwerkingsregister")
    expect(page.get_by_role("heading", name="Ontvangers")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Politie")
    check_page(axe, page, width, "processing-register")
