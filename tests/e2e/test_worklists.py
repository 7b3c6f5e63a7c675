"""Saved work lists in a real browser, with axe at 1280 and 320 px: a coordinator saves the case list's filter as a
shared work list, finds it under Werklijsten, pins it and sees it with its count on the start page."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gdt.db import db
from gdt.models import Case, User
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cases(live_app):
    with live_app.app_context():
        coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@gdt.test"))
        earlier = datetime.now(UTC) - timedelta(days=20)
        db.session.add_all([Case(reference=f"GDT-2026-55000{n}", source="report", status=status,
                                 coordinator=coordinator, received_at=earlier, opened_at=earlier,
                                 result="de-escalated" if status == "closed" else None,
                                 closed_at=earlier + timedelta(days=5) if status == "closed" else None)
                            for n, status in enumerate(("open", "open", "closed"))])
        db.session.commit()
        db.session.remove()


def test_save_share_pin_and_count(login, base_url, axe, cases):
    page = login("coordinator")
    page.goto(f"{base_url}/cases?status=open")
    page.get_by_text("Bewaar als werklijst", exact=True).first.click()
    page.get_by_label("Naam van de werklijst").fill("Open casussen")
    page.get_by_label("Gedeeld met mijn team").check()
    check_page(axe, page, 1280, "worklists-save")
    page.get_by_role("button", name="Bewaar als werklijst").click()
    expect(page).to_have_url(f"{base_url}/cases?status=open")
    expect(page.get_by_role("status")).to_contain_text("Werklijst Open casussen is bewaard.")

    page.get_by_role("link", name="Werklijsten").first.click()
    expect(page.get_by_role("table")).to_contain_text("Ik, gedeeld met mijn team")
    page.get_by_role("row", name="Open casussen").get_by_role("button", name="Op startpagina zetten").click()
    expect(page.get_by_role("status")).to_contain_text("staat op uw startpagina")
    check_page(axe, page, 1280, "worklists-index")
    page.set_viewport_size({"width": 320, "height": 900})
    check_page(axe, page, 320, "worklists-index")

    page.goto(f"{base_url}/start")
    pinned = page.locator("section[aria-labelledby='worklists-heading']")
    expect(pinned).to_contain_text("Open casussen (2 casussen)")
    check_page(axe, page, 320, "worklists-start")
    pinned.get_by_role("link", name="Open casussen").click()
    expect(page).to_have_url(f"{base_url}/cases?status=open")
