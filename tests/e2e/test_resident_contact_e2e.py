"""A question to the resident in a real browser, with axe at 1280 and 320 px: the coordinator asks on the report
page, the resident answers on their own page (the link from the mail), the answer shows on the report page."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import User
from gdt.services.intake import report_intake
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e

QUESTION = "Op welke dagen hoort u de muziek het vaakst?"
ANSWER = "Vooral op vrijdag en zaterdag, na middernacht."


@pytest.fixture(scope="module")
def reference(live_app):
    """A phone report by a resident who left an e-mail address and may be contacted."""
    with live_app.app_context():
        clerk = db.session.scalar(sa.select(User).where(User.email == "intake@gdt.test"))
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Harde muziek tot diep in de nacht.", postcode="5611AB",
            house_number="1", reporter_name="Els de Boer", reporter_email="els@example.nl",
            reporter_may_contact=True), actor=clerk)
        reference = report.reference
        db.session.remove()
    return reference


def test_the_resident_answers_a_question(login, browser, base_url, axe, mailbox, reference):
    page = login("coordinator")
    page.goto(f"{base_url}/reports/{reference}#vragen-aan-melder")
    page.get_by_role("link", name="Vraag stellen").click()
    page.get_by_label("Uw vraag aan de melder").fill(QUESTION)
    check_page(axe, page, 1280, "resident-question-ask")
    page.get_by_role("button", name="Vraag versturen").click()
    section = page.locator("#vragen-aan-melder")
    expect(section).to_contain_text("Reactie gevraagd")
    expect(section).to_contain_text(QUESTION)

    [(_, mail)] = mailbox.wait_for(1)
    text = mail.get_content()
    assert QUESTION not in text
    link = re.search(r"(http://\S+/mijn-melding/\S+)", text).group(1)

    for width in (320, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        resident = context.new_page()
        resident.goto(link)
        questions = resident.locator("#vragen")
        expect(questions).to_contain_text(QUESTION)
        check_page(axe, resident, width, "resident-question-page")
        if width == 1280:
            questions.get_by_label("Uw antwoord").fill(ANSWER)
            questions.get_by_role("button", name="Antwoord versturen").click()
            expect(resident.get_by_text("Dank u wel. Uw antwoord is verstuurd.")).to_be_visible()
            expect(resident.locator("#vragen")).to_contain_text(ANSWER)
            check_page(axe, resident, width, "resident-question-answered")
        context.close()

    # The page already stands on this address with this fragment: going there again would only
    # scroll, so load it afresh to see the answer.
    page.reload()
    expect(section).to_contain_text(ANSWER)
    expect(section).not_to_contain_text("Reactie gevraagd")
    check_page(axe, page, 1280, "resident-question-report")
