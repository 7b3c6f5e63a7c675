"""The figures /metrics reads at scrape time: right counts from small queries that an index answers."""
from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models import AuditEvent, OutboxMessage, PartnerRegistration, ProcessHeartbeat, ReportTally
from gdt.models.outbox import REMINDER_TOPICS
from gdt.services.casework import reminders
from gdt.services.operations import figures
from gdt.services.reporting import report_tallies

LIMITS = {"worker": 90, "beat": 90, "relay": 90}
# Tables that grow with the years: a figure must never read them whole.
LARGE_TABLES = ("reports", "audit_events", "outbox_messages", "report_tallies", "case_tallies", "referrals")


def message(topic="report.received", *, age=timedelta(0), processed=False) -> OutboxMessage:
    created = utcnow() - age
    return OutboxMessage(id=str(uuid4()), topic=topic, payload={}, created_at=created, published_at=created,
                         processed_at=created if processed else None, attempts=0)


def test_the_figures_count_what_happened(db, make):
    for _ in range(3):
        make.report(channel="app")
    make.report(channel="webform")
    make.report("referred", channel="app")
    make.report("escalated", channel="phone")
    registration = make.report("referred", channel="partner")
    db.session.add(PartnerRegistration(report_id=registration.id, partner_id=make.partner("politie").id,
                                       registrant_name="Wijkagent", reason="Dreigende escalatie."))
    make.referral(delivery_status="failed", delivered_at=None)
    make.referral(delivery_status="pending", delivered_at=None)
    db.session.add_all([message(age=timedelta(minutes=12)), message(), message(processed=True),
                        message(reminders.COORDINATOR_TOPIC, processed=True),
                        message(reminders.COORDINATOR_TOPIC, processed=True),
                        message(reminders.PARTNER_TOPIC, processed=True), message(reminders.PARTNER_TOPIC)])
    db.session.add_all([AuditEvent(action="login", object_type="user", outcome="denied") for _ in range(2)]
                       + [AuditEvent(action="login", object_type="user", outcome="ok"),
                          AuditEvent(action="view", object_type="report", outcome="denied")])
    db.session.add(ProcessHeartbeat(kind="relay", host="h", pid=1, started_at=utcnow(),
                                    last_seen_at=utcnow() - timedelta(seconds=20)))
    db.session.commit()

    read = figures.read(LIMITS)

    # make.referral adds a referred report of its own each time (channel phone)
    assert read.reports_received == {"app": 4, "webform": 1, "phone": 3, "partner": 1}
    assert read.triage_decisions == {"referred": 4, "escalated": 1}
    assert read.backlog.waiting == 3  # two report.received, one reminder not processed yet
    assert 12 * 60 <= read.backlog.oldest_seconds < 13 * 60
    assert read.deliveries == {"pending": 1, "sent": 0, "failed": 1}
    assert read.reminders == {"coordinator": 2, "partner": 1}
    assert read.login_failures == 2
    assert read.tally_deltas_waiting == (db.session.scalar(
        sa.select(sa.func.count()).select_from(ReportTally).where(~ReportTally.compacted))
        if report_tallies.uses_tallies() else 0)
    assert read.heartbeats["relay"].alive == 1 and 20 <= read.heartbeats["relay"].last_seen_seconds < 30
    assert read.heartbeats["worker"].last_seen_seconds is None


def test_compacted_tallies_leave_no_deltas_or_marks_waiting(app, db, make):
    make.case("closed", closed_at=utcnow())
    make.report(channel="app")
    before = figures.read(LIMITS)
    report_tallies.compact_now()
    after = figures.read(LIMITS)
    if report_tallies.uses_tallies():
        assert before.tally_deltas_waiting > 0 and before.case_tally_deltas_waiting > 0
        assert before.recurrence_marks_waiting == 2  # the report, the case
    assert after.tally_deltas_waiting == after.case_tally_deltas_waiting == after.recurrence_marks_waiting == 0
    assert after.reports_received == before.reports_received  # merging changes no count


def test_an_empty_installation_reads_zeros(db):
    read = figures.read(LIMITS)
    assert read.reports_received == {"app": 0, "webform": 0, "phone": 0, "partner": 0}
    assert read.triage_decisions == {"referred": 0, "escalated": 0}
    assert (read.backlog.waiting, read.backlog.oldest_seconds) == (0, None)
    assert read.login_failures == 0


def test_the_reminder_index_names_the_reminders_topics():
    assert REMINDER_TOPICS == (reminders.COORDINATOR_TOPIC, reminders.PARTNER_TOPIC)


def test_no_figure_reads_a_large_table_whole(db, make):
    """PostgreSQL's plans with sequential scans made as dear as possible: what still scans a table has no index."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("query plans are read on PostgreSQL (pytest --postgres)")
    make.report(channel="app")
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    for name, statement in figures.statements().items():
        sql = statement.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN {sql}"))
        scanned = [table for table in LARGE_TABLES if f"Seq Scan on {table}" in plan]
        assert scanned == [], (name, plan)
