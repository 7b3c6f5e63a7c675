"""What /metrics reports from the database, read at scrape time: running totals and the state of the queues.

Every figure is one small GROUP BY or count that an index answers (tests/services/test_operations_figures.py
reads their plans on PostgreSQL): resident reports from the funnel tallies; partner registrations, refused
logins, the outbox backlog and processed reminders through partial indexes that hold only those rows; referrals
by delivery status along ix_referrals_delivery; delta rows along ix_report_tallies_pending and
ix_case_tallies_pending; the recurrence marks, which compaction empties. Counts only.
"""
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import db, utcnow
from gdt.models import AuditEvent, CaseTally, OutboxMessage, RecurrenceMark, Referral, Report, ReportTally
from gdt.models.audit import LOGIN_FAILED
from gdt.models.outbox import REMINDER_TOPICS, REMINDERS, WAITING
from gdt.models.referrals import DELIVERY_STATUSES
from gdt.models.reports import CHANNELS, PARTNER_CHANNEL
from gdt.services.core.transaction import unit_of_work
from gdt.services.operations import heartbeats
from gdt.services.reporting import report_tallies
from workflows import TRIAGE_OUTCOMES

STATEMENT_TIMEOUT_MS = 2000  # PostgreSQL: a figure that cannot be read this fast fails instead of holding a probe


@dataclass(frozen=True)
class Backlog:
    """Outbox messages not processed yet, and how long the oldest of them has waited (None: none waits)."""

    waiting: int
    oldest_seconds: float | None


@dataclass(frozen=True)
class Figures:
    reports_received: dict[str, int]  # per channel, resident reports and partner registrations
    triage_decisions: dict[str, int]  # per outcome
    backlog: Backlog
    deliveries: dict[str, int]  # referrals per delivery status
    reminders: dict[str, int]  # reminder messages processed, per kind (coordinator, partner)
    login_failures: int
    tally_deltas_waiting: int  # report tallies
    case_tally_deltas_waiting: int
    recurrence_marks_waiting: int
    heartbeats: dict[str, heartbeats.Seen]


def statements() -> dict[str, sa.Select]:
    """Every statement `read` runs (heartbeats aside: a few rows), by figure."""
    return {
        "resident_reports": report_tallies.totals(("channel", "triage_outcome")),
        "partner_registrations": sa.select(Report.triage_outcome, sa.func.count()).where(PARTNER_CHANNEL)
        .group_by(Report.triage_outcome),
        "backlog": sa.select(sa.func.count(), sa.func.min(OutboxMessage.created_at)).where(WAITING),
        "deliveries": sa.select(Referral.delivery_status, sa.func.count()).group_by(Referral.delivery_status),
        "reminders": sa.select(OutboxMessage.topic, sa.func.count(OutboxMessage.processed_at)).where(REMINDERS)
        .group_by(OutboxMessage.topic),
        "login_failures": sa.select(sa.func.count()).select_from(AuditEvent).where(LOGIN_FAILED),
        "tally_deltas_waiting": sa.select(sa.func.count()).select_from(ReportTally)
        .where(sa.not_(ReportTally.compacted)),
        "case_tally_deltas_waiting": sa.select(sa.func.count()).select_from(CaseTally)
        .where(sa.not_(CaseTally.compacted)),
        "recurrence_marks_waiting": sa.select(sa.func.count()).select_from(RecurrenceMark),
    }


def read(max_silence: Mapping[str, float], now: datetime | None = None) -> Figures:
    """All figures in one short read-only transaction."""
    now = now or utcnow()
    queries = statements()
    with reading():
        resident = db.session.execute(queries["resident_reports"]).all()
        partner = db.session.execute(queries["partner_registrations"]).all()
        figures = Figures(
            reports_received=_received(resident, partner),
            triage_decisions=_decided(resident, partner),
            backlog=_backlog(db.session.execute(queries["backlog"]).one(), now),
            deliveries=dict.fromkeys(DELIVERY_STATUSES, 0) | dict(db.session.execute(queries["deliveries"]).all()),
            reminders=dict.fromkeys(_kinds(REMINDER_TOPICS), 0) | {
                _kind(topic): count for topic, count in db.session.execute(queries["reminders"])},
            login_failures=db.session.scalar(queries["login_failures"]),
            tally_deltas_waiting=db.session.scalar(queries["tally_deltas_waiting"]),
            case_tally_deltas_waiting=db.session.scalar(queries["case_tally_deltas_waiting"]),
            recurrence_marks_waiting=db.session.scalar(queries["recurrence_marks_waiting"]),
            heartbeats=heartbeats.latest(max_silence, now),
        )
    return figures


def outbox_backlog(now: datetime | None = None) -> Backlog:
    """The backlog alone, in a transaction of its own (the readiness check)."""
    with reading():
        return _backlog(db.session.execute(statements()["backlog"]).one(), now or utcnow())


@contextmanager
def reading() -> Iterator[so.Session]:
    """A unit of work for reads; on PostgreSQL each statement in it gives up after STATEMENT_TIMEOUT_MS."""
    with unit_of_work() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(sa.text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
        yield session


def _backlog(row: sa.Row, now: datetime) -> Backlog:
    waiting, oldest = row
    return Backlog(waiting, None if oldest is None else max((now - oldest).total_seconds(), 0.0))


def _received(resident: list[sa.Row], partner: list[sa.Row]) -> dict[str, int]:
    received = dict.fromkeys(CHANNELS, 0)
    for channel, _outcome, count in resident:
        received[channel] += count
    received["partner"] += sum(count for _outcome, count in partner)
    return received


def _decided(resident: list[sa.Row], partner: list[sa.Row]) -> dict[str, int]:
    decided = dict.fromkeys(TRIAGE_OUTCOMES, 0)
    for outcome, count in [(outcome, count) for _channel, outcome, count in resident] + [tuple(row) for row in partner]:
        if outcome is not None:
            decided[outcome] += count
    return decided


def _kind(topic: str) -> str:
    return topic.rpartition(".")[2]


def _kinds(topics: tuple[str, ...]) -> list[str]:
    return [_kind(topic) for topic in topics]

