"""The statistics page in a real browser as the demo manager, at 1280 and 320 px, with axe: it opens on the latest
year with data, the table of contents leads to each section, charts sit beside their tables at 1280 px and below
them at 320 px, wijken and buurten have names, nothing scrolls sideways; an empty year and a year outside the
data are told apart."""
from pathlib import Path

import pytest

from gdt.db import AMSTERDAM, db, utcnow
from gdt.services.demo import demo_data
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e
MANAGER = next((email, password) for role, email, _name, password in demo_data.DEMO_LOGINS if role == "manager")


@pytest.fixture(scope="module")
def demo(live_app):
    """The demo years (smaller than `make run`'s), with their named wijken and buurten."""
    with live_app.app_context():
        summary = demo_data.load_demo(year=None, reports=400, if_empty=False)
        db.session.remove()
    return summary


def _login(browser, base_url, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", MANAGER[0])
    page.fill("#password", MANAGER[1])
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_manager_reads_the_statistics_page(browser, base_url, axe, demo, width):
    this_year = utcnow().astimezone(AMSTERDAM).year
    page = _login(browser, base_url, width)
    page.goto(f"{base_url}/statistics")
    page.wait_for_load_state()
    assert page.url.endswith(f"/statistics/{this_year}")  # the latest year with data
    check_page(axe, page, width, "statistics")

    contents = page.locator("nav.gdt-toc a")
    assert contents.count() == 10  # the last: "Werkt het?" (test_statistics_outcomes_e2e.py)
    contents.filter(has_text="Triage").click()
    assert page.url.endswith("#triage")
    assert abs(page.evaluate("document.getElementById('triage-heading').getBoundingClientRect().top")) < 60

    table, chart = _box(page, "#reports .gdt-figure__table"), _box(page, "#reports .gdt-figure__chart")
    if width == 1280:
        assert chart["x"] >= table["x"] + table["width"] and abs(chart["y"] - table["y"]) < 5  # beside it
    else:
        assert chart["y"] >= table["y"] + table["height"] and abs(chart["x"] - table["x"]) < 5  # below it
        assert chart["width"] <= width

    wijken = page.locator("#areas table").nth(1)
    rows = wijken.locator("tbody tr")
    named = [row for row in rows.all() if row.locator("th").inner_text() != "onbekend"]
    assert len(named) > 5 and all(row.locator(".gdt-code").count() == 1 for row in named)  # name, code beside it
    assert "Centrum" in wijken.inner_text() and "(WK077201)" in wijken.inner_text()

    if width == 1280:  # the download a Dutch Excel opens: BOM, semicolons, decimal commas, the wijk's name
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV voor Excel").click()
        data = Path(download.value.path()).read_bytes()
        assert download.value.suggested_filename == f"gdt-statistieken-{this_year}.csv"
        assert data.startswith("\ufeffOnderdeel;Omschrijving;Aantal;Aandeel (%);".encode())
        assert b"Centrum (WK077201);" in data and b"100,0" in data


@pytest.fixture(scope="module")
def gap(live_app, demo):
    """A few demo reports two years before the demo's first year, so the year between has none."""
    early = demo.years[0] - 2
    with live_app.app_context():
        demo_data.load_demo(year=early, reports=20, if_empty=False)
        db.session.remove()
    return early


@pytest.mark.parametrize("width", [1280, 320])
def test_an_empty_year_and_a_year_outside_the_data(browser, base_url, axe, gap, width):
    page = _login(browser, base_url, width)
    page.goto(f"{base_url}/statistics/{gap + 1}")
    assert "Geen gegevens voor dit jaar." in page.content() and page.locator("table").count() == 0
    assert page.locator("#year option:checked").inner_text() == str(gap + 1)
    check_page(axe, page, width, "statistics-empty")
    response = page.goto(f"{base_url}/statistics/{gap - 1}")
    assert response.status == 404 and f"Kies een jaar van {gap} tot en met" in page.content()
    check_page(axe, page, width, "statistics-outside")
