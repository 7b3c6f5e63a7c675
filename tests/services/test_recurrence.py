"""Recurrence: reports linked by BAG id or normalised address, the 12-month history, open cases, the queue flag."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import Report
from gdt.services.core import teams
from gdt.services.intake import report_intake
from gdt.services.triage import report_triage

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
BAG_12A, BAG_12B = "0772200000001148", "0772200000001185"


def _ids(reports):
    return [report.id for report in reports]


def test_history_covers_the_12_months_before_the_report_newest_first(make):
    report = make.report(received_at=NOW)
    recent = make.report(received_at=NOW - timedelta(days=30))
    eleven_months = make.report(received_at=NOW - timedelta(days=335))
    make.report(received_at=NOW - timedelta(days=370))            # more than a year before
    make.report(received_at=NOW + timedelta(days=1))              # after it: not "earlier"
    make.report(received_at=NOW - timedelta(days=3), house_number=2)
    assert _ids(report_triage.address_history(report, viewer=make.user("coordinator"))) == [recent.id, eleven_months.id]


def test_the_window_starts_on_the_same_day_a_year_before():
    assert report_triage.year_before(NOW) == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert report_triage.year_before(datetime(2028, 2, 29, tzinfo=UTC)) == datetime(2027, 2, 28, tzinfo=UTC)


def test_bag_ids_link_reports_even_when_the_postcode_differs(make):
    report = make.report(received_at=NOW, bag_id=BAG_12A, house_number=12, house_number_addition="A")
    renumbered = make.report(received_at=NOW - timedelta(days=5), bag_id=BAG_12A, postcode="5611AC",
                             house_number=12, house_number_addition="A")
    assert _ids(report_triage.address_history(report, viewer=make.user("coordinator"))) == [renumbered.id]


def test_different_bag_ids_at_one_number_are_different_addresses(make):
    report = make.report(received_at=NOW, bag_id=BAG_12A, house_number=12, house_number_addition="A")
    make.report(received_at=NOW - timedelta(days=5), bag_id=BAG_12B, house_number=12, house_number_addition="B")
    make.report(received_at=NOW - timedelta(days=6), bag_id=BAG_12B, house_number=12)  # B, addition not typed
    assert report_triage.address_history(report, viewer=make.user("coordinator")) == []


def test_without_a_bag_id_on_one_side_the_address_decides(make):
    report = make.report(received_at=NOW, bag_id=BAG_12A, house_number=12, house_number_addition="A")
    typed_a = make.report(received_at=NOW - timedelta(days=1), house_number=12, house_number_addition="A")
    typed_plain = make.report(received_at=NOW - timedelta(days=2), house_number=12)
    make.report(received_at=NOW - timedelta(days=3), house_number=12, house_number_addition="B")
    assert _ids(report_triage.address_history(report, viewer=make.user("coordinator"))) == [typed_a.id, typed_plain.id]


def test_a_report_without_addition_matches_every_addition_at_the_number(make):
    report = make.report(received_at=NOW, house_number=12)
    others = [make.report(received_at=NOW - timedelta(days=day), house_number=12, house_number_addition=addition)
              for day, addition in ((1, "A"), (2, "B"), (3, None))]
    assert _ids(report_triage.address_history(report, viewer=make.user("coordinator"))) == _ids(others)


def test_open_case_at_the_address_is_found_and_closed_ones_are_not(make):
    viewer = make.user("coordinator")
    report = make.report(received_at=NOW)
    assert report_triage.open_case_at_address(report, viewer=viewer) is None
    closed = make.case(status="closed")
    make.report(status="escalated", case=closed, received_at=NOW - timedelta(days=400))
    assert report_triage.open_case_at_address(report, viewer=viewer) is None
    old_case = make.report(status="escalated", received_at=NOW - timedelta(days=400)).case  # older than 12 months
    history = report_triage.address_history(report, viewer=viewer)
    assert history == [] and history.open_case == old_case == report_triage.open_case_at_address(report, viewer=viewer)


def test_another_teams_case_and_its_reports_stay_out_of_the_history_under_the_team_limit(make):
    own, other = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    teams.set_restricted(True, actor=make.user("admin"))
    report = make.report(received_at=NOW)
    theirs = make.case(coordinator=other)
    make.report(status="escalated", case=theirs, received_at=NOW - timedelta(days=3))
    history = report_triage.address_history(report, viewer=own)
    assert history == [] and history.open_case is None
    seen = report_triage.address_history(report, viewer=other)
    assert len(seen) == 1 and seen.open_case == theirs


def test_a_reports_own_case_is_not_a_signal_about_itself(make):
    escalated = make.report(status="escalated", received_at=NOW)
    make.report(case=escalated.case, received_at=NOW - timedelta(days=1), status="escalated")
    assert report_triage.open_case_at_address(escalated, viewer=make.user("coordinator")) is None


def test_address_signal_uses_the_same_rule(make):
    make.report(bag_id=BAG_12A, house_number=12, house_number_addition="A")
    make.report(status="escalated", bag_id=BAG_12B, house_number=12, house_number_addition="B")
    assert report_intake.address_signal("5611AB", 12) == (2, True)
    assert report_intake.address_signal("5611AB", 12, "A", BAG_12A) == (1, False)
    assert report_intake.address_signal("5611AB", 12, "B") == (1, True)


def test_queue_flags_reports_at_an_address_with_an_open_case(make):
    flagged = make.report(house_number=7)
    by_bag = make.report(postcode="5612CJ", house_number=101, bag_id=BAG_12A)
    plain = make.report(house_number=8)
    make.report(status="escalated", house_number=7, received_at=NOW - timedelta(days=500))
    make.report(status="escalated", postcode="5611AB", house_number=12, bag_id=BAG_12A)
    make.report(status="escalated", house_number=8, case=make.case(status="closed"))
    found = report_intake.reports_with_open_case_at_address([flagged.id, by_bag.id, plain.id])
    assert found == {flagged.id, by_bag.id}
    assert report_intake.reports_with_open_case_at_address([]) == set()


@pytest.fixture
def count_queries(db):
    """Count the SQL statements sent while the block runs (on the test's connection)."""
    class Counter:
        def __init__(self):
            self.statements = []

        def __call__(self, _conn, _cursor, statement, *_args):
            self.statements.append(statement)

    engine = db.session.get_bind().engine
    counter = Counter()
    sa.event.listen(engine, "before_cursor_execute", counter)
    yield counter
    sa.event.remove(engine, "before_cursor_execute", counter)


def _queue_queries(client, counter):
    counter.statements.clear()
    page = client.get("/intake/queue")
    assert page.status_code == 200
    return page, len(counter.statements)


def test_queue_page_marks_open_cases_in_one_query_for_the_whole_page(make, db, client_as, count_queries):
    client = client_as("coordinator")
    for number in range(1, 26):
        make.report(house_number=number, received_at=NOW + timedelta(minutes=number))
    make.report(status="escalated", house_number=3, received_at=NOW - timedelta(days=2))
    make.report(status="escalated", house_number=4, received_at=NOW - timedelta(days=2))
    page, full_page = _queue_queries(client, count_queries)
    assert page.text.count("Let op: open casus op dit adres") == 2
    assert sum("EXISTS" in statement.upper() for statement in count_queries.statements) == 1

    db.session.execute(sa.delete(Report).where(Report.status == "received", Report.house_number > 2))
    db.session.commit()
    _, small_page = _queue_queries(client, count_queries)
    # The same number of statements for 2 rows as for 25: no query per row (the page also loads the filter's
    # categories and the claims, see tests/web/test_report_lists.py).
    assert 0 < full_page == small_page < 14


def test_intake_staff_see_no_case_marker_in_the_queue(make, client_as):
    make.report(house_number=7)
    make.report(status="escalated", house_number=7)
    assert "open casus" not in client_as("intake").get("/intake/queue").text
