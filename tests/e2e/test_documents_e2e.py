"""Case documents in a real browser, with axe at 1280 and 320 px: a coordinator uploads a document on the case page,
opens its page, adds a version and downloads it; the partner of the case sees it among the shared documents."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import Case, CasePartner, Partner, User
from tests import document_files
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def case_reference(live_app):
    with live_app.app_context():
        coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@gdt.test"))
        police = db.session.scalar(sa.select(Partner).where(Partner.key == "politie"))
        earlier = datetime.now(UTC) - timedelta(days=20)
        case = Case(reference="GDT-2026-700001", source="report", status="open", coordinator=coordinator,
                    received_at=earlier, opened_at=earlier)
        db.session.add_all([case, CasePartner(case=case, partner=police, role="Wijkagent")])
        db.session.commit()
        db.session.remove()
    return "GDT-2026-700001"


def test_a_document_from_upload_to_the_partner(login, base_url, axe, case_reference, tmp_path):
    page = login("coordinator")
    page.goto(f"{base_url}/cases/{case_reference}#documenten")
    section = page.locator("#documenten")
    expect(section).to_contain_text("Nog geen documenten bij deze casus.")
    section.locator("summary", has_text="Document toevoegen").click()
    section.get_by_label("Soort document").select_option("rapportage")
    section.get_by_label("Titel").fill("Verslag huisbezoek")
    section.get_by_label("Datum van het document").fill("2026-03-02")
    section.get_by_label("Bestand").set_input_files(
        files=[{"name": "verslag.pdf", "mimeType": "application/pdf", "buffer": document_files.pdf()}])
    section.get_by_label("Zichtbaar voor ketenpartners in deze casus").check()
    section.get_by_role("button", name="Document toevoegen").click()
    expect(page.get_by_text("Het document Verslag huisbezoek is toegevoegd.")).to_be_visible()
    expect(page.locator("#documents")).to_contain_text("Rapportage")
    check_page(axe, page, 1280, "documents-case")

    page.get_by_role("link", name="Verslag huisbezoek").click()
    page.get_by_label("Bestand").set_input_files(
        files=[{"name": "verslag-v2.docx", "mimeType": "application/octet-stream", "buffer": document_files.docx()}])
    page.get_by_role("button", name="Nieuwe versie toevoegen").click()
    expect(page.get_by_text("Versie 2 is toegevoegd.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Versie 2 downloaden").click()
    assert download.value.suggested_filename.endswith("-v2.docx")
    page.get_by_label("Bestand").set_input_files(
        files=[{"name": "script.pdf", "mimeType": "application/pdf", "buffer": document_files.pdf_with_javascript()}])
    page.get_by_role("button", name="Nieuwe versie toevoegen").click()
    expect(page.locator("#error-summary")).to_contain_text("scripts")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check_page(axe, page, width, "documents-document")

    partner = login("partner", width=320)
    partner.goto(f"{base_url}/partner/casussen/{case_reference}")
    expect(partner.locator("#documenten")).to_contain_text("Verslag huisbezoek")
    check_page(axe, partner, 320, "documents-partner")
