"""Phone intake: validation of every field at once, anonymity, the address signal, the queue."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.db import db as _db
from gdt.models import Report
from gdt.services.core.errors import ValidationFailed
from gdt.services.core.list_order import Sort
from gdt.services.intake import report_intake
from gdt.services.triage import report_lists

VALID = dict(category="geluidsoverlast", description="Harde muziek", postcode="5611 ab", house_number="7",
             reporter_name="Anna", reporter_phone="0612345678", reporter_may_contact=True)


def test_registers_with_reference_history_and_audit(make, db):
    make.defaults()
    user = make.user("intake")
    report = report_intake.register_phone_report(report_intake.ReportInput(**VALID), actor=user)
    assert report.reference.startswith(f"GDT-{datetime.now(UTC).year}") or report.reference.startswith("GDT-")
    assert (report.channel, report.status, report.postcode, report.registered_by_id) == ("phone", "received", "5611AB",
                                                                                       user.id)
    assert [(e.event, e.to_status) for e in report.events] == [("register", "received")]


def test_all_field_errors_come_together_and_nothing_is_stored(make, db):
    make.defaults()
    with pytest.raises(ValidationFailed) as refused:
        report_intake.register_phone_report(report_intake.ReportInput(
            category="bestaat-niet", description="", postcode="1234SS", house_number="0", reporter_name="",
            reporter_may_contact=True), actor=make.user("intake"))
    assert set(refused.value.errors) == {"category", "description", "postcode", "house_number", "reporter_name",
                                         "reporter_phone"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_anonymous_reports_keep_no_reporter_details(make, db):
    make.defaults()
    report = report_intake.register_phone_report(report_intake.ReportInput(**VALID | {"reporter_is_anonymous": True}),
                                          actor=make.user("intake"))
    assert report.reporter_name is None and report.reporter_phone is None and not report.reporter_may_contact


def test_nul_bytes_and_huge_text_are_refused(make, db):
    make.defaults()
    for description in ("a\x00b", "x" * 5001):
        with pytest.raises(ValidationFailed) as refused:
            report_intake.register_phone_report(report_intake.ReportInput(**VALID | {"description": description}),
                                         actor=make.user("intake"))
        assert "description" in refused.value.errors


def test_address_signal_counts_reports_and_open_cases(make):
    assert report_intake.address_signal("5611AB", 9) == (0, False)
    make.report(postcode="5611AB", house_number=9)
    escalated = make.report(status="escalated", postcode="5611AB", house_number=9)
    assert report_intake.address_signal("5611AB", 9) == (2, True)
    assert report_intake.address_signal("5611AB", 9, excluding=escalated) == (1, False)


def test_queue_is_untriaged_and_sorts_oldest_first(make):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    newer = make.report(received_at=start + timedelta(days=2))
    older = make.report(received_at=start)
    make.report(status="referred")
    queue = report_lists.queue(make.user("coordinator"), report_lists.QueueFilter(), Sort("received"))
    assert [r.id for r in _db.session.scalars(queue)] == [older.id, newer.id]
