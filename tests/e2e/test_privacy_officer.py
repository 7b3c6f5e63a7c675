"""The privacy officer in a real browser at 1280 and 320 px with axe: lands on the audit trail, filters it by
reference (in the address) and by person (never in the address), exports it as CSV, finds the person and downloads
the inspection export as PDF and JSON. No page scrolls sideways."""
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import AuditEvent
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 320])
def test_the_privacy_officer_searches_the_trail_finds_a_person_and_exports(login, base_url, axe, live_app,
                                                                         privacy_report, width):
    reference = privacy_report
    page = login("privacy", width)
    expect(page.get_by_role("heading", level=1)).to_have_text("Audittrail")  # the role's start page
    check_page(axe, page, width, "privacy-audit-trail")

    page.fill("#reference", reference)
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken", exact=True).click()
    assert f"reference={reference}" in page.url
    expect(page.locator("table")).to_contain_text(reference)
    expect(page.locator("table")).to_contain_text("Aangemaakt")

    page.fill("#reference", "")
    page.fill("#person_phone", "+31 6 1234 5678")
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken", exact=True).click()
    assert "1234" not in page.url and "person" not in page.url
    expect(page.locator("table")).to_contain_text(reference)
    check_page(axe, page, width, "privacy-audit-trail-person")

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Exporteren als CSV").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Wanneer;Medewerker;") and reference in text

    with page.expect_navigation():
        page.get_by_role("link", name="Een persoon zoeken voor een inzageverzoek").click()
    check_page(axe, page, width, "privacy-people")
    page.get_by_label("Naam").fill("de vries")
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken").click()
    assert "vries" not in page.url.lower()
    expect(page.locator("table")).to_contain_text(reference)
    expect(page.locator("table")).to_contain_text("Melder")
    expect(page.get_by_label(f"{reference} kiezen voor de inzage")).to_be_checked()
    check_page(axe, page, width, "privacy-people-found")

    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Inzage-export als PDF").click()
    assert Path(pdf_download.value.path()).read_bytes()[:4] == b"%PDF"
    with page.expect_download() as json_download:
        page.get_by_role("button", name="Inzage-export als JSON").click()
    document = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert reference in [part["reference"] for part in document["reports"]]
    assert {part["contact"]["name"] for part in document["reports"]} == {"Piet de Vries"}

    page.goto(f"{base_url}/privacy/inzage?references={reference}")  # as from an inspection request's page
    expect(page.get_by_label("Kenmerken van meldingen en casussen")).to_have_value(reference)
    check_page(axe, page, width, "privacy-inspection")
    with page.expect_navigation():
        page.get_by_role("button", name="Inzage-export als PDF").click()  # who the person is, is missing
    expect(page.locator("#error-summary")).to_contain_text("ten minste één zoekgegeven")
    check_page(axe, page, width, "privacy-inspection-refused")

    with live_app.app_context():
        searched = db.session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "search",
                                                                         AuditEvent.object_type == "person")).all()
        exported = db.session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.object_type == "inspection",
                                                                         AuditEvent.object_ref == reference)).all()
        db.session.remove()
    assert any(detail["fields"] == ["name"] for detail in searched) and "Vries" not in json.dumps(searched)
    assert {"format": "pdf", "fields": ["name"]} in exported and {"format": "json", "fields": ["name"]} in exported
