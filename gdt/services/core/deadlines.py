"""Deadlines (termijnen): fixed in working days when their clock starts, and what is overdue now.

Each deadline is computed once, with the norm of that moment, and stored on its row; a later change
of a norm or of the closing days changes only deadlines whose clock starts afterwards.
"""
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from gdt.db import utcnow
from gdt.models import Action, Case, Referral, Report
from gdt.services.core.working_days import WorkingCalendar

_CALENDARS: dict[tuple[str, ...], WorkingCalendar] = {}  # per list of extra days: a calendar caches its holidays


def calendar() -> WorkingCalendar:
    extra = tuple(current_app.config["EXTRA_NON_WORKING_DAYS"])
    if extra not in _CALENDARS:
        _CALENDARS[extra] = WorkingCalendar(date.fromisoformat(day) for day in extra)
    return _CALENDARS[extra]


def triage_due(start: datetime) -> datetime:
    return calendar().add_working_days(start, current_app.config["TRIAGE_NORM_WORKING_DAYS"])


def acknowledge_due(start: datetime) -> datetime:
    return calendar().add_working_days(start, current_app.config["ACKNOWLEDGE_NORM_WORKING_DAYS"])


def review_due(start: datetime) -> datetime:
    return calendar().add_weeks_to_working_day(start, current_app.config["CASE_REVIEW_WEEKS"])


def is_overdue(due_at: datetime | None, now: datetime | None = None) -> bool:
    return due_at is not None and due_at < (now or utcnow())


def item_is_overdue(item: Report | Referral | Case | Action, now: datetime | None = None) -> bool:
    """Whether the deadline that matters for `item` now has passed: the one definition pages show as "te laat".

    The same conditions as the queries below: a report waiting for triage, a delivered referral the partner
    has not acknowledged, an open case's review, an open action.
    """
    if isinstance(item, Report):
        return item.status == "received" and is_overdue(item.triage_due_at, now)
    if isinstance(item, Referral):
        return (item.status == "awaiting" and item.delivery_status == "sent"
                and is_overdue(item.acknowledge_due_at, now))
    if isinstance(item, Case):
        return item.status == "open" and is_overdue(item.review_due_at, now)
    if isinstance(item, Action):
        return item.status == "open" and is_overdue(item.due_at, now)
    raise TypeError(f"no deadline for {type(item).__name__}")


def overdue_triage(now: datetime | None = None) -> sa.Select:
    """Reports still waiting for triage after their deadline, the longest overdue first."""
    return (sa.select(Report).where(Report.status == "received", Report.triage_due_at < (now or utcnow()))
            .order_by(Report.triage_due_at, Report.id))


def overdue_acknowledgements(now: datetime | None = None) -> sa.Select:
    """Delivered referrals the partner has not acknowledged in time."""
    return (sa.select(Referral).where(Referral.status == "awaiting", Referral.delivery_status == "sent",
                                      Referral.acknowledge_due_at < (now or utcnow()))
            .order_by(Referral.acknowledge_due_at, Referral.id))


def overdue_reviews(now: datetime | None = None) -> sa.Select:
    """Open cases whose periodic review is past due."""
    return (sa.select(Case).where(Case.status == "open", Case.review_due_at < (now or utcnow()))
            .order_by(Case.review_due_at, Case.id))
