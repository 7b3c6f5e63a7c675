"""The map pages, the location block and "In de buurt": per role, the same reports on the map as in the table."""
import re

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services.core import teams
from gdt.services.geo import rd

STATION = (51.4431, 5.4790)


def _at(make, lat=STATION[0], lon=STATION[1], **overrides):
    x, y = rd.to_rd(lat, lon)
    return make.report(lat=lat, lon=lon, rd_x=x, rd_y=y, **overrides)


def _east(metres):
    return metres / 69_400


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "partner", "archivist", "privacy"])
def test_only_coordinators_open_the_map(client_as, role):
    client = client_as(role)
    assert client.get("/kaart").status_code == 403
    assert client.get("/kaart/gegevens").status_code == 403


@pytest.mark.parametrize("role", ["intake", "coordinator", "admin", "partner"])
def test_only_managers_open_the_buurt_map(client_as, role):
    assert client_as(role).get("/kaart/buurten").status_code == 403


def test_the_map_and_its_table_hold_the_same_reports(client_as, make, db):
    make.defaults()
    one, two = _at(make), _at(make, lon=STATION[1] + _east(3))
    far = _at(make, 51.4366, 5.4805, street="Stratumseind", house_number=20, postcode="5611EN")
    unlocated = make.report()
    closed = _at(make, status="referred")
    closed.status = "closed"
    make.session.commit()
    coordinator = make.user("coordinator")
    client = client_as(user=coordinator)
    page = client.get("/kaart")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    table = html[html.index('id="map-table"'):]
    for report in (one, two, far, unlocated):
        assert report.reference in table
    assert closed.reference not in table
    assert "locatie onbekend" in table
    assert 'data-map="clusters"' in html and "/kaart/gegevens" in html
    data = client.get("/kaart/gegevens").get_json()
    assert data["located"] == 3 and data["unlocated"] == 1
    assert sum(marker["count"] for marker in data["markers"]) == 3
    assert "3 meldingen" in data["summary"] and "1 melding heeft geen bekende locatie" in data["summary"]
    # Zoomed in on Stratumseind: one marker, named, linking to the report.
    zoomed = client.get("/kaart/gegevens?gebied=5.4795,51.4360,5.4815,51.4372").get_json()
    assert [(m["count"], m.get("reference"), m.get("url")) for m in zoomed["markers"]] == [
        (1, far.reference, f"/reports/{far.reference}")]
    # The table for that part of the map only.
    part = client.get("/kaart?gebied=5.4795,51.4360,5.4815,51.4372").get_data(as_text=True)
    part_table = part[part.index('id="map-table"'):]
    assert far.reference in part_table and one.reference not in part_table
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "map",
                                                             AuditEvent.actor_id == coordinator.id)).all()
    assert len(events) == 4 and all(event.action == "view" for event in events)


def test_filters_and_bad_input(client_as, make):
    make.defaults()
    noise, dirt = _at(make), _at(make, category=make.category("vervuiling"))
    client = client_as("coordinator")
    html = client.get("/kaart?categorie=vervuiling").get_data(as_text=True)
    assert dirt.reference in html and noise.reference not in html
    for query in ("status=bogus", "van=gisteren&tot=2026-99-99", "categorie=<script>", "gebied=1,2,3",
                  "page=abc", "melding=GDT-NOPE"):
        response = client.get(f"/kaart?{query}")
        assert response.status_code == 200, query
        assert noise.reference in response.get_data(as_text=True), query
    assert client.get("/kaart/gegevens?gebied=oops").status_code == 200


def test_the_map_leaves_out_another_teams_case(client_as, make, db):
    admin = make.user("admin")
    own, other = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    teams.set_restricted(True, actor=admin)
    theirs = _at(make, status="escalated", case=make.case(coordinator=other))
    open_one = _at(make)
    client = client_as(user=own)
    html = client.get("/kaart").get_data(as_text=True)
    assert open_one.reference in html and theirs.reference not in html
    assert client.get("/kaart/gegevens").get_json()["located"] == 1
    assert "data-focus" not in client.get(f"/kaart?melding={theirs.reference}").get_data(as_text=True)
    assert "data-focus" in client.get(f"/kaart?melding={open_one.reference}").get_data(as_text=True)


def test_the_triage_page_shows_the_location_and_whats_nearby(client_as, make):
    admin = make.user("admin")
    own, other = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    teams.set_restricted(True, actor=admin)
    here = _at(make)
    near = _at(make, lon=STATION[1] + _east(30))
    hidden = _at(make, lon=STATION[1] + _east(10), status="escalated", case=make.case(coordinator=other),
                 postcode="5611AB", house_number=3)  # next door: not in the page's history at this address
    away = _at(make, lon=STATION[1] + _east(200))
    html = client_as(user=own).get(f"/reports/{here.reference}").get_data(as_text=True)
    block = html[html.index('id="location-heading"'):]
    assert 'data-map="points"' in block and "Bekijk op de kaart" in block
    nearby = block[block.index('id="nearby-heading"'):]
    assert near.reference in nearby and "30 m" in nearby
    assert hidden.reference not in html and away.reference not in nearby
    lonely = make.report()
    html = client_as(user=own).get(f"/reports/{lonely.reference}").get_data(as_text=True)
    assert "De locatie van dit adres is niet bekend" in html and 'data-map="points"' not in html


def test_the_case_page_shows_its_reports_places(client_as, make):
    case = make.case()
    located = _at(make, status="escalated", case=case)
    make.report("escalated", case=case)
    html = client_as("coordinator").get(f"/cases/{case.reference}").get_data(as_text=True)
    block = html[html.index('id="location-heading"'):]
    assert 'data-map="points"' in block and located.reference in block and "locatie onbekend" in block


def test_the_buurt_map_counts_and_hides_small_cells(client_as, make):
    for _ in range(5):
        _at(make, buurt_code="BU07721111")
    for _ in range(2):
        tiny = _at(make, 51.4366, 5.4805, buurt_code="BU07721112")
    response = client_as("manager").get("/kaart/buurten")
    html = response.get_data(as_text=True)
    table = html[html.index('id="buurten-table"'):]
    assert re.search(r"BU07721111</td>\s*<td[^>]*>5</td>", table)
    assert re.search(r"BU07721112</td>\s*<td[^>]*>&lt; 5</td>", table)
    cells = html[html.index("data-cells="):html.index("data-highest")]
    assert "51.4431" in cells and "51.4366" not in cells  # the small buurt has no point on the map
    assert tiny.reference not in html and "GDT-T-" not in html and "5611" not in html


def test_the_tile_host_is_allowed_only_when_tiles_are_set(client_as, app, monkeypatch):
    client = client_as("coordinator")
    assert "img-src 'self' data:;" in client.get("/kaart").headers["Content-Security-Policy"]
    monkeypatch.setitem(app.config, "MAP_TILE_URL", "https://tiles.example.nl:8443/brt/{z}/{x}/{y}.png")
    response = client.get("/kaart")
    assert "img-src 'self' data: https://tiles.example.nl:8443;" in response.headers["Content-Security-Policy"]
    assert 'data-tiles="https://tiles.example.nl:8443/brt/{z}/{x}/{y}.png"' in response.get_data(as_text=True)
