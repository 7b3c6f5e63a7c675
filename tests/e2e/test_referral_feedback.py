"""From triage to the partner's feedback in a real browser: the referral mail's link works without an account,
its token is exchanged for a link session at once, and after the final answer only the reference and answer show."""
import re
from urllib.parse import urlsplit

import pytest

from gdt.db import db
from gdt.services.admin import partners
from gdt.services.intake import report_intake
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def report_reference(live_app):
    with live_app.app_context():
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Nachtelijk geschreeuw en gebonk.", postcode="5611AB",
            house_number="12", reporter_name="Anna de Vries", reporter_email="anna@example.nl",
            reporter_may_contact=True), actor=None)
        reference = report.reference
        police = partners.get_partner("politie")
        partners.update_partner(police, name=police.name, email="meldingen@politie.example", kind=police.kind,
                                actor=None)
        db.session.remove()
    return reference


def test_a_referral_reaches_the_partner_whose_feedback_reaches_the_team(live_app, base_url, login, axe, mailbox,
                                                                        report_reference):
    coordinator = login("coordinator")
    assert coordinator.url.endswith("/start")
    assert_accessible(axe, coordinator)

    coordinator.goto(f"{base_url}/reports/{report_reference}")
    coordinator.select_option("#refer-partner", "politie")
    coordinator.fill("#refer-question", "Wilt u de wijkagent langs laten gaan?")
    coordinator.fill("#refer-reason", "Burenruzie; de wijkagent kent het adres.")
    coordinator.click("button:has-text('Doorverwijzen')")
    coordinator.wait_for_selector("text=Melding doorverwezen")
    assert "Bezorging" in coordinator.inner_text("main")
    assert_accessible(axe, coordinator)

    [referral_mail] = [mail for recipients, mail in mailbox.wait_for(2) if "Doorverwijzing" in mail["Subject"]]
    link = re.search(r"http://\S+/doorverwijzing/\S+", referral_mail.get_content()).group(0)
    assert "Nachtelijk" not in referral_mail.get_content() and "wijkagent" not in referral_mail.get_content()
    assert "Het team stelt u een vraag" in referral_mail.get_content()  # the question itself stays behind the link

    partner = coordinator.context.browser.new_page()  # no account, no session: only the link
    partner.goto(link)
    token = link.rsplit("/", 1)[1]
    assert re.fullmatch(r"http://\S+/doorverwijzing/\d+", partner.url) and token not in partner.url  # exchanged
    [cookie] = [cookie for cookie in partner.context.cookies() if cookie["name"] == "gdt_link"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == urlsplit(partner.url).path
    assert "Nachtelijk geschreeuw" in partner.inner_text("main")
    assert "Wilt u de wijkagent langs laten gaan?" in partner.inner_text("main")  # the team's question
    assert "de wijkagent kent het adres" not in partner.inner_text("main")  # never the internal reasoning
    assert_accessible(axe, partner)
    partner.click("button:has-text('Terugkoppeling versturen')")
    partner.wait_for_selector("#error-summary")
    assert_accessible(axe, partner)
    partner.get_by_label("Afgehandeld", exact=True).check()
    partner.get_by_label("Opgelost", exact=True).check()
    partner.fill("#note", "Gesprek gevoerd met beide buren.")
    partner.click("button:has-text('Terugkoppeling versturen')")
    partner.wait_for_selector("text=Uw terugkoppeling is vastgelegd")
    assert "Deze doorverwijzing is afgerond" in partner.inner_text("main")
    assert "Nachtelijk geschreeuw" not in partner.inner_text("main")  # after the final answer: reference and answer
    assert "anna@example.nl" not in partner.inner_text("main") and "Opgelost" in partner.inner_text("main")
    assert_accessible(axe, partner)
    partner.close()

    coordinator.reload()
    main = coordinator.inner_text("main")
    assert "Afgehandeld door partner" in main and "Gesprek gevoerd" in main
    history = coordinator.inner_text("table.gdt-history")  # in words: the partner's name, never its key
    assert "Partner: afgehandeld" in history and "Ketenpartner: Politie" in history and "Uitkomst: Opgelost" in history
    assert "Politie (via link)" in history and "politie" not in history
    assert any("afgehandeld" in mail["Subject"] for recipients, mail in mailbox.wait_for(4)
               if recipients == ["anna@example.nl"])
