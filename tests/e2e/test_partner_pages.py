"""The partner's pages in a real browser at 1280 and 320 px, as a partner user and through the mailed links: the
team's question is there (never the internal reasoning), missing dates are said in words, the registration form checks
the address while the partner types; axe on every page, no sideways scrolling."""
import pytest

from gdt.db import db
from gdt.models import User
from gdt.services.casework import cases
from gdt.services.core import partner_links
from gdt.services.intake import report_intake
from gdt.services.referrals import routing
from gdt.services.triage import report_triage
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

QUESTION = "Wilt u de wijkagent deze week bij de bewoners langs laten gaan en ons laten weten hoe het ging?"
REASON = "Intern: de melder is zelf bekend als overlastgever."
WIDTHS = (1280, 320)


@pytest.fixture(scope="module")
def shared(live_app):
    """A referral to the police (not delivered: no mail server here) and an advice case with the police involved."""
    with live_app.app_context():
        coordinator = db.session.scalar(db.select(User).where(User.email == "coordinator@gdt.test"))
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Harde muziek tot diep in de nacht.", postcode="5611AB",
            house_number="12", reporter_name="Anna de Vries", reporter_phone="06 12345678",
            reporter_may_contact=True), actor=None)
        report_triage.refer_report(report, "politie", REASON, actor=coordinator, seen_version=report.version,
                                   question=QUESTION)
        escalated = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Dreigende taal in het trappenhuis.", postcode="5611AB",
            house_number="1", reporter_name="Bea Bakker"), actor=None)
        case = report_triage.escalate_report(escalated, REASON, actor=coordinator, seen_version=escalated.version)
        cases.involve_partner(case, "politie", "Wijkagent", actor=coordinator, seen_version=case.version)
        advice = routing.refer_case(case, "politie", "Wij adviseren een huisbezoek door de wijkagent.",
                                    actor=coordinator, seen_version=case.version, question=QUESTION)
        found = {"referral": report.referrals[0].id, "link": partner_links.issue(report.referrals[0]),
                 "case": case.reference, "case_link": partner_links.issue_for_case(case.id, advice.partner_id)}
        db.session.remove()
    return found


def check(page, axe, tmp_path, name: str) -> str:
    """At each width: axe finds nothing, nothing scrolls sideways; a screenshot to look at. Returns the main text."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        assert_accessible(axe, page)
    main = page.inner_text("main")
    assert REASON not in main and "melder is zelf bekend" not in main, name  # never the internal reasoning
    return main


def test_the_partner_user_walks_its_pages(login, axe, base_url, shared, tmp_path):
    page = login("partner")
    main = check(page, axe, tmp_path, "referrals")
    assert "nog geen termijn" in main and "–" not in main

    page.goto(f"{base_url}/partner/doorverwijzingen/{shared['referral']}")
    main = check(page, axe, tmp_path, "referral")
    assert "Vraag van het team" in main and QUESTION in main and "nog niet bezorgd" in main
    assert "Kenmerk" in main and "Referentie" not in main

    page.goto(f"{base_url}/partner/casussen/{shared['case']}")
    main = check(page, axe, tmp_path, "case")
    assert QUESTION in main and "Wij adviseren een huisbezoek" in main

    page.goto(f"{base_url}/partner/aanmelden")
    page.fill("#postcode", "5611 AB")
    page.fill("#house_number", "12")
    page.press("#house_number", "Tab")  # leaving the number asks the address service (intake.js)
    page.wait_for_selector("#address-result >> text=Kies het adres")
    page.get_by_label("Stationsplein 12A, 5611AB Eindhoven").check()
    assert page.input_value("#street") == "Stationsplein" and page.input_value("#house_number_addition") == "A"
    main = check(page, axe, tmp_path, "registration")
    assert "Het team kent" not in main and "bekend bij het team" not in main


def test_the_mailed_links_show_the_question_at_both_widths(browser, axe, base_url, shared, tmp_path):
    context = browser.new_context()  # no account: only the links
    page = context.new_page()
    page.goto(f"{base_url}/doorverwijzing/{shared['link']}")
    main = check(page, axe, tmp_path, "link-referral")
    assert "Vraag van het team" in main and QUESTION in main and "Harde muziek" in main
    assert "nog niet bezorgd" in main and "nog geen termijn" in main

    page.goto(f"{base_url}/casus/{shared['case_link']}")
    main = check(page, axe, tmp_path, "link-case")
    assert QUESTION in main and "Wij adviseren een huisbezoek" in main
    context.close()
