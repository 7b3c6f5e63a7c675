"""Claiming a report before triage ("Ik pak deze op"), so two coordinators never triage the same report.

A claim is one row per report (`ReportClaim`, the report's id is its primary key). While it holds, the queue
and the triage page name its holder, and triage by anyone else is refused (`check_before_triage`, 409 in the
API). It ends when the holder releases it, when the report is triaged, or by itself `CLAIM_MINUTES` after it
was taken or renewed; a lapsed claim may be taken by anyone.

Concurrency: claiming, releasing and triaging first lock the report's row (`SELECT … FOR UPDATE` on
PostgreSQL), so they run one after the other per report and each sees what the one before committed: of two
simultaneous claims exactly one wins, and a triage never slips in between a colleague's claim and its check.
The primary key is the last guard: a second row for the same report cannot be stored. SQLite writes one
transaction at a time anyway.

A claim never changes the report itself (no version, no updated_at): a coordinator who opened the triage
form before a colleague claimed and released the report can still submit it.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import Report, ReportClaim, User
from gdt.services.core import access, audit
from gdt.services.core.errors import Conflict, Forbidden
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work


@dataclass(frozen=True)
class Claim:
    """A claim that holds now: who holds it, since when, and when it lapses unless renewed."""

    holder_id: int
    holder_name: str
    since: datetime
    until: datetime

    def held_by(self, user: User) -> bool:
        return self.holder_id == user.id


def lifetime() -> timedelta:
    return timedelta(minutes=current_app.config["CLAIM_MINUTES"])


def holds(claimed_at_column, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """SQL: a claim taken at `claimed_at_column` still holds now."""
    return claimed_at_column > (now or utcnow()) - lifetime()


def current(report: Report, now: datetime | None = None) -> Claim | None:
    """The claim on `report` that holds now, from its loaded `claim` (lists load it with the page)."""
    row = report.claim
    if row is None or report.status != "received":
        return None
    return _holding(row, now or utcnow())


def blocks(report: Report, user: User, now: datetime | None = None) -> bool:
    """Whether a colleague's claim keeps `user` from triaging the report now (the page leaves its forms out)."""
    held = current(report, now)
    return held is not None and not held.held_by(user)


def claim_report(report: Report, *, actor: User, now: datetime | None = None) -> Claim:
    """Take the report to triage, or renew one's own claim for another CLAIM_MINUTES."""
    now = now or utcnow()
    with unit_of_work():
        _check_coordinator(report, actor)
        _lock_untriaged(report)
        row = _fresh_claim(report)
        held = _holding(row, now) if row is not None else None
        if held is not None and not held.held_by(actor):
            raise Conflict(_held_message(held), code="claimed")
        detail = {"renewed": True} if held is not None else {}
        if row is not None and row.user_id != actor.id:
            detail = {"lapsed_claim_of": row.user_id}  # an internal key, never a name
        if row is None:
            row = ReportClaim(report_id=report.id, user_id=actor.id, claimed_at=now)
            db.session.add(row)
        else:
            row.user_id, row.claimed_at = actor.id, now
        audit.record(actor, "claim", "report", report.reference, detail=detail or None)
    return Claim(actor.id, actor.name, now, now + lifetime())


def release_report(report: Report, *, actor: User, now: datetime | None = None) -> None:
    """Give the report back ("Vrijgeven"): only its holder can; a colleague waits until the claim lapses."""
    now = now or utcnow()
    with unit_of_work():
        _check_coordinator(report, actor)
        _lock_untriaged(report)
        row = _fresh_claim(report)
        held = _holding(row, now) if row is not None else None
        if held is not None and not held.held_by(actor):
            raise Conflict(_held_message(held), code="claimed")
        if row is None or row.user_id != actor.id:
            raise Conflict(_l("U had deze melding niet (meer) opgepakt."), code="not_claimed")
        db.session.delete(row)
        audit.record(actor, "release", "report", report.reference)


@joins_unit_of_work
def check_before_triage(report: Report, actor: User, now: datetime | None = None) -> None:
    """Refuse triage while a colleague's claim holds (409); inside the triage's own unit of work. A report triaged
    in the meantime is left to the lifecycle, which refuses the second decision."""
    _lock(report)
    row = _fresh_claim(report)
    held = _holding(row, now or utcnow()) if row is not None else None
    if held is not None and not held.held_by(actor):
        raise Conflict(_held_message(held), code="claimed")


@joins_unit_of_work
def end_on_triage(report: Report) -> None:
    """A triaged report needs no claim any more: the row goes in the triage's unit of work."""
    db.session.execute(sa.delete(ReportClaim).where(ReportClaim.report_id == report.id))


def _check_coordinator(report: Report, actor: User) -> None:
    if not access.can_triage(actor) or not access.can_view_report(actor, report):
        raise Forbidden(_l("Alleen een regisseur kan een melding oppakken."))
    if report.status != "received":
        raise Conflict(_l("Deze melding is al beoordeeld."), code="triaged")


def _lock(report: Report) -> str:
    """Lock the report's row until the unit of work ends; its status as committed now."""
    return db.session.scalar(sa.select(Report.status).where(Report.id == report.id).with_for_update())


def _lock_untriaged(report: Report) -> None:
    if _lock(report) != "received":
        raise Conflict(_l("Deze melding is intussen al beoordeeld. Laad de pagina opnieuw."), code="triaged")


def _fresh_claim(report: Report) -> ReportClaim | None:
    """The claim row as committed now (read after the lock), not a copy loaded earlier in this request."""
    return db.session.scalars(sa.select(ReportClaim).where(ReportClaim.report_id == report.id)
                              .execution_options(populate_existing=True)).first()


def _holding(row: ReportClaim, now: datetime) -> Claim | None:
    until = row.claimed_at + lifetime()
    return Claim(row.user_id, row.user.name, row.claimed_at, until) if until > now else None


def _held_message(held: Claim) -> str:
    return _l("Deze melding is opgepakt door %(name)s (sinds %(since)s). Alleen die collega kan haar nu "
              "beoordelen; de melding komt vrij als die collega haar vrijgeeft, anders om %(until)s.",
              name=held.holder_name, since=format_datetime(held.since, "HH:mm"),
              until=format_datetime(held.until, "HH:mm"))
