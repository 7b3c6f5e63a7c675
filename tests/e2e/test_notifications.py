"""Meldingen voor mij in a real browser, with axe at 1280 and 320 px: a coordinator sees what is new on the start page
and in the header, opens the list, follows a notification to its case, marks the rest read and changes a choice."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import Case, User
from gdt.services.core.transaction import unit_of_work
from gdt.services.notifications.notify import notify
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def told(live_app):
    with live_app.app_context():
        coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@gdt.test"))
        earlier = datetime.now(UTC) - timedelta(days=3)
        cases = [Case(reference=f"GDT-2026-77000{n}", source="report", status="open", coordinator=coordinator,
                      received_at=earlier, opened_at=earlier) for n in range(2)]
        db.session.add_all(cases)
        db.session.commit()
        with unit_of_work():
            for case in cases:  # the digest kind: no mail leaves in this test
                notify(coordinator, "meeting_planned", case=case)
        references = [case.reference for case in cases]
        db.session.remove()
    return references


def test_see_follow_and_read_notifications(login, base_url, axe, told):
    page = login("coordinator")
    page.goto(f"{base_url}/start")
    new = page.locator("section[aria-labelledby='notifications-heading']")
    expect(new).to_contain_text(told[1])
    check_page(axe, page, 1280, "notifications-start")

    page.get_by_role("link", name="Meldingen voor mij 2 ongelezen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen voor mij")
    check_page(axe, page, 1280, "notifications-index")
    page.get_by_role("link", name=f"Er is een casusoverleg gepland of verzet in casus {told[0]}.").click()
    expect(page).to_have_url(f"{base_url}/cases/{told[0]}")

    page.goto(f"{base_url}/voor-mij")
    expect(page.get_by_role("table")).to_contain_text("Ja")
    page.get_by_role("button", name="Alles als gelezen markeren").click()
    expect(page.get_by_role("status")).to_contain_text("Alles is als gelezen gemarkeerd.")
    page.set_viewport_size({"width": 320, "height": 900})
    check_page(axe, page, 320, "notifications-index")

    page.get_by_role("link", name="Mijn keuzes: wanneer krijg ik een e-mail?").click()
    page.get_by_role("group", name="Casusoverleg gepland of verzet").get_by_label("Alleen hier in GDT").check()
    check_page(axe, page, 320, "notifications-settings")
    page.get_by_role("button", name="Keuzes bewaren").click()
    expect(page.get_by_role("status")).to_contain_text("Uw keuzes zijn bewaard.")
    expect(page.get_by_role("group", name="Casusoverleg gepland of verzet").get_by_label("Alleen hier in GDT")) \
        .to_be_checked()
