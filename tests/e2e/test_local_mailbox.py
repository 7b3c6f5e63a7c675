"""Without a mail server (development, `make run`): a referral reaches "Bezorgd", the admin reads the kept mail at
/admin/mail (1280 and 320 px, axe) and its partner link opens the referral without an account."""
import pytest

from gdt.db import db
from gdt.services.admin import partners, users
from gdt.services.intake import report_intake
from tests.e2e.conftest import PASSWORD, assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def local_mailbox(live_app, base_url):
    saved = {key: live_app.config[key] for key in ("MAIL_TRANSPORT", "PUBLIC_BASE_URL")}
    live_app.config.update(MAIL_TRANSPORT="local", PUBLIC_BASE_URL=base_url)
    with live_app.app_context():
        users.create_user("admin@gdt.test", "Admin Test", "admin", PASSWORD, actor=None)
        police = partners.get_partner("politie")
        partners.update_partner(police, name=police.name, email="politie@example.org", kind=police.kind, actor=None)
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Harde muziek tot diep in de nacht.", postcode="5611AB",
            house_number="12", reporter_name="Bea Bakker", reporter_email="bea@example.nl",
            reporter_may_contact=True), actor=None)
        reference = report.reference
        db.session.remove()
    yield reference
    live_app.config.update(saved)


def test_the_walkthrough_without_a_mail_server(base_url, login, axe, local_mailbox):
    reference = local_mailbox
    coordinator = login("coordinator")
    coordinator.goto(f"{base_url}/reports/{reference}")
    coordinator.select_option("#refer-partner", "politie")
    coordinator.fill("#refer-question", "Wilt u de wijkagent langs laten gaan?")
    coordinator.fill("#refer-reason", "Burenruzie; de wijkagent kent het adres.")
    coordinator.click("button:has-text('Doorverwijzen')")
    coordinator.wait_for_selector("text=Melding doorverwezen")
    assert "Bezorgd" in coordinator.inner_text("main") and "geen e-mailadres" not in coordinator.inner_text("main")

    admin = login("admin")
    admin.click("nav >> text=Verzonden mail")
    main = admin.inner_text("main")
    assert f"Doorverwijzing {reference}" in main and "politie@example.org" in main and "bea@example.nl" in main
    for width in (1280, 320):
        admin.set_viewport_size({"width": width, "height": 900})
        assert admin.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        assert_accessible(axe, admin)
    link = admin.locator("main a[href*='/doorverwijzing/']").first.get_attribute("href")

    partner = admin.context.browser.new_page()  # no account: only the link from the mail
    partner.goto(link)
    assert "Harde muziek" in partner.inner_text("main")
    partner.close()
