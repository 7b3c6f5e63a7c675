"""Coordinates, nearby reports, the clustered map data and the buurt heat map: per role, on both databases."""
from datetime import UTC, date, datetime

import pytest

from gdt.services import geo
from gdt.services.core import teams
from gdt.services.geo import rd
from gdt.services.intake import addresses, report_intake

STATION = (51.4431, 5.4790)  # Eindhoven Centraal, near the fixture's Stationsplein


def _at(make, lat, lon, status="received", **overrides):
    """A report at a point (both systems filled, as the address service gives them); "closed" after a referral."""
    x, y = rd.to_rd(lat, lon)
    report = make.report("referred" if status == "closed" else status, lat=lat, lon=lon, rd_x=x, rd_y=y, **overrides)
    if status == "closed":
        report.status = "closed"
        make.session.commit()
    return report


def _east(metres):
    """Degrees of longitude for `metres` east at Eindhoven's latitude."""
    return metres / 69_400


def test_rd_round_trip_and_amersfoort():
    assert rd.to_rd(rd.LAT0, rd.LON0) == pytest.approx((155000, 463000), abs=0.01)
    x, y = rd.to_rd(*STATION)
    assert 161000 < x < 162000 and 383000 < y < 384500  # Eindhoven in RD
    assert rd.to_wgs84(x, y) == pytest.approx(STATION, abs=1e-6)


def test_the_fixture_gives_both_coordinates_and_a_broken_centroid_gives_none(app):
    with app.app_context():
        match = addresses.lookup("5611AB", 1)[0]
    assert match.lat == pytest.approx(51.443, abs=0.01) and match.lon == pytest.approx(5.479, abs=0.01)
    assert rd.to_rd(match.lat, match.lon) == pytest.approx((match.rd_x, match.rd_y), abs=1.5)
    doc = {"type": "adres", "straatnaam": "Markt", "huisnummer": 1, "postcode": "5611EB", "woonplaatsnaam": "Eindhoven",
           "centroide_ll": "POINT(5.47 51.43)", "centroide_rd": "POINT(0 0)"}  # RD outside the Netherlands
    (parsed,) = addresses.parse_docs([doc])
    assert parsed.coordinates == {"lat": None, "lon": None, "rd_x": None, "rd_y": None}


def test_a_phone_report_at_a_bag_address_is_stored_with_its_coordinates(make):
    make.defaults()
    clerk = make.user("intake")
    report = report_intake.register_phone_report(report_intake.ReportInput(
        category="geluidsoverlast", description="Muziek", postcode="5611AB", house_number="3",
        reporter_is_anonymous=True), actor=clerk)
    assert report.bag_id and report.lat and report.lon and report.rd_x and report.rd_y
    typed = report_intake.register_phone_report(report_intake.ReportInput(
        category="geluidsoverlast", description="Muziek", postcode="1234AB", house_number="3",
        reporter_is_anonymous=True), actor=clerk)
    assert (typed.lat, typed.rd_x) == (None, None)  # not in the BAG: no place on the map


def test_nearby_finds_reports_within_the_radius_nearest_first(make):
    here = _at(make, *STATION)
    near = _at(make, STATION[0], STATION[1] + _east(20))
    nearer = _at(make, STATION[0], STATION[1] + _east(5))
    _at(make, STATION[0], STATION[1] + _east(80))  # outside 50 m
    make.report()  # no coordinates
    coordinator = make.user("coordinator")
    found = geo.nearby(coordinator, here)
    assert [report.id for report, _ in found] == [nearer.id, near.id]
    assert found[0][1] == pytest.approx(5, abs=1) and found[1][1] == pytest.approx(20, abs=1)
    assert [report.id for report, _ in geo.nearby(coordinator, here, metres=100)][-1] != here.id
    assert len(geo.nearby(coordinator, here, metres=100)) == 3
    assert geo.nearby(coordinator, make.report()) == []  # unlocated: no neighbours


def test_nearby_shows_only_what_the_viewer_may_open(make, db):
    intake, manager = make.user("intake"), make.user("manager")
    here = _at(make, *STATION, registered_by_id=intake.id)
    _at(make, STATION[0], STATION[1] + _east(10))  # someone else's
    mine = _at(make, STATION[0], STATION[1] + _east(15), registered_by_id=intake.id)
    assert [report.id for report, _ in geo.nearby(intake, here)] == [mine.id]
    assert geo.nearby(manager, here) == []
    # The team limit: a coordinator does not see a report in another team's case.
    admin = make.user("admin")
    own, other = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    teams.set_restricted(True, actor=admin)
    theirs = _at(make, STATION[0], STATION[1] + _east(12), status="escalated",
                 case=make.case(coordinator=other))
    assert theirs.id not in [report.id for report, _ in geo.nearby(own, here)]
    assert theirs.id in [report.id for report, _ in geo.nearby(other, here)]


def test_map_data_groups_in_the_database_and_names_only_single_reports(make):
    for metres in (0, 3, 6):  # one building-ish group
        _at(make, STATION[0], STATION[1] + _east(metres))
    alone = _at(make, 51.4366, 5.4805)  # Stratumseind, ~750 m away
    _at(make, 51.4366, 5.4805, status="referred")
    _at(make, 51.42, 5.43, status="closed")  # closed: not on the map by default
    make.report()  # unlocated: table only
    coordinator = make.user("coordinator")
    data = geo.map_data(coordinator)
    assert data.located == 5 and data.unlocated == 1 and data.total == 6
    counts = sorted(cluster.count for cluster in data.clusters)
    assert counts == [2, 3]  # 250 m cells by default
    assert all(cluster.reference is None for cluster in data.clusters)
    # Zoomed in on Stratumseind: the two stand apart only when they are apart; here the same house.
    box = geo.BBox(5.4795, 51.4360, 5.4815, 51.4372)
    zoomed = geo.map_data(coordinator, bbox=box)
    assert [cluster.count for cluster in zoomed.clusters] == [2] and zoomed.unlocated == 1  # in no view, always told
    only_received = geo.map_data(coordinator, statuses=("received",), bbox=str(box))
    assert [(cluster.count, cluster.reference, cluster.status) for cluster in only_received.clusters] == [
        (1, alone.reference, "received")]
    assert geo.map_data(coordinator, statuses=("closed",)).located == 1


def test_map_data_filters_category_and_period(make):
    make.defaults()
    _at(make, *STATION, received_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    _at(make, *STATION, received_at=datetime(2026, 5, 1, 12, tzinfo=UTC), category=make.category("vervuiling"))
    coordinator = make.user("coordinator")
    assert geo.map_data(coordinator, categories=("vervuiling",)).located == 1
    assert geo.map_data(coordinator, period=(date(2026, 3, 1), date(2026, 3, 1))).located == 1
    assert geo.map_data(coordinator, period=(date(2026, 4, 1), date(2026, 6, 30))).located == 1
    assert geo.map_data(coordinator, period=(date(2025, 1, 1), date(2025, 12, 31))).located == 0
    table = geo.reports_in_view(coordinator, categories=("vervuiling",))
    from gdt.db import db
    assert len(db.session.scalars(table).all()) == 1


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "partner"])
def test_map_data_follows_the_need_to_know_rule(make, role):
    viewer = make.user(role)
    _at(make, *STATION)  # not theirs
    data = geo.map_data(viewer)
    expected = 0
    if role == "intake":
        _at(make, *STATION, registered_by_id=viewer.id)
        data, expected = geo.map_data(viewer), 1
    assert data.located == expected


def test_heat_map_counts_per_buurt_and_hides_small_cells(make, app):
    for _ in range(6):
        _at(make, *STATION, buurt_code="BU07721111")
    for _ in range(2):
        _at(make, 51.4366, 5.4805, buurt_code="BU07721112")
    _at(make, *STATION, buurt_code="BU07721113", status="closed")
    heat = geo.heat_map()
    assert heat.threshold == app.config["EXPORT_SMALL_CELL_THRESHOLD"] == 5
    rows = {buurt.code: buurt for buurt in heat.buurten}
    assert rows["BU07721111"].count == 6 and rows["BU07721111"].shown == "6"
    assert rows["BU07721111"].lat == pytest.approx(STATION[0])
    small = rows["BU07721112"]
    assert (small.count, small.shown, small.lat, small.lon) == (None, "< 5", None, None)
    assert heat.hidden == 2 and heat.highest == 6
    assert [buurt.code for buurt in heat.buurten][0] == "BU07721111"
    assert {buurt.code for buurt in geo.heat_map(statuses=("closed",)).buurten} == {"BU07721113"}


def test_a_destroyed_report_keeps_no_coordinates_and_leaves_the_map(make, db):
    from gdt.services.core.transaction import unit_of_work
    from gdt.services.retention import content_removal
    report = _at(make, *STATION, buurt_code="BU07721111")
    with unit_of_work():
        content_removal.remove_report(report)
    db.session.refresh(report)
    assert (report.lat, report.lon, report.rd_x, report.rd_y) == (None, None, None, None)
    assert report.buurt_code == "BU07721111"  # the counts stay
    assert geo.map_data(make.user("coordinator")).located == 0


def test_demo_points_lie_in_eindhoven_and_typed_addresses_have_none():
    from gdt.services.geo.demo_points import demo_point
    point = demo_point("5612AB", 14)
    assert 51.38 < point["lat"] < 51.50 and 5.38 < point["lon"] < 5.56
    assert rd.to_rd(point["lat"], point["lon"]) == pytest.approx((point["rd_x"], point["rd_y"]), abs=1.5)
    assert demo_point("5612AB", 20, located=False) == {"lat": None, "lon": None, "rd_x": None, "rd_y": None}


def test_a_corrected_address_moves_the_report_or_takes_it_off_the_map(make):
    from gdt.services.intake import report_corrections
    make.defaults()
    clerk = make.user("intake")
    report = report_intake.register_phone_report(report_intake.ReportInput(
        category="geluidsoverlast", description="Muziek", postcode="5611AB", house_number="3",
        reporter_is_anonymous=True), actor=clerk)
    before = report.rd_x

    def correct(postcode, number):
        report_corrections.correct_report(report, report_corrections.CorrectionInput(
            category="geluidsoverlast", postcode=postcode, house_number=number, house_number_addition=None,
            street=None, city=None, description="Muziek", reason="Verkeerd adres genoteerd"),
            actor=clerk, seen_version=report.version)

    correct("5611EN", "20")  # Stratumseind, in the BAG
    assert report.rd_x is not None and abs(report.rd_x - before) > 50 and report.buurt_code == "BU07721112"
    correct("1234AB", "5")  # not in the BAG: typed, so no place on the map
    assert (report.lat, report.lon, report.rd_x, report.rd_y) == (None, None, None, None)
