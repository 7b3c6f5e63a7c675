"""The map in a real browser: tiles from a local tile server, clustered markers, axe at 320 and 1280 px, and the
table under the map holding the same reports; the managers' buurt map with its table; the report page's location."""
import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import Category, Report
from gdt.services.geo import rd
from tests.e2e.conftest import check_page
from tests.support.tiles import TileServer

pytestmark = pytest.mark.e2e
# Stationsplein and around (a group), Stratumseind (a pair), Woensel (one alone), and one typed by hand.
PLACES = [(51.4431, 5.4790)] * 5 + [(51.4366, 5.4805)] * 2 + [(51.4560, 5.4790), None]


@pytest.fixture(scope="module")
def tiles(live_app):
    with TileServer() as server:
        live_app.config["MAP_TILE_URL"] = server.url_template
        yield server
        live_app.config["MAP_TILE_URL"] = ""


@pytest.fixture(scope="module")
def reports(live_app):
    """Nine open reports, eight at known places: two buurten, one of them (Stratumseind, 2) a small cell."""
    with live_app.app_context():
        category = db.session.scalar(sa.select(Category).where(Category.key == "geluidsoverlast"))
        references = []
        for number, place in enumerate(PLACES, start=1):
            located = {}
            if place:
                x, y = rd.to_rd(*place)
                located = {"lat": place[0], "lon": place[1], "rd_x": x, "rd_y": y,
                           "buurt_code": "BU07721111" if place[0] > 51.44 else "BU07721112"}
            report = Report(reference=f"GDT-2026-E{number:04d}", channel="phone", status="received",
                            category=category, postcode="5611AB", house_number=number, street="Stationsplein",
                            city="Eindhoven", reporter_is_anonymous=True, **located)
            db.session.add(report)
            references.append(report.reference)
        db.session.commit()
        db.session.remove()
    return references


@pytest.mark.parametrize("width", [1280, 320])
def test_the_coordinator_reads_the_map_and_its_table(login, base_url, axe, tiles, reports, width):
    page = login("coordinator", width)
    page.goto(f"{base_url}/kaart")
    map_element = page.locator("#map")
    page.locator("#map[data-loaded]").wait_for()
    page.locator(".leaflet-tile-loaded").first.wait_for()
    assert tiles.requests, "the base map came from the local tile server"
    summary = page.locator("#map-summary").inner_text()
    assert "8 meldingen" in summary and "1 melding heeft geen bekende locatie" in summary
    markers = page.locator(".leaflet-marker-icon")
    assert markers.count() >= 1
    shown = sum(int(text) for text in page.locator(".gdt-map-group span").all_inner_texts()) + page.locator(
        ".leaflet-marker-icon:not(.gdt-map-group)").count()
    assert shown == 8  # every located report is on the map, in a group or alone
    table = page.locator("#map-table tbody")
    assert sorted(table.locator("th a").all_inner_texts()) == sorted(reports)  # and every report in the table
    assert map_element.get_attribute("aria-label")
    check_page(axe, page, width, "map")


def test_the_map_opens_on_a_report_that_links_to_itself(login, base_url, tiles, reports):
    page = login("coordinator")
    page.goto(f"{base_url}/kaart?melding={reports[-2]}&status=all")
    page.locator("#map[data-loaded]").wait_for()
    single = page.locator(f'.leaflet-marker-icon[title^="{reports[-2]}"]')
    single.wait_for()
    single.click()
    link = page.locator(".leaflet-popup-content a")
    assert link.inner_text() == reports[-2]
    view_link = page.locator("#map-view-link a")
    view_link.click()
    page.wait_for_load_state()
    assert [reports[-2]] == page.locator("#map-table tbody th a").all_inner_texts()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_manager_reads_the_buurt_map(login, base_url, axe, tiles, reports, width):
    page = login("manager", width)
    page.goto(f"{base_url}/kaart/buurten")
    page.locator(".leaflet-tile-loaded").first.wait_for()
    labels = page.locator(".gdt-map-label").all_inner_texts()
    rows = page.locator("#buurten-table tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert "BU07721111" in rows[0] and rows[0].endswith("6")
    assert "BU07721112" in rows[1] and rows[1].endswith("< 5")  # Stratumseind's two: no number, no circle
    assert labels == ["BU07721111: 6"]
    check_page(axe, page, width, "map-buurten")


def test_the_report_page_shows_the_location(login, base_url, axe, tiles, reports):
    page = login("coordinator")
    page.goto(f"{base_url}/reports/{reports[0]}")
    page.locator("[data-map=points] .leaflet-marker-icon").wait_for()
    nearby = page.locator("#nearby-heading + ul li").all_inner_texts()
    assert len(nearby) == 4 and all(" 0 m" in line for line in nearby)
    check_page(axe, page, 1280, "report-location")
