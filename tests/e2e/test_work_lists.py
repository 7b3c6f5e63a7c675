"""The work lists in a real browser at 1280 and 320 px, with axe: the coordinator's start page, the queue and the
case list (sorting by a header, a filter, "toon alle N"), the intake clerk's queue (every row opens), and two
coordinators on one report: one claims it, the other sees who holds it and cannot triage it."""
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import Action, Case, Report, User
from gdt.services.admin import users
from gdt.services.core import reference_data
from tests.e2e.conftest import PASSWORD, assert_accessible

pytestmark = pytest.mark.e2e
SCREENSHOTS = os.environ.get("GDT_E2E_SCREENSHOTS")  # a folder: keep a screenshot of each page for review


@pytest.fixture(scope="module")
def work(live_app):
    """A second coordinator, reports waiting (some late, some by the intake clerk) and the coordinator's cases."""
    with live_app.app_context():
        users.create_user("collega@gdt.test", "Bram Bakker", "coordinator", PASSWORD, actor=None)
        coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@gdt.test"))
        clerk = db.session.scalar(sa.select(User).where(User.email == "intake@gdt.test"))
        now = datetime.now(UTC)
        categories = [reference_data.category_by_key(key) for key in ("geluidsoverlast", "intimidatie", "vervuiling")]
        streets = ["Stratumseind", "Kruisstraat", "Woenselse Markt", "Aalsterweg"]
        waiting = []
        for n in range(14):
            waiting.append(Report(
                reference=f"GDT-2026-9{n:05d}", channel=("phone", "app", "webform")[n % 3], status="received",
                postcode="5611AB", house_number=n + 1, street=streets[n % 4], city="Eindhoven",
                category=categories[n % 3], received_at=now - timedelta(days=14 - n), reporter_is_anonymous=True,
                triage_due_at=now + timedelta(days=n - 7), registered_by_id=clerk.id if n % 2 else None))
        db.session.add_all(waiting)
        for n in range(13):
            case = Case(reference=f"GDT-2026-8{n:05d}", source="report", status="open", coordinator=coordinator,
                        received_at=now - timedelta(days=60 + n), opened_at=now - timedelta(days=60 + n),
                        review_due_at=now + timedelta(days=n * 3 - 10))
            db.session.add(Report(reference=f"GDT-2026-7{n:05d}", channel="phone", status="escalated",
                                  triage_outcome="escalated", triaged_at=case.opened_at, case=case,
                                  postcode="5612AA", house_number=n + 1, street=streets[n % 4], city="Eindhoven",
                                  category=categories[n % 3], received_at=case.received_at,
                                  reporter_is_anonymous=True))
            if n % 4 == 0:
                db.session.add(Action(case=case, description="Huisbezoek met wijkagent", status="open",
                                      owner_user=coordinator, due_at=now - timedelta(days=2)))
        db.session.commit()
        db.session.remove()
    return {"report": "GDT-2026-900000", "own": "GDT-2026-900001"}


def _open(browser, base_url, width, email):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _check(axe, page, width, name):
    assert_accessible(axe, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name  # no sideways scrolling
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 320])
def test_the_coordinators_lists(browser, base_url, axe, work, width):
    page = _open(browser, base_url, width, "coordinator@gdt.test")
    page.goto(f"{base_url}/start")
    _check(axe, page, width, "start")
    assert "Mijn open casussen (13)" in page.inner_text("main")
    page.locator("#my-cases-heading ~ .gdt-show-all a").click()
    page.wait_for_load_state()
    assert "/cases?status=open" in page.url and page.locator("tbody tr").count() == 13
    _check(axe, page, width, "cases")

    page.goto(f"{base_url}/intake/queue")
    _check(axe, page, width, "queue")
    if width == 1280:  # the header row: a click sorts, a second click turns the order
        page.locator("thead a", has_text="Ontvangen").click()
        page.wait_for_load_state()
        assert page.locator("th[aria-sort='ascending']").inner_text().startswith("Ontvangen")
        page.locator("thead a", has_text="Ontvangen").click()
        page.wait_for_load_state()
        assert page.locator("th[aria-sort='descending']").inner_text().startswith("Ontvangen")
    else:  # narrow: the same choice as a form above the list
        page.select_option("#sort", "-received")
        page.locator(".gdt-sort-form button").click()
        page.wait_for_load_state()
        assert "sort=-received" in page.url
    first = page.locator("tbody th a").first.inner_text()
    assert first == "GDT-2026-900013"  # the newest
    page.select_option("#filter-channel", "webform")
    page.locator("form[aria-label='Wachtrij filteren'] button").click()
    page.wait_for_load_state()
    assert "channel=webform" in page.url and "sort=-received" in page.url
    assert page.locator("tbody tr").count() == 4
    _check(axe, page, width, "queue-filtered")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_intake_clerks_queue_lists_only_what_opens(browser, base_url, axe, work, width):
    page = _open(browser, base_url, width, "intake@gdt.test")
    page.goto(f"{base_url}/intake/queue")
    _check(axe, page, width, "intake-queue")
    links = page.locator("tbody th a")
    assert links.count() == 7
    assert "Daarnaast wachten 7 meldingen" in page.inner_text("main")
    for href in [links.nth(index).get_attribute("href") for index in range(links.count())]:
        assert page.request.get(f"{base_url}{href}").status == 200, href
    page.goto(f"{base_url}/intake/mine")
    _check(axe, page, width, "intake-mine")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_two_coordinators_one_report(browser, base_url, axe, work, width):
    reference = f"GDT-2026-90001{0 if width == 1280 else 1}"
    mine = _open(browser, base_url, width, "coordinator@gdt.test")
    mine.goto(f"{base_url}/reports/{reference}")
    mine.locator("button", has_text="Ik pak deze op").click()
    mine.wait_for_selector("text=U heeft deze melding opgepakt")
    _check(axe, mine, width, "triage-claimed")

    theirs = _open(browser, base_url, width, "collega@gdt.test")
    theirs.goto(f"{base_url}/reports/{reference}")
    assert "Opgepakt door Coordinator Test (sinds" in theirs.inner_text("main")
    assert theirs.locator("button", has_text="Casus openen").count() == 0
    _check(axe, theirs, width, "triage-held-by-colleague")
    theirs.goto(f"{base_url}/intake/queue")
    assert "Opgepakt door Coordinator Test (sinds" in theirs.inner_text("main")

    mine.locator("button", has_text="Vrijgeven").click()
    mine.wait_for_selector("text=is vrijgegeven")
    theirs.goto(f"{base_url}/reports/{reference}")
    assert theirs.locator("button", has_text="Casus openen").count() == 1
    mine.context.close()
    theirs.context.close()
