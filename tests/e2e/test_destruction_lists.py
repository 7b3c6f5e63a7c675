"""The archivist in a real browser at 1280 and 320 px with axe: opens the destruction lists, has a list drawn up,
is told taking an item off needs a reason, takes one off with a reason, approves after the confirmation and sees
the list executed, with the statement to download. No page scrolls sideways."""
import itertools
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import Case, Partner, Report, User
from gdt.services.admin import users
from gdt.services.core import reference_data
from tests.e2e.conftest import PASSWORD, check_page

pytestmark = pytest.mark.e2e
_numbers = itertools.count(1)


@pytest.fixture
def due(live_app):
    """The archivist's account, and a closed case and two referred reports past their date."""
    with live_app.app_context():
        if db.session.scalar(sa.select(User).where(User.email == "archivist@gdt.test")) is None:
            users.create_user("archivist@gdt.test", "Anouk Archivaris", "archivist", PASSWORD, actor=None)
        category = reference_data.category_by_key("geluidsoverlast")
        partner_id = db.session.scalar(sa.select(Partner.id).where(Partner.key == "ruimtelijk-domein"))
        moment = datetime(2024, 3, 1, 12, tzinfo=UTC)
        number = next(_numbers)
        case = Case(reference=f"GDT-E2E-C{number}", source="report", status="closed", mode="advice",
                    received_at=moment, opened_at=moment, closed_at=moment, result="de-escalated",
                    archive_nomination="destroy", destruction_due_on=date(2025, 3, 1))
        db.session.add(case)
        references = [case.reference]
        for n in range(2):
            report = Report(reference=f"GDT-E2E-R{number}-{n}", channel="webform", status="referred",
                            triage_outcome="referred", triaged_at=moment, received_at=moment, category=category,
                            postcode="5611AB", house_number=n + 1, description="Harde muziek elke nacht.",
                            referred_partner_id=partner_id,
                            destruction_due_on=date(2025, 3, 1))
            db.session.add(report)
            references.append(report.reference)
        db.session.commit()
        db.session.remove()
    return references


def _login(browser, base_url, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", "archivist@gdt.test")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("width", [1280, 320])
def test_the_archivist_reviews_approves_and_executes_a_list(browser, base_url, axe, live_app, due, width):
    case_reference, kept_reference, _ = due
    page = _login(browser, base_url, width)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vernietigingslijsten")  # the start page
    check_page(axe, page, width, "destruction-lists")

    with page.expect_navigation():
        page.get_by_role("button", name="Nu een lijst opstellen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vernietigingslijst VL-")
    expect(page.get_by_role("row").filter(has_text=case_reference)).to_have_count(1)
    expect(page.get_by_text("Harde muziek")).to_have_count(0)  # references and keys, never content
    check_page(axe, page, width, "destruction-list")

    with page.expect_navigation():
        page.get_by_role("row").filter(has_text=kept_reference).get_by_role("link", name="Van de lijst halen").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Van de lijst halen").click()
    expect(page.locator("#error-summary")).to_contain_text("Geef een reden")
    check_page(axe, page, width, "destruction-exclude-refused")
    page.get_by_label("Reden").fill("Bezwaarprocedure loopt nog")
    with page.expect_navigation():
        page.get_by_role("button", name="Van de lijst halen").click()
    expect(page.get_by_role("row").filter(has_text="Bezwaarprocedure loopt nog")).to_contain_text(kept_reference)

    with page.expect_navigation():
        page.get_by_role("link", name="Goedkeuren").click()
    expect(page.get_by_text("Dit kan niet ongedaan worden gemaakt.", exact=False)).to_be_visible()
    check_page(axe, page, width, "destruction-approve")
    with page.expect_navigation():
        page.get_by_role("button", name="Goedkeuren en vernietigen").click()
    expect(page.get_by_text("Deze lijst is uitgevoerd")).to_be_visible()
    expect(page.get_by_role("link", name="Verklaring van vernietiging (PDF)")).to_be_visible()
    check_page(axe, page, width, "destruction-executed")
    with live_app.app_context():
        destroyed = db.session.scalar(sa.select(Case.destroyed_at).where(Case.reference == case_reference))
        kept = db.session.scalar(sa.select(Report.destroyed_at).where(Report.reference == kept_reference))
        db.session.remove()
    assert destroyed is not None and kept is None
