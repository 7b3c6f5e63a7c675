"""The demo admin keeps the wijk and buurt names and the closing days in Chromium, at 1280 and 320 px, with axe on
every page: the demo's wijken with their buurten and report counts, a search, renaming with the history, a file
imported through the page (refused first, line by line), a name removed after a confirmation; a closing day refused
on a public holiday, added, counted by the next deadline and removed again."""
import os
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import ClosingDay
from gdt.services.admin import closing_days
from gdt.services.core import deadlines
from gdt.services.core.working_days import WorkingCalendar, holiday_name
from gdt.services.demo import demo_data
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e
LOGINS = {role: (email, password) for role, email, _name, password in demo_data.DEMO_LOGINS}


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("GDT_E2E_SCREENSHOTS") or tmp_path_factory.mktemp("area-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def demo(live_app):
    with live_app.app_context():
        demo_data.load_demo(year=None, reports=60, if_empty=False)
        db.session.remove()


def _page(browser, base_url, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", LOGINS["admin"][0])
    page.fill("#password", LOGINS["admin"][1])
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _check(axe, page, width, folder=None, name=None):
    assert_accessible(axe, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    if name:
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


def _coming(predicate, after_days: int):
    day = closing_days.today() + timedelta(days=after_days)
    while not predicate(day):
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("width", [1280, 320])
def test_the_admin_keeps_the_wijk_and_buurt_names(browser, base_url, demo, axe, screenshots, tmp_path, width):
    page = _page(browser, base_url, width)
    page.click("text=Wijken en buurten") if width > 600 else page.goto(f"{base_url}/admin/areas")
    page.wait_for_selector("h1:has-text('Wijken en buurten')")
    table = page.inner_text("table.gdt-areas")
    assert "WK077201" in table and "Centrum" in table and "Binnenstad" in table
    _check(axe, page, width, screenshots, "areas")

    # The search keeps the wijk and the buurt that matches.
    page.fill("#q", "witte")
    page.click("button:has-text('Zoeken')")
    page.wait_for_selector("text=passen bij ‘witte’")
    assert "Witte Dame" in page.inner_text("table.gdt-areas") and "Binnenstad" not in page.inner_text("table.gdt-areas")
    _check(axe, page, width, screenshots, "areas-search")

    # Renaming, then the change in the history.
    page.click("a:has-text('Witte Dame')")
    page.wait_for_selector("#name")
    page.fill("#name", f"Witte Dame {width}")
    page.click("button:has-text('Wijzigingen opslaan')")
    page.wait_for_selector("text=De wijzigingen zijn opgeslagen.")
    page.click(f"a:has-text('Witte Dame {width}')")
    assert f"→ Witte Dame {width}" in page.inner_text("#wijzigingen + *")
    _check(axe, page, width, screenshots, "edit-area")

    # An import: refused line by line first, then read with its counts.
    page.goto(f"{base_url}/admin/areas")
    page.click("text=Namen importeren uit een CSV- of Excel-bestand")
    wrong, right = tmp_path / "fout.csv", tmp_path / "gebieden.csv"
    wrong.write_text("code;naam\nWK077201;Centrum\nGM0772;Eindhoven\nWK077299;\n", encoding="utf-8")
    page.set_input_files("#file", str(wrong))
    page.click("button:has-text('Importeren')")
    page.wait_for_selector("#problems")
    problems = page.inner_text("#problems")
    assert "Geen CBS-wijkcode" in problems and "Vul de naam van de wijk of buurt in." in problems
    _check(axe, page, width, screenshots, "import-refused")
    right.write_text(f"code;naam\nWK077299;Nieuwe wijk {width}\nBU07729901;Nieuwe buurt {width}\n", encoding="utf-8")
    page.set_input_files("#file", str(right))
    page.click("button:has-text('Importeren')")
    page.wait_for_selector("text=2 wijken en buurten gelezen:")
    _check(axe, page, width)

    # Removing a name asks first; the code stays on the reports.
    page.goto(f"{base_url}/admin/areas/BU07729901")
    page.click("text=Naam van BU07729901 verwijderen…")
    page.wait_for_selector("text=Geen melding heeft deze code.")
    _check(axe, page, width, screenshots, "delete-area")
    page.click("button:has-text('Naam verwijderen')")
    page.wait_for_selector("text=De naam van BU07729901 is verwijderd.")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_admin_keeps_the_closing_days(browser, base_url, live_app, demo, axe, screenshots, width):
    calendar = WorkingCalendar()
    holiday = _coming(lambda day: holiday_name(day) is not None and day.weekday() < 5, 2)
    day = _coming(calendar.is_working_day, 40 if width > 600 else 50)
    with live_app.test_request_context():
        words = closing_days.day_words(day)
        past = closing_days.today() - timedelta(days=300)
        if db.session.scalar(sa.select(ClosingDay).where(ClosingDay.day == past)) is None:
            db.session.add(ClosingDay(day=past, description="Eerdere studiedag"))
            db.session.commit()
        db.session.remove()
    page = _page(browser, base_url, width)
    page.goto(f"{base_url}/admin/closing-days")
    assert "alleen voor termijnen die daarna beginnen" in page.inner_text("main")
    assert not page.is_visible("text=Eerdere studiedag")  # earlier years are folded away
    page.click(f"summary:has-text('{past.year}')")
    assert page.is_visible("text=Eerdere studiedag")
    _check(axe, page, width, screenshots, "closing-days-past")

    page.click("a:has-text('Sluitingsdag toevoegen')")
    page.fill("#day", holiday.isoformat())
    page.fill("#description", "Dicht")
    page.click("button:has-text('Sluitingsdag toevoegen')")
    page.wait_for_selector("#error-summary")
    assert f"is al een feestdag: {holiday_name(holiday)}." in page.inner_text("#error-summary")
    _check(axe, page, width, screenshots, "new-closing-day-refused")
    page.fill("#day", day.isoformat())
    page.fill("#description", "Brugdag")
    page.click("button:has-text('Sluitingsdag toevoegen')")
    page.wait_for_selector("text=is toegevoegd als sluitingsdag.")
    assert words in page.inner_text("table")
    with live_app.app_context():
        assert not deadlines.calendar().is_working_day(day)  # the same process: at once
    _check(axe, page, width, screenshots, "closing-days")

    page.click(f"a:has-text('Verwijderen: {words}')")
    page.wait_for_selector("text=Termijnen die al lopen, verschuiven niet")
    _check(axe, page, width, screenshots, "remove-closing-day")
    page.click("button:has-text('Sluitingsdag verwijderen')")
    page.wait_for_selector("text=is geen sluitingsdag meer.")
    assert "Verwijderd" in page.inner_text("#wijzigingen + *")
    with live_app.app_context():
        assert deadlines.calendar().is_working_day(day)
    page.context.close()
