"""A case from escalation to close in a real browser, with a meeting, a decision, and the partner's part by link."""
import re
from datetime import datetime, timedelta

import pytest

from gdt.db import AMSTERDAM, db
from gdt.services.admin import partners
from gdt.services.intake import report_intake
from tests.e2e.conftest import assert_accessible, check_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def reference(live_app):
    with live_app.app_context():
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="intimidatie", description="Buurman bedreigt de bewoners van nummer 14.", postcode="5611AB",
            house_number="14", reporter_is_anonymous=True), actor=None)
        police = partners.get_partner("politie")
        partners.update_partner(police, name=police.name, email="wijkagent@politie.example", kind=police.kind,
                                actor=None)
        found = report.reference
        db.session.remove()
    return found


def test_a_coordinator_runs_a_case_and_the_partner_does_its_part(base_url, login, axe, mailbox, reference, browser):
    page = login("coordinator")
    page.goto(f"{base_url}/reports/{reference}")
    page.fill("#escalate-reason", "Bedreigingen; dreigende escalatie.")
    page.click("button:has-text('Casus openen')")
    page.wait_for_selector("text=is geopend")
    case_url = page.url
    assert_accessible(axe, page)

    open_step(page, "coordinator")
    page.select_option("#coordinator-coordinator", label="Coordinator Test")
    send_step(page, "coordinator")
    page.wait_for_selector("text=Regisseur toegewezen")
    open_step(page, "mode")
    page.check("#mode-mode-1")  # regie
    page.check("#mode-regie_kind-0")  # casusregie
    send_step(page, "mode")
    page.wait_for_selector("text=Werkwijze vastgelegd")
    open_step(page, "partners")
    page.select_option("#partners-partner", "politie")
    page.fill("#partners-role", "Wijkagent")
    page.fill("#partners-contact_name", "Agent De Boer")
    send_step(page, "partners")
    page.wait_for_selector("text=Ketenpartner toegevoegd")

    when = (datetime.now(AMSTERDAM) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    open_step(page, "meetings")
    page.fill("#meetings-starts_at", when)
    page.fill("#meetings-location", "Stadhuis, zaal 2")
    assert page.is_checked("#meetings-partners-0")  # every partner in the case is invited unless unticked
    send_step(page, "meetings")
    page.wait_for_selector("text=gaat per e-mail naar: Politie")
    [invitation] = mailbox.wait_for(1)
    link = re.search(r"http://\S+/casus/\S+", invitation[1].get_content()).group(0)

    page.click("#overleg ul a")
    assert "Casusoverleg" in page.inner_text("h1")
    assert_accessible(axe, page)
    page.click("a:has-text('Overleg verplaatsen')")  # another place, the same day and time (prefilled)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        check_page(axe, page, width, "meeting-move")
    page.fill("#move-location", "Wijkcentrum De Kroon")
    page.click("button:has-text('Overleg verplaatsen')")
    page.wait_for_selector("text=Het overleg is verplaatst naar")
    assert "verplaatst" in mailbox.wait_for(2)[1][1]["Subject"]
    page.check("#hold-earlier_than_planned")  # it is held today, before its planned day
    page.check("#hold-attended-0")
    page.fill("#hold-minutes", "Situatie besproken. Politie legt een huisbezoek af.")
    page.fill("#hold-decisions-0-description", "Huisbezoek door de wijkagent")
    page.select_option("#hold-decisions-0-owner", "partner:politie")
    page.fill("#hold-decisions-0-working_days", "5")
    page.click("button:has-text('Overleg vastleggen')")
    page.wait_for_selector("text=Het overleg is vastgelegd")
    assert "Huisbezoek door de wijkagent" in page.inner_text("main")
    assert_accessible(axe, page)

    partner = browser.new_page()  # no account: the invitation's link
    partner.goto(link)
    assert re.fullmatch(r"http://\S+/casus/\d+", partner.url)  # the token was exchanged for a link session
    assert "Huisbezoek door de wijkagent" in partner.inner_text("main")
    assert "Bedreigingen; dreigende escalatie." not in partner.inner_text("main")  # the triage reason stays internal
    assert_accessible(axe, partner)
    partner.click("summary:has-text('Bijwerken')")
    partner.check("text=Gedaan")
    partner.fill("textarea[id$='-progress']", "Huisbezoek afgelegd, afspraken gemaakt.")
    partner.click("button:has-text('Opslaan')")
    partner.wait_for_selector("text=De afspraak is bijgewerkt")
    partner.close()

    page.goto(case_url)
    assert "Huisbezoek afgelegd" in page.inner_text("main")
    page.click("a:has-text('Casus sluiten')")
    assert "Dit gebeurt als u de casus sluit:" in page.inner_text("main")
    assert_accessible(axe, page)
    page.select_option("#close-result", "de-escalated")
    page.click("button:has-text('Ja, casus sluiten')")
    page.wait_for_selector("text=Casus gesloten")
    assert "Casus heropenen" in page.inner_text("main")
    assert_accessible(axe, page)


def open_step(page, name: str) -> None:
    """A step of the case page: its button opens the step's form in a dialog."""
    page.click(f"a[data-dialog='dialog-{name}']")
    page.wait_for_selector(f"#dialog-{name}[open]")


def send_step(page, name: str) -> None:
    page.click(f"#dialog-{name} button[type=submit]:not([formmethod])")
