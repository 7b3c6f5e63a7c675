"""Mijn melding in a real browser, with axe at 1280 and 320 px: the resident adds a logbook entry with a photo (its
EXIF gone when stored), the coordinator reads it on the report page, and expired and tampered links are refused
with how to get a new one."""
import time

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import User
from gdt.models.resident import ResidentLogEntry
from gdt.services.core import resident_links
from gdt.services.core.attachment_store import directory
from gdt.services.intake import report_intake
from tests import attachment_files as files
from tests import dates
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e

TEXT = "Weer harde bas en gebonk op de vloer, tot na middernacht."


@pytest.fixture(scope="module")
def link(live_app):
    """A phone report by a resident who may be contacted, and the path of their link."""
    with live_app.app_context(), live_app.test_request_context():
        clerk = db.session.scalar(sa.select(User).where(User.email == "intake@gdt.test"))
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Harde muziek tot diep in de nacht.", postcode="5611AB",
            house_number="3", reporter_name="Els de Boer", reporter_email="els@example.nl",
            reporter_may_contact=True), actor=clerk)
        found = report.reference, resident_links.page_path(report)
        db.session.remove()
    return found


def test_the_resident_keeps_a_logbook_with_a_photo(live_app, browser, base_url, axe, login, link, tmp_path):
    reference, path = link
    photo = tmp_path / "trap.jpg"
    photo.write_bytes(files.jpeg_with_gps(size=(640, 480)))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Uw melding {reference}")
    expect(page.locator("#status")).to_have_text("Ontvangen")
    check_page(axe, page, 1280, "resident-page")

    logbook = page.locator("#logboek")
    logbook.get_by_label("Datum").fill(dates.today().isoformat())
    logbook.get_by_label("Tijd").fill("23:30")
    logbook.get_by_label("Hoe lang duurde het? (minuten)").fill("40")
    logbook.get_by_label("Wat gebeurde er?").fill(TEXT)
    logbook.get_by_label("Foto's").set_input_files(str(photo))
    logbook.get_by_role("button", name="Aantekening toevoegen").click()
    expect(page.get_by_text("Dank u wel. Uw aantekening staat in het logboek.")).to_be_visible()
    expect(logbook).to_contain_text(TEXT)
    expect(logbook).to_contain_text("40 minuten")
    expect(logbook).to_contain_text("trap.jpg")
    check_page(axe, page, 1280, "resident-logbook")

    logbook.get_by_label("Wat gebeurde er?").fill("")
    logbook.get_by_role("button", name="Aantekening toevoegen").click()
    expect(page.locator("#error-summary")).to_contain_text("Beschrijf wat er gebeurde.")
    check_page(axe, page, 1280, "resident-logbook-refused")
    context.close()

    with live_app.app_context():
        [entry] = db.session.scalars(sa.select(ResidentLogEntry)).all()
        [stored] = entry.attachments
        with Image.open(directory() / stored.storage_name) as image:
            assert dict(image.getexif()) == {}
        db.session.remove()

    narrow = browser.new_context(viewport={"width": 320, "height": 800})
    small = narrow.new_page()
    small.goto(f"{base_url}{path}")
    expect(small.locator("#logboek")).to_contain_text(TEXT)
    check_page(axe, small, 320, "resident-page")
    narrow.close()

    staff = login("coordinator")
    staff.goto(f"{base_url}/reports/{reference}#logboek-melder")
    section = staff.locator("#logboek-melder")
    expect(section).to_contain_text(TEXT)
    expect(section.get_by_role("img")).to_have_count(1)
    check_page(axe, staff, 1280, "resident-logbook-report")


def test_expired_and_tampered_links_say_how_to_get_a_new_one(live_app, browser, base_url, axe, link):
    _, path = link
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{base_url}{path[:-3]}abc")
        expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet")
        expect(page.get_by_text("Bel 14 040 en noem uw kenmerk.")).to_be_visible()
        check_page(axe, page, width, "resident-link-tampered")
        context.close()

    live_app.config["RESIDENT_LINK_DAYS"] = 0
    try:
        time.sleep(1.1)
        for width in (1280, 320):
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            response = page.goto(f"{base_url}{path}")
            assert response.status == 410
            expect(page.get_by_role("heading", level=1)).to_have_text("Deze link is verlopen")
            check_page(axe, page, width, "resident-link-expired")
            context.close()
    finally:
        live_app.config["RESIDENT_LINK_DAYS"] = 180
