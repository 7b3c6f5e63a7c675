"""Correcting a report before triage and its photos as thumbnails, in a real browser at 1280 and 320 px with axe: the
intake clerk corrects the category, the address (looked up by intake.js) and the description; the coordinator sees
the thumbnails and the history in words, and is refused once the report is triaged. No page scrolls sideways."""
import io

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import User
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachments, report_intake
from gdt.services.triage import report_triage
from tests.e2e.conftest import PASSWORD, check_page

pytestmark = pytest.mark.e2e


def _photo(colour: str) -> bytes:
    image = Image.new("RGB", (1600, 1200), colour)
    ImageDraw.Draw(image).rectangle((400, 300, 1200, 900), fill="white")
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def reference(live_app):
    """A phone report by the e2e intake clerk, with two photos, at Stationsplein 1 (in the BAG)."""
    with live_app.app_context():
        clerk = db.session.scalar(sa.select(User).where(User.email == "intake@gdt.test"))
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Buren draaien elke nacht harde muziek.", postcode="5611AB",
            house_number="1", reporter_name="Piet de Vries", reporter_phone="0612345678"), actor=clerk)
        with unit_of_work():
            for name, colour in (("voordeur.jpg", "steelblue"), ("trappenhuis.jpg", "darkred")):
                attachments.store(report, attachments.prepare(name, _photo(colour)), uploaded_by=clerk)
        reference = report.reference
        db.session.remove()
    return reference


def _login(browser, base_url, width, role):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", f"{role}@gdt.test")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _thumbnails_loaded(page) -> list[int]:
    """The natural widths of the thumbnails once every one has loaded (0 for one that failed)."""
    images = page.locator("#photos img")
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()  # loading="lazy"
    page.wait_for_load_state("networkidle")
    return page.eval_on_selector_all("#photos img", "images => images.map(img => img.complete && img.naturalWidth)")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_clerk_corrects_and_the_coordinator_sees_it_until_triage(browser, base_url, axe, live_app, reference,
                                                                      width):
    clerk = _login(browser, base_url, width, "intake")
    clerk.goto(f"{base_url}/intake/reports/{reference}")
    assert _thumbnails_loaded(clerk) == [320, 320]
    check_page(axe, clerk, width, "report-with-thumbnails-intake")

    clerk.get_by_role("link", name="Corrigeren").click()
    clerk.wait_for_load_state()
    assert clerk.url.endswith(f"/intake/reports/{reference}/correct")
    assert clerk.input_value("#street") == "Stationsplein"
    check_page(axe, clerk, width, "correction-form")

    clerk.select_option("#category", "vervuiling")
    clerk.get_by_role("button", name="Correctie opslaan").click()  # no reason given
    clerk.wait_for_selector("#error-summary")
    assert "Geef de reden van de correctie." in clerk.inner_text("#error-summary")
    check_page(axe, clerk, width, "correction-errors")

    clerk.fill("#postcode", "5612 HC")
    clerk.fill("#house_number", "4")
    clerk.press("#house_number", "Enter")  # intake.js looks the address up in place
    clerk.wait_for_selector("#address-result >> text=Gevonden in de BAG")
    # the old street was not typed, so it is replaced (once the lookup for the new number has answered:
    # typing the postcode may have started one for the old number)
    expect(clerk.locator("#street")).to_have_value("Woenselse Markt")
    clerk.fill("#description", "Buren draaien elke nacht harde muziek, vooral in het weekend.")
    clerk.fill("#reason", "Adres en categorie verkeerd genoteerd aan de telefoon.")
    clerk.get_by_role("button", name="Correctie opslaan").click()
    clerk.wait_for_selector("text=is gecorrigeerd")
    details = clerk.inner_text("main")
    assert "Woenselse Markt 4, 5612 HC Eindhoven" in details and "Vervuiling" in details
    assert "Beschrijving zoals gemeld" in details and "Buren draaien elke nacht harde muziek." in details
    check_page(axe, clerk, width, "report-corrected-intake")

    coordinator = _login(browser, base_url, width, "coordinator")
    coordinator.goto(f"{base_url}/reports/{reference}")
    assert _thumbnails_loaded(coordinator) == [320, 320]
    history = coordinator.inner_text("main")
    assert ("Categorie gewijzigd van Geluidsoverlast naar Vervuiling — reden: Adres en categorie verkeerd genoteerd "
            "aan de telefoon.") in history
    assert "Adres gewijzigd van Stationsplein 1, 5611 AB Eindhoven naar Woenselse Markt 4, 5612 HC Eindhoven" in history
    check_page(axe, coordinator, width, "triage-with-corrections")
    coordinator.get_by_role("link", name="Corrigeren").click()
    coordinator.wait_for_load_state()
    check_page(axe, coordinator, width, "correction-form-coordinator")

    with live_app.app_context():
        from gdt.models import Report
        report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
        actor = db.session.scalar(sa.select(User).where(User.email == "coordinator@gdt.test"))
        report_triage.escalate_report(report, "Dreigt te escaleren.", actor=actor, seen_version=report.version)
        db.session.remove()
    coordinator.fill("#reason", "Te laat.")
    coordinator.select_option("#category", "intimidatie")
    coordinator.get_by_role("button", name="Correctie opslaan").click()  # a form opened before the triage
    coordinator.wait_for_selector("#correction-refused")
    assert "Deze melding is al beoordeeld (in behandeling GDT)" in coordinator.inner_text("#correction-refused")
    check_page(axe, coordinator, width, "correction-refused")
    coordinator.get_by_role("link", name="Terug naar de melding").click()
    coordinator.wait_for_load_state()
    assert coordinator.url.endswith(f"/reports/{reference}")
    clerk.goto(f"{base_url}/intake/reports/{reference}")
    assert clerk.get_by_role("link", name="Corrigeren").count() == 0
