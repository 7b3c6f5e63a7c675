"""A coordinator's morning in Chromium at 1280 px on the demo data (`flask demo`), with axe on every page: the start
page, a report claimed in the queue and referred with a question for the partner, the mail caught by the test SMTP
server and the referral delivered, the partner answering through the mailed link, another report escalated into a
case, on the case page a meeting planned (the involved partner invited by default) and held, an action added and the
case closed on its confirmation page; the statistics page as the demo manager. Screenshots of the start, case and
statistics pages go to GDT_E2E_SCREENSHOTS when set, else to a temporary folder named in the test's output."""
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gdt.db import AMSTERDAM, db, utcnow
from gdt.services.demo import demo_data
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e
LOGINS = {role: (email, password) for role, email, _name, password in demo_data.DEMO_LOGINS}
COORDINATOR_NAME = next(name for role, _email, name, _password in demo_data.DEMO_LOGINS if role == "coordinator")
WIDTH = 1280
QUESTION = "Wilt u vandaag laten weten of de wijkagent dit adres kent?"


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("GDT_E2E_SCREENSHOTS") or tmp_path_factory.mktemp("coordinator-morning-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\ncoordinator morning screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def demo(live_app):
    """The demo years (smaller than `make run`'s): reports waiting in the queue, partners with demo addresses."""
    with live_app.app_context():
        summary = demo_data.load_demo(year=None, reports=400, if_empty=False)
        db.session.remove()
    assert summary.untriaged >= 2
    return summary


def _login(browser, base_url, role):
    page = browser.new_context(viewport={"width": WIDTH, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", LOGINS[role][0])
    page.fill("#password", LOGINS[role][1])
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _check(axe, page, name=None, folder=None, height=None):
    """axe finds nothing and nothing scrolls sideways; `name`: a screenshot of the whole page, or of its top
    `height` px for a long page (the README shows it)."""
    assert_accessible(axe, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH  # no sideways scrolling
    if name:
        clip = {"x": 0, "y": 0, "width": WIDTH, "height": height} if height else None
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True, clip=clip)


def _open_first_waiting_report(page, base_url, axe) -> str:
    """From the queue: the first report nobody holds yet, claimed with "Ik pak deze op"."""
    page.goto(f"{base_url}/intake/queue")
    _check(axe, page)
    link = page.locator("tbody th a").first
    reference = link.inner_text().strip()
    link.click()
    page.wait_for_selector("#claim-heading")
    assert reference in page.inner_text("h1")
    _check(axe, page)
    page.locator("button", has_text="Ik pak deze op").click()
    page.wait_for_selector("text=U heeft deze melding opgepakt")
    _check(axe, page)
    return reference


def _mails_about(mailbox, subject: str) -> list:
    """The mails whose subject names `subject`, once one has come (other mails, such as the reporter's, may be
    received before it)."""
    count = 1
    while True:
        received = mailbox.wait_for(count)
        found = [mail for _recipients, mail in received if subject in mail["Subject"]]
        if found or len(received) < count:  # found, or the inbox waited in vain
            return found
        count = len(received) + 1


def test_a_coordinators_morning(browser, base_url, axe, demo, mailbox, screenshots):
    page = _login(browser, base_url, "coordinator")
    assert page.url.endswith("/start")
    page.wait_for_selector("main h1")
    _check(axe, page, "start-page", screenshots)

    # A report from the queue, claimed and referred with a question for the partner.
    referred = _open_first_waiting_report(page, base_url, axe)
    page.select_option("#refer-partner", "politie")
    page.fill("#refer-question", QUESTION)
    page.fill("#refer-reason", "Burenruzie; de wijkagent kent de bewoners.")
    page.click("button:has-text('Doorverwijzen')")
    page.wait_for_selector("text=Melding doorverwezen")
    _check(axe, page)

    # The mail reaches the (test) mail server; the referral says it was delivered.
    mails = _mails_about(mailbox, f"Doorverwijzing {referred}")
    assert len(mails) == 1
    link = re.search(r"http://\S+/doorverwijzing/\S+", mails[0].get_content()).group(0)
    assert QUESTION not in mails[0].get_content()  # the question stays behind the link
    page.reload()
    assert "Bezorgd" in page.inner_text("main")

    # The partner opens the link from the mail (no account) and says the referral has arrived.
    partner = browser.new_context(viewport={"width": WIDTH, "height": 900}).new_page()
    partner.set_default_timeout(15_000)
    partner.goto(link)
    partner.wait_for_selector("#feedback-heading")
    assert QUESTION in partner.inner_text("main")
    _check(axe, partner)
    partner.check("input[name='action'][value='acknowledge']")
    partner.click("button:has-text('Terugkoppeling versturen')")
    partner.wait_for_selector("text=Uw terugkoppeling is vastgelegd")
    _check(axe, partner)
    partner.context.close()
    page.reload()
    assert "Ontvangen door partner" in page.inner_text("main")

    # Another report from the queue: a threatening escalation, so a case.
    escalated = _open_first_waiting_report(page, base_url, axe)
    assert escalated != referred
    page.fill("#escalate-reason", "Dreigende escalatie: bewoners voelen zich bedreigd.")
    page.click("button:has-text('Casus openen')")
    page.wait_for_selector("text=is geopend")
    case_url = page.url
    assert "/cases/" in case_url
    _check(axe, page)

    # The coordinator takes the case on and chooses how the team works on it.
    page.click("a[data-dialog='dialog-coordinator']")
    page.wait_for_selector("#dialog-coordinator[open]")
    page.select_option("#coordinator-coordinator", label=COORDINATOR_NAME)
    page.click("#dialog-coordinator button:has-text('Regisseur toewijzen')")
    page.wait_for_selector("text=Regisseur toegewezen.")
    page.click("a[data-dialog='dialog-mode']")
    page.wait_for_selector("#dialog-mode[open]")
    page.check("#dialog-mode input[value='regie']")
    page.locator("#dialog-mode button[type='submit']").first.click()
    page.wait_for_selector("text=Werkwijze vastgelegd.")
    assert COORDINATOR_NAME in page.inner_text("#overzicht")

    # The police get involved, so the meeting's invitation goes to them unless the coordinator unticks it.
    page.click("a[data-dialog='dialog-partners']")
    page.wait_for_selector("#dialog-partners[open]")
    page.select_option("#partners-partner", "politie")
    page.locator("#dialog-partners button[type='submit']").first.click()
    page.wait_for_selector("text=Ketenpartner toegevoegd.")  # the case page after the answer, not the one before
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Politie")
    _check(axe, page)

    tomorrow = (utcnow().astimezone(AMSTERDAM) + timedelta(days=1)).replace(hour=10, minute=0)
    page.click("a[data-dialog='dialog-meetings']")
    page.wait_for_selector("#dialog-meetings[open]")
    invite = page.locator("#dialog-meetings input[name='meetings-partners'][value='politie']")
    assert invite.is_checked()  # the partners in the case are invited by default
    page.fill("#meetings-starts_at", tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#meetings-location", "Stadhuis, zaal 3")
    _check(axe, page)
    page.locator("#dialog-meetings button[type='submit']").first.click()
    page.wait_for_selector("#overleg >> text=Stadhuis, zaal 3")
    assert "Politie" in page.inner_text("#geschiedenis").split("Overleg gepland", 1)[1]  # invited
    _check(axe, page)

    # Held today, a day before it was planned: the form asks that to be confirmed.
    page.locator("#overleg li a").last.click()
    page.wait_for_selector("text=Overleg vastleggen")
    _check(axe, page)
    page.check("#hold-earlier_than_planned")
    page.fill("#hold-minutes", "Afgesproken dat de wijkagent een huisbezoek brengt.")
    page.click("button:has-text('Overleg vastleggen')")
    page.wait_for_selector("text=Afgesproken dat de wijkagent een huisbezoek brengt.")
    _check(axe, page)

    page.goto(case_url)
    page.click("a[data-dialog='dialog-actions']")
    page.wait_for_selector("#dialog-actions[open]")
    page.fill("#actions-description", "Huisbezoek door de wijkagent")
    owner = page.locator("#actions-owner option:not([value=''])").first.get_attribute("value")
    page.select_option("#actions-owner", owner)
    page.locator("#dialog-actions button[type='submit']").first.click()
    page.wait_for_selector("#plan >> text=Huisbezoek door de wijkagent")
    page.wait_for_selector("#overleg")
    _check(axe, page, "case-page", screenshots)

    # Closing is a page that says what will happen; the open action is handed over.
    page.click("a[href$='/close']")
    page.wait_for_selector("text=Dit gebeurt als u de casus sluit:")
    assert "Huisbezoek door de wijkagent" in page.inner_text("main")
    _check(axe, page)
    page.select_option("#close-result", "de-escalated")
    page.check("#close-carry_over")
    page.click("button:has-text('Ja, casus sluiten')")
    page.wait_for_selector("text=Casus gesloten.")
    assert "Gede-escaleerd" in page.inner_text("main")
    _check(axe, page)
    page.context.close()

    manager = _login(browser, base_url, "manager")
    manager.goto(f"{base_url}/statistics")
    manager.wait_for_selector("nav.gdt-toc")
    _check(axe, manager, "statistics-page", screenshots, height=2600)  # the page is long
    manager.context.close()
