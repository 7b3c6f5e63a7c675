"""Recurrence after closing: of the cases closed in a year, how many saw a new report within 6 and 12 months.

A case recurs when a report that is not one of its own is received after the moment it closed, up to that moment
plus 6 (or 12) calendar months inclusive, and that report is

* at the address of one of the case's reports (the triage page's rule, gdt.services.intake.report_intake.same_address:
  the BAG id when both reports have one, else postcode and house number), or
* linked to a person who is linked to the case or to one of its reports (gdt.models.people.PersonLink), directly
  or through the new report's case.

Only cases whose window has fully passed count (closed at least 6 or 12 months before now); the others are "too
recent to say". A destroyed case has lost its addresses and person links (docs/decisions/0023), so whether it recurred
can no longer be told: it is counted apart and left out of the shares.

All of it is one statement: per report and per linked person of each closed case, the earliest new report (index
lookups), the earliest of those per case, then counts per year of closing. Nothing per case reaches Python.
"""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, utcnow
from gdt.models import Case, Report
from gdt.models.people import PersonLink
from gdt.services.intake.report_intake import same_address
from gdt.services.reporting.periods import in_years, period_of

WINDOWS = (6, 12)  # months after closing
WAYS = ("first", "second")  # each pass looks two ways: BAG id and postcode; the person's reports and their cases


@dataclass(frozen=True)
class Window:
    months: int
    measured: int  # closed long enough ago to tell (destroyed cases left out)
    recurred: int  # of those, with a new report within the window
    too_recent: int  # closed less than `months` ago


@dataclass(frozen=True)
class Recurrence:
    year: int
    closed: int  # every case closed in the year
    untraceable: int  # destroyed since: no address or person left to follow
    windows: tuple[Window, ...]


def recurrence(years: list[int], *, now: datetime | None = None) -> dict[int, Recurrence]:
    """Per year of closing (Amsterdam time), every year given (zeros without closed cases)."""
    now = now or utcnow()
    _without_jit()
    found = {row.year: row for row in db.session.execute(_counts(min(years), max(years), now))}
    return {year: _shaped(year, found.get(year)) for year in years}


def _without_jit() -> None:
    """PostgreSQL cannot estimate the correlated lookups and guesses a cost that makes it compile the statement with
    JIT first: over a second and a half, for a statement that then runs in milliseconds (bench/README.md, "Outcome
    statistics"). Off for the rest of this transaction only, which holds nothing but reporting reads."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))


def add_months(moment: sa.ColumnElement, months: int) -> sa.ColumnElement:
    """`moment` plus calendar months, as PostgreSQL adds an interval: the same day and time of day (in UTC, as
    stored), the month's last day when the month is shorter (31 August + 6 months = 28 or 29 February).

    SQLite before 3.46 runs a 31st over into the next month, so its date is capped at the target month's last day;
    the stored time of day (with its microseconds) is appended as text, which keeps comparisons exact.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return moment + sa.func.make_interval(0, months)
    day = sa.func.min(sa.func.date(moment, f"+{months} months"),
                      sa.func.date(moment, "start of month", f"+{months + 1} months", "-1 day"))
    return day.concat(sa.func.substr(moment, 11))


def _counts(first: int, last: int, now: datetime) -> sa.Select:
    closed = (sa.select(Case.id, Case.closed_at, Case.destroyed_at,
                        period_of(Case.closed_at, first, last).label("year"))
              .where(Case.status == "closed", in_years(Case.closed_at, first, last))
              .cte("closed_cases"))
    hits = sa.union_all(_address_hits(closed), _person_hits(closed)).subquery("hits")
    # The earliest of each way per case; kept apart, as the two ways' earliest are NULL independently.
    first_new = (sa.select(hits.c.case_id, *[sa.func.min(hits.c[way]).label(way) for way in WAYS])
                 .group_by(hits.c.case_id).subquery("first_new"))
    kept = closed.c.destroyed_at.is_(None)
    moment = sa.literal(now, UTCDateTime())
    columns = [closed.c.year, sa.func.count().label("closed"),
               sa.func.count(closed.c.destroyed_at).label("untraceable")]
    for months in WINDOWS:
        end = add_months(closed.c.closed_at, months)
        passed = sa.and_(kept, end <= moment)
        columns += [_sum(passed).label(f"measured_{months}"),
                    _sum(sa.and_(passed, sa.or_(*[first_new.c[way] <= end for way in WAYS])))
                    .label(f"recurred_{months}"),
                    _sum(sa.and_(kept, end > moment)).label(f"too_recent_{months}")]
    return (sa.select(*columns).select_from(closed)
            .outerjoin(first_new, first_new.c.case_id == closed.c.id)
            .group_by(closed.c.year))


def _in_window(closed, new) -> sa.ColumnElement[bool]:
    """`new` came after the case closed, within the longest window, and is not one of the case's own reports."""
    return sa.and_(new.received_at > closed.c.closed_at,
                   new.received_at <= add_months(closed.c.closed_at, max(WINDOWS)),
                   sa.or_(new.case_id.is_(None), new.case_id != closed.c.id))


def _address_hits(closed) -> sa.Select:
    """Per report of each case, the first new report at its address (a destroyed report has no address).

    The address rule (same_address) is an OR that no index answers at once, so each half is a subquery of its own,
    run per report of the case: the BAG ids when both reports have one (`ix_reports_bag_id_received`), else postcode
    and house number (`ix_reports_address_received`) — each the first entry after the closing moment in its index.
    The halves exclude each other; tests/services/test_outcome_statistics.py checks them against same_address.
    """
    own = so.aliased(Report)
    halves = [lambda new: sa.and_(own.bag_id.is_not(None), new.bag_id == own.bag_id),
              lambda new: sa.and_(new.postcode == own.postcode, new.house_number == own.house_number,
                                  ~sa.and_(own.bag_id.is_not(None), new.bag_id.is_not(None)), same_address(new, own))]
    return (sa.select(closed.c.id.label("case_id"),
                      *[_first_new(closed, half).label(way) for way, half in zip(WAYS, halves, strict=True)])
            .join_from(closed, own, own.case_id == closed.c.id))


def _person_hits(closed) -> sa.Select:
    """Per person linked to each case or to one of its reports, their first new report: a report linked to that
    person, or a report of a case the person is linked to (each a subquery on its own index)."""
    own, linked = so.aliased(Report), so.aliased(PersonLink)
    in_case = (sa.select(linked.case_id.label("case_id"), linked.person_id)
               .join_from(closed, linked, linked.case_id == closed.c.id))
    in_reports = (sa.select(own.case_id.label("case_id"), linked.person_id)
                  .join_from(closed, own, own.case_id == closed.c.id)
                  .join(linked, linked.report_id == own.id))
    people = sa.union(in_case, in_reports).cte("case_people")  # once, for both ways
    theirs = so.aliased(PersonLink)
    ways = [lambda new: sa.and_(theirs.person_id == people.c.person_id, new.id == theirs.report_id),
            lambda new: sa.and_(theirs.person_id == people.c.person_id, new.case_id == theirs.case_id)]
    return (sa.select(people.c.case_id,
                      *[_first_new(closed, way, theirs).label(name) for name, way in zip(WAYS, ways, strict=True)])
            .join_from(people, closed, closed.c.id == people.c.case_id))


def _first_new(closed, condition, *also) -> sa.ScalarSelect:
    """The earliest report `new` meeting `condition(new)` within the longest window of the enclosing case (None if
    there is none): a subquery correlated to the enclosing row."""
    new = so.aliased(Report)
    return (sa.select(sa.func.min(new.received_at)).select_from(new, *also)
            .where(condition(new), _in_window(closed, new)).scalar_subquery())


def _sum(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _shaped(year: int, row) -> Recurrence:
    if row is None:
        return Recurrence(year, 0, 0, tuple(Window(months, 0, 0, 0) for months in WINDOWS))
    windows = tuple(Window(months, int(getattr(row, f"measured_{months}")), int(getattr(row, f"recurred_{months}")),
                           int(getattr(row, f"too_recent_{months}"))) for months in WINDOWS)
    return Recurrence(year, int(row.closed), int(row.untraceable), windows)
