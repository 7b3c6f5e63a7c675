"""Deadlines (termijnen): fixed in working days when their clock starts, and what is overdue now.

Each deadline is computed once, with the norm of that moment, and stored on its row; a later change
of a norm or of the closing days changes only deadlines whose clock starts afterwards.
"""
import functools
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from gdt.db import utcnow
from gdt.models import Action, Case, Category, Referral, Report
from gdt.services.core import closing_days
from gdt.services.core.working_days import AMSTERDAM, WorkingCalendar, start_of_day

# Per set of closing days: a calendar caches its holidays. A few sets at most (the days change a few times a year).
_CALENDARS: dict[frozenset[date], WorkingCalendar] = {}
_CALENDARS_KEPT = 8


def calendar() -> WorkingCalendar:
    """The working calendar with the municipality's closing days: those the admin keeps (the `closing_days` table,
    cached per process, core/closing_days.py) and, in addition, EXTRA_NON_WORKING_DAYS from the settings."""
    extra = closing_days.stored_days() | configured_closing_days()
    found = _CALENDARS.get(extra)
    if found is None:
        found = WorkingCalendar(extra)
        if len(_CALENDARS) >= _CALENDARS_KEPT:
            _CALENDARS.clear()
        _CALENDARS[extra] = found
    return found


def configured_closing_days() -> frozenset[date]:
    """EXTRA_NON_WORKING_DAYS (ISO dates) as days."""
    return _configured(tuple(current_app.config["EXTRA_NON_WORKING_DAYS"]))


@functools.cache
def _configured(days: tuple[str, ...]) -> frozenset[date]:
    return frozenset(date.fromisoformat(day) for day in days)


def triage_due(start: datetime, category: Category | None) -> datetime:
    """The triage deadline of a report of `category` whose clock starts at `start`: the category's own working days
    when the admin set them, otherwise the general norm TRIAGE_NORM_WORKING_DAYS."""
    return calendar().add_working_days(start, triage_working_days(category))


def triage_working_days(category: Category | None) -> int:
    if category is not None and category.triage_working_days is not None:
        return category.triage_working_days
    return current_app.config["TRIAGE_NORM_WORKING_DAYS"]


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


def running_deadline(item: Report | Referral | Case | Action) -> datetime | None:
    """The deadline that still runs for `item`, or None once it no longer matters (triaged, acknowledged, closed,
    done): the same conditions as `item_is_overdue`."""
    if isinstance(item, Report):
        return item.triage_due_at if item.status == "received" else None
    if isinstance(item, Referral):
        return item.acknowledge_due_at if item.status == "awaiting" and item.delivery_status == "sent" else None
    if isinstance(item, Case):
        return item.review_due_at if item.status == "open" else None
    if isinstance(item, Action):
        return item.due_at if item.status == "open" else None
    raise TypeError(f"no deadline for {type(item).__name__}")


@dataclass(frozen=True)
class DeadlineState:
    """Where a deadline stands, in whole working days, for pages to say in words.

    `overdue`: the deadline has passed; `working_days` is then how many working days have passed since the
    deadline day (0 on a weekend or holiday right after it). Otherwise it is how many working days are left
    after today (0: due today). Days are Amsterdam days of the working calendar (core/working_days.py).
    """

    due_at: datetime
    overdue: bool
    working_days: int

    @property
    def due_today(self) -> bool:
        return not self.overdue and self.working_days == 0


def deadline_state(due_at: datetime | None, now: datetime | None = None) -> DeadlineState | None:
    if due_at is None:
        return None
    now = now or utcnow()
    today, due_day = now.astimezone(AMSTERDAM).date(), due_at.astimezone(AMSTERDAM).date()
    if is_overdue(due_at, now):
        return DeadlineState(due_at, True, calendar().working_days_between(due_day, today))
    return DeadlineState(due_at, False, calendar().working_days_between(today, due_day))


def item_deadline(item: Report | Referral | Case | Action, now: datetime | None = None) -> DeadlineState | None:
    """The state of the deadline that matters for `item` now (see `running_deadline`), or None when none runs."""
    return deadline_state(running_deadline(item), now)


def received_before_working_days(working_days: int, now: datetime | None = None) -> datetime:
    """The moment before which a report is more than `working_days` working days old.

    Age counts working days after the day of receipt up to and including today, as deadlines do: a report
    of Monday is 1 working day old on Tuesday, and "older than 1 working day" from Wednesday on.
    """
    today = (now or utcnow()).astimezone(AMSTERDAM).date()
    return start_of_day(calendar().days_back(today, working_days))


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
