"""The periodic scan: actions due today, claimed reports near their triage deadline, and old read notifications.

Each thing is told once: its notification carries a `once_key` (unique), and the scan skips keys already stored,
so a second run, a restart or beat and the in-process scheduler at once tell nobody twice (two scans racing for
the same key: the second fails on the unique key, rolls back and finds it done next time).
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Action, Notification, Report, ReportClaim
from gdt.services.core.transaction import unit_of_work
from gdt.services.notifications.notify import notify


@dataclass(frozen=True)
class ScanResult:
    actions_due: int
    triage_deadlines: int
    removed: int


def scan(now: datetime | None = None) -> ScanResult:
    now = now or utcnow()
    with unit_of_work():
        result = ScanResult(actions_due=_actions_due(now), triage_deadlines=_triage_deadlines(now),
                            removed=_remove_old(now))
    return result


def _actions_due(now: datetime) -> int:
    """Open actions a user owns that are due today (Amsterdam), told to that owner on the day."""
    today = now.astimezone(AMSTERDAM).date()
    start = datetime.combine(today, time(), AMSTERDAM)
    due = db.session.scalars(
        sa.select(Action).where(Action.status == "open", Action.owner_user_id.is_not(None),
                                Action.due_at >= start, Action.due_at < start + timedelta(days=1))
        .options(selectinload(Action.owner_user), selectinload(Action.case)))
    return _tell_once([(f"action_due:{action.id}", action.owner_user, {"action": action}) for action in due],
                      "action_due")


def _triage_deadlines(now: datetime) -> int:
    """Untriaged reports whose claim still holds and whose triage deadline is within the warning hours (or past),
    told to the claim's holder once per claim and deadline (a report sent back to triage has a new deadline).

    "Still holds" is gdt.services.triage.claims' rule (CLAIM_MINUTES), written out here: triage is a layer above.
    """
    config = current_app.config
    holds_since = now - timedelta(minutes=config["CLAIM_MINUTES"])
    warn_before = now + timedelta(hours=config["NOTIFY_TRIAGE_WARNING_HOURS"])
    rows = db.session.execute(
        sa.select(ReportClaim, Report).join(Report, Report.id == ReportClaim.report_id)
        .where(Report.status == "received", Report.triage_due_at.is_not(None), Report.triage_due_at <= warn_before,
               ReportClaim.claimed_at > holds_since)
        .options(selectinload(ReportClaim.user))).all()
    return _tell_once([(f"triage_deadline:{report.id}:{claim.user_id}:{int(report.triage_due_at.timestamp())}",
                        claim.user, {"report": report}) for claim, report in rows], "triage_deadline")


def _tell_once(candidates: list[tuple], kind: str) -> int:
    keys = [key for key, _, _ in candidates]
    if not keys:
        return 0
    told = set(db.session.scalars(sa.select(Notification.once_key).where(Notification.once_key.in_(keys))))
    count = 0
    for key, user, subject in candidates:
        if key not in told and notify(user, kind, once_key=key, **subject) is not None:
            count += 1
    return count


def _remove_old(now: datetime) -> int:
    """Read notifications older than NOTIFY_KEEP_DAYS go: they hold nothing but a kind and a link."""
    cutoff = now - timedelta(days=current_app.config["NOTIFY_KEEP_DAYS"])
    result = db.session.execute(sa.delete(Notification).where(Notification.read_at.is_not(None),
                                                              Notification.read_at < cutoff))
    return result.rowcount
