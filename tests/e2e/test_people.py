"""People across cases in a real browser, with axe at 1280 and 320 px: the phone intake's "eerder in beeld" (a count
and dates), the triage page's earlier reports and cases, naming the subject of a report, linking a case's party to
that person, the person page, and merging a possible duplicate."""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import Case, CaseParty, Person, Report, User
from gdt.services.core import reference_data
from tests.e2e.conftest import assert_accessible, check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def known(live_app):
    """An open case at 5611 AB 1 with a party, a new report at that address, and two people who may be one."""
    with live_app.app_context():
        coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@gdt.test"))
        category = reference_data.category_by_key("geluidsoverlast")
        earlier = datetime.now(UTC) - timedelta(days=40)
        case = Case(reference="GDT-2026-600001", source="report", status="open", coordinator=coordinator,
                    received_at=earlier, opened_at=earlier)
        db.session.add_all([
            Report(reference="GDT-2026-600002", channel="phone", status="escalated", triage_outcome="escalated",
                   triaged_at=earlier, case=case, postcode="5611AB", house_number=1, street="Stratumseind",
                   city="Eindhoven", category=category, received_at=earlier, reporter_is_anonymous=True),
            Report(reference="GDT-2026-600003", channel="phone", status="received", postcode="5611AB",
                   house_number=1, street="Stratumseind", city="Eindhoven", category=category,
                   received_at=datetime.now(UTC), reporter_is_anonymous=True),
            CaseParty(case=case, name="Kees Klaassen", role="subject"),
            Person(name="Fatima el Amrani", name_key="fatima el amrani", date_of_birth=date(1988, 7, 2)),
            Person(name="Fátima El Amrani", name_key="fatima el amrani", date_of_birth=date(1988, 7, 2),
                   phone="0612340002"),
        ])
        db.session.commit()
        db.session.remove()
    return {"case": "GDT-2026-600001", "report": "GDT-2026-600003"}


def test_people_across_cases(login, base_url, axe, known):
    intake = login("intake")
    intake.goto(f"{base_url}/intake/reports/new")
    intake.fill("#postcode", "5611 AB")
    intake.fill("#house_number", "1")
    intake.press("#house_number", "Enter")
    expect(intake.locator("#earlier-in-view")).to_contain_text("Eerder in beeld: 3 keer.")
    expect(intake.locator("#earlier-in-view")).not_to_contain_text("GDT-2026-6")
    check_page(axe, intake, 1280, "people-intake")

    page = login("coordinator")
    page.goto(f"{base_url}/reports/{known['report']}")
    expect(page.locator("#earlier-in-view")).to_contain_text("Casus GDT-2026-600001")
    page.get_by_role("link", name="Melder of betrokkene aan een persoon koppelen").click()
    page.get_by_label("De betrokkene (overlastgever)").check()
    page.get_by_label("Nieuwe persoon").check()
    page.get_by_label("Naam van de betrokkene").fill("Kees Klaassen")
    check_page(axe, page, 1280, "people-link-report")
    page.get_by_role("button", name="Koppelen").click()
    expect(page.locator("#report-people")).to_contain_text("Overlastgever: Kees Klaassen")
    check_page(axe, page, 1280, "people-triage")

    page.goto(f"{base_url}/cases/{known['case']}#betrokkenen")
    page.get_by_role("link", name="Kees Klaassen aan een persoon koppelen").click()
    expect(page.get_by_label("Kees Klaassen · 5611AB 1")).to_be_checked()  # the suggestion: same name and address
    page.get_by_role("button", name="Koppelen").click()
    page.locator("#party-people").get_by_role("link", name="persoon Kees Klaassen").click()
    expect(page.locator("#person-links")).to_contain_text("Casus GDT-2026-600001")
    expect(page.locator("#person-links")).to_contain_text("Melding GDT-2026-600003")
    check_page(axe, page, 1280, "people-person")
    page.set_viewport_size({"width": 320, "height": 900})
    page.reload()
    assert_accessible(axe, page)
    # The page's own content fits; the shared header is the look-and-feel test's (tests/e2e/test_look_and_feel.py).
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Mogelijk dubbele personen").click()
    check_page(axe, page, 1280, "people-duplicates")
    page.get_by_role("link", name="Bekijk en voeg samen").click()
    check_page(axe, page, 1280, "people-merge")
    page.get_by_role("button", name="Ja, samenvoegen").click()
    expect(page.locator(".utrecht-heading-1")).to_have_text("Fatima el Amrani")
    expect(page.get_by_text("0612340002")).to_be_visible()  # the phone number came along
