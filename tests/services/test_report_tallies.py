"""Report tallies: the grouped counts equal a count of the reports themselves, through every kind of change.

On PostgreSQL the figures come from the tallies the triggers keep; each test compares them with the same
GROUP BY over `reports` (`_from_reports`, which is also SQLite's way), so both paths are held to one answer.
"""
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM, db
from gdt.models import Report, ReportTally
from gdt.services.core import bulk
from gdt.services.reporting import report_tallies
from gdt.services.triage import report_triage

GROUPINGS = [("funnel", ("channel", "triage_outcome", "referred_partner_id")), ("funnel", ()),
             ("category", ("category_id",)), ("area", ("wijk_code", "buurt_code")), ("area", ("wijk_code",)),
             ("triage", ("minutes",)), ("triage_h", ("minutes",)), ("triage_d", ("minutes",))]


def local(*parts):
    return datetime(*parts, tzinfo=AMSTERDAM).astimezone(UTC)


def in_order(rows):
    return sorted((tuple(row) for row in rows), key=repr)


def from_reports(facet, years, by, per):
    return in_order(db.session.execute(report_tallies._from_reports(facet, min(years), max(years), by, per)))


def assert_tallies_match_the_reports(years=(2025, 2026, 2027)):
    for (facet, by), per in product(GROUPINGS, report_tallies.PERIODS):
        if per == "month" and facet != "funnel":
            continue
        grouped = in_order(report_tallies.grouped(facet, years, by, per=per))
        assert grouped == from_reports(facet, years, by, per), (facet, by, per)
    assert report_tallies.check() == []


@pytest.fixture
def postgresql_only(db):
    if not report_tallies.uses_tallies():
        pytest.skip("the tallies are PostgreSQL's; SQLite counts the reports themselves")


def test_reports_are_counted_in_their_amsterdam_month_and_partner_registrations_not_at_all(make):
    make.report(channel="app", received_at=local(2026, 1, 1, 0, 30), wijk_code="WK077201", buurt_code="BU07720101")
    make.report(channel="app", received_at=local(2025, 12, 31, 23, 30))
    make.report(channel="partner", received_at=local(2026, 1, 1, 0, 30))
    make.report("referred", channel="webform", received_at=local(2026, 12, 31, 23, 59))
    rows = in_order(report_tallies.grouped("funnel", [2026], ("channel", "triage_outcome"), per="month"))
    assert rows == [(202601, "app", None, 1), (202612, "webform", "referred", 1)]
    assert in_order(report_tallies.grouped("area", [2025, 2026], ("wijk_code", "buurt_code"))) == [
        (2025, None, None, 1), (2026, "WK077201", "BU07720101", 1), (2026, None, None, 1)]
    assert_tallies_match_the_reports()


def test_triage_returns_address_edits_anonymising_and_deletes_keep_the_tallies_exact(postgresql_only, make):
    coordinator = make.user(role="coordinator")
    reports = [make.report(channel=channel, received_at=local(2026, month, 3, 9), wijk_code="WK077201")
               for channel, month in product(("app", "webform", "phone"), (1, 6, 12))]
    db.session.commit()
    report_triage.refer_report(reports[0], "politie", None, actor=coordinator, seen_version=reports[0].version)
    report_triage.escalate_report(
        reports[1], "Dreigt te escaleren.", actor=coordinator, seen_version=reports[1].version
    )
    reports[2].wijk_code, reports[2].buurt_code = "WK077202", "BU07720201"  # the address service answered later
    reports[3].category = make.category("vervuiling")
    db.session.commit()
    reports[0].status, reports[0].triage_outcome = "received", None  # returned to triage by the partner
    reports[0].referred_partner, reports[0].triaged_at = None, None
    reports[4].reporter_name = reports[4].reporter_phone = None  # anonymised: no figure may change
    db.session.commit()
    db.session.delete(reports[5])
    db.session.commit()
    assert_tallies_match_the_reports()


def test_bulk_inserts_and_set_based_updates_are_counted_per_statement(postgresql_only, make):
    category = make.category()
    start = local(2026, 3, 1, 8)
    bulk.bulk_insert(
        Report,
        [
            {
                "reference": f"GDT-B-{n:04d}",
                "channel": ("app", "webform", "phone", "partner")[n % 4],
                "status": "received",
                "received_at": start + timedelta(hours=n * 7),
                "category_id": category.id,
                "postcode": "5611AB",
                "house_number": 1 + n,
                "reporter_is_anonymous": True,
                "reporter_may_contact": False,
                "wijk_code": f"WK0772{n % 3:02d}",
            }
            for n in range(400)
        ],
    )
    db.session.execute(
        sa.update(Report)
        .where(Report.house_number <= 100)
        .values(
            status="referred",
            triage_outcome="referred",
            triaged_at=Report.received_at + sa.text("interval '5 hours 7 minutes'"),
            referred_partner_id=make.partner("politie").id,
        )
    )
    assert_tallies_match_the_reports()


def test_compaction_merges_the_deltas_without_changing_a_figure(postgresql_only, make):
    coordinator = make.user(role="coordinator")
    reports = [make.report(channel="app", received_at=local(2026, 5, day, 9)) for day in range(1, 21)]
    db.session.commit()
    for report in reports[:10]:
        report_triage.refer_report(report, "politie", None, actor=coordinator, seen_version=report.version)
    before = report_tallies.grouped("funnel", [2026], ("channel", "triage_outcome"), per="month")
    rows_before = db.session.scalar(sa.select(sa.func.count()).select_from(ReportTally))
    assert report_tallies.compact() > 0
    assert report_tallies.grouped("funnel", [2026], ("channel", "triage_outcome"), per="month") == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportTally)) < rows_before
    assert db.session.scalar(sa.select(sa.func.count()).where(ReportTally.compacted.is_(False))) == 0
    assert report_tallies.compact() == 0  # nothing new: nothing to do
    assert_tallies_match_the_reports()


def test_check_finds_a_tampered_tally_and_rebuild_repairs_it(postgresql_only, make):
    make.report(channel="app", received_at=local(2026, 2, 1, 9))
    db.session.add(ReportTally(period=202602, facet="funnel", channel="app", count=5))
    [difference] = report_tallies.check()
    assert (difference.period, difference.facet, difference.tallied, difference.counted) == (202602, "funnel", 6, 1)
    report_tallies.rebuild()
    assert_tallies_match_the_reports()


def test_a_grouping_outside_the_facet_is_refused(db):
    with pytest.raises(ValueError):
        report_tallies.grouped("category", [2026], ("wijk_code",))
    with pytest.raises(ValueError):
        report_tallies.grouped("funnel", [2026], (), per="week")
    with pytest.raises(ValueError):
        report_tallies.grouped("triage", [2026], ("minutes",), per="month")
