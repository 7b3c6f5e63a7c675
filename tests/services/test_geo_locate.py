"""`flask addresses locate`: coordinates for reports stored before the map; batched, idempotent, resumable."""
import pytest

from gdt.services.geo import locating


@pytest.fixture
def unlocated(make):
    """Three reports at fixture addresses and one the BAG does not know, none with coordinates."""
    reports = [make.report(postcode="5611AB", house_number=1), make.report(postcode="5611EN", house_number=20),
               make.report(postcode="5611HW", house_number=10, house_number_addition="B")]
    return reports, make.report(postcode="1234AB", house_number=5)


def test_locate_fills_the_coordinates_once(runner, db, unlocated):
    reports, unknown = unlocated
    result = runner.invoke(args=["addresses", "locate", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "Located: 3. Not found at the address service (left without coordinates): 1." in result.stdout
    for report in reports:
        db.session.refresh(report)
        assert 51.4 < report.lat < 51.5 and 5.4 < report.lon < 5.5 and 160_000 < report.rd_x < 163_000
    db.session.refresh(unknown)
    assert unknown.lat is None
    again = runner.invoke(args=["addresses", "locate"])
    assert "Located: 0. Not found at the address service (left without coordinates): 1." in again.stdout


def test_locate_resumes_where_a_stopped_run_ended(db, unlocated):
    reports, _ = unlocated
    first = locating.locate_missing(batch_size=1, limit=2)
    assert (first.located, first.not_found) == (2, 0)
    rest = locating.locate_missing(batch_size=1)
    assert (rest.located, rest.not_found) == (1, 1)
    assert all(db.session.get(type(report), report.id).rd_x is not None for report in reports)


def test_an_unanswering_service_stops_the_run_and_keeps_nothing_half(runner, app, db, unlocated):
    saved = app.config["ADDRESS_SERVICE_URL"], app.config["ADDRESS_SERVICE_TIMEOUT"]
    app.config.update(ADDRESS_SERVICE_URL="http://127.0.0.1:9", ADDRESS_SERVICE_TIMEOUT=1)
    try:
        result = runner.invoke(args=["addresses", "locate"])
    finally:
        app.config.update(ADDRESS_SERVICE_URL=saved[0], ADDRESS_SERVICE_TIMEOUT=saved[1])
    assert result.exit_code == 1
    assert "did not answer" in result.stderr
    assert all(db.session.get(type(report), report.id).rd_x is None for report in unlocated[0])


def test_destroyed_reports_are_not_located(db, make):
    from gdt.services.core.transaction import unit_of_work
    from gdt.services.retention import content_removal
    report = make.report(postcode="5611AB", house_number=1)
    with unit_of_work():
        content_removal.remove_report(report)
    assert locating.locate_missing().located == 0
