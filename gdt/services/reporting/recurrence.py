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

All of it is grouped in the database. Live, that is one statement: per report and per linked person of each closed
case, the first new report (index lookups), the earliest of those per case, then counts per year of closing.
PostgreSQL keeps each closed case's first new report in `case_recurrence` (gdt.models.case_recurrence): a read sums
the stored rows and computes live only the cases that marks written since the last compaction may have changed.
Nothing per case reaches Python.
"""
import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql

from gdt.db import AMSTERDAM, UTCDateTime, db, utcnow
from gdt.models import Case, CaseRecurrence, RecurrenceMark, RecurrenceTally, Report
from gdt.models.case_recurrence import MARK_KINDS, TALLY_KEYS
from gdt.models.people import PersonLink
from gdt.services.intake.report_intake import same_address
from gdt.services.reporting.periods import in_years, period_of
from gdt.services.reporting.tally_base import COMPACTION_LOCK, uses_tallies

WINDOWS = (6, 12)  # months after closing
WAYS = ("first", "second")  # each pass looks two ways: BAG id and postcode; the person's reports and their cases
MARKED_CASE, MARKED_REPORT, MARKED_PERSON = MARK_KINDS


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
    return _by_year(years, now, kept=uses_tallies())


def live(years: list[int], *, now: datetime | None = None) -> dict[int, Recurrence]:
    """`recurrence()` computed from the cases, reports and people alone, ignoring what is kept: what `check()`
    holds the kept rows to."""
    return _by_year(years, now, kept=False)


def _by_year(years: list[int], now: datetime | None, *, kept: bool) -> dict[int, Recurrence]:
    _without_jit()
    statement = _statement(min(years), max(years), kept=kept, dialect=db.session.get_bind().dialect.name)
    found = {row.year: row for row in db.session.execute(statement, {"now": now or utcnow()})}
    return {year: _shaped(year, found.get(year)) for year in years}


@functools.lru_cache(maxsize=32)
def _statement(first: int, last: int, *, kept: bool, dialect: str) -> sa.Select:
    """The counts for the years first … last, built once per span and database (`add_months` differs): building
    this many aliases and subqueries costs more than PostgreSQL needs to run it."""
    rows = _kept_rows(first, last) if kept else _case_rows(per_case(_closed_in(first, last)).subquery("per_case"), 1)
    return _counts(rows.subquery("weighted"))


def _kept_rows(first: int, last: int) -> sa.CompoundSelect:
    """The tallies of the stored rows per day of closing, but for the days whose window ends around `now` (read per
    case); less the stored rows of the cases the marks may have changed, plus those cases live."""
    marked = sa.select(stale_cases(RecurrenceMark.__table__).cte("stale").c.case_id)
    stored = CaseRecurrence
    in_years = stored.year.between(first, last)
    straddling = _straddles(sa.cast(stored.closed_at, sa.Date))
    around_now = sa.or_(*[sa.and_(stored.closed_at >= NOW - sa.func.make_interval(0, months, 0, 5),
                                  stored.closed_at < NOW - sa.func.make_interval(0, months, 0, -5))
                          for months in WINDOWS])  # a range the index can read (days either side); `straddling` decides
    return sa.union_all(
        _bucket_rows(first, last),
        _case_rows(sa.select(stored).where(in_years, around_now, straddling, stored.case_id.not_in(marked))
                   .subquery("around_now"), 1),
        _case_rows(sa.select(stored).where(in_years, stored.case_id.in_(marked), ~straddling)
                   .subquery("marked_stored"), -1),
        _case_rows(per_case(_closed_in(first, last, Case.id.in_(marked))).subquery("marked_live"), 1),
    )


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


def _closed_in(first: int, last: int, *conditions) -> sa.CTE:
    """The cases closed in the Amsterdam years first … last, with their year."""
    return (sa.select(Case.id, Case.closed_at, Case.destroyed_at, period_of(Case.closed_at, first, last).label("year"))
            .where(Case.status == "closed", in_years(Case.closed_at, first, last), *conditions)
            .cte("closed_cases"))


def per_case(closed) -> sa.Select:
    """One row per case of `closed` (id, closed_at, destroyed_at, year): its first new report within the longest
    window, by moment and then id (None if there is none) — the columns of `case_recurrence`."""
    hits = sa.union_all(_address_hits(closed), _person_hits(closed)).subquery("hits")
    found = sa.union_all(*[sa.select(hits.c.case_id, hits.c[way].label("report_id")) for way in WAYS]).subquery("found")
    new = so.aliased(Report)
    order = sa.func.row_number().over(partition_by=found.c.case_id, order_by=(new.received_at, new.id))
    ranked = (sa.select(found.c.case_id, new.received_at, new.id, order.label("rank"))
              .join_from(found, new, new.id == found.c.report_id).subquery("ranked"))
    first_new = sa.select(ranked).where(ranked.c.rank == 1).subquery("first_new")
    return (sa.select(closed.c.id.label("case_id"), closed.c.year, closed.c.closed_at,
                      closed.c.destroyed_at.is_not(None).label("destroyed"),
                      first_new.c.received_at.label("first_new_at"), first_new.c.id.label("first_new_report_id"))
            .outerjoin(first_new, first_new.c.case_id == closed.c.id))


NOW = sa.bindparam("now", type_=UTCDateTime())  # the moment the windows are measured against


def _case_rows(rows, weight: int) -> sa.Select:
    """Per case of `rows` (year, closed_at, destroyed, first_new_at) counted `weight` times, and per window whether
    it has passed by `now`, is still running, and held a new report."""
    columns = [rows.c.year, sa.literal(weight).label("weight"), rows.c.destroyed]
    for months in WINDOWS:
        end = add_months(rows.c.closed_at, months)
        columns += [(end <= NOW).label(f"passed_{months}"), (end > NOW).label(f"running_{months}"),
                    sa.func.coalesce(rows.c.first_new_at <= end, False).label(f"recurred_{months}")]
    return sa.select(*columns)


def _bucket_rows(first: int, last: int) -> sa.Select:
    """The same per tally bucket (a UTC day of closing) counted its number of cases, for the days whose windows
    have wholly passed or not begun to end: a case closed on day d at time t has its window end on d plus the months
    (the month's last day when shorter) at t, so within one day from that day's start."""
    tally = RecurrenceTally
    keys = [tally.year, tally.day, tally.destroyed, tally.recurred_6, tally.recurred_12]
    buckets = (sa.select(*keys, sa.func.sum(tally.count).label("weight")).where(tally.year.between(first, last))
               .group_by(*keys).having(sa.func.sum(tally.count) != 0).subquery("buckets"))
    columns = [buckets.c.year, buckets.c.weight, buckets.c.destroyed]
    for months in WINDOWS:
        starts = buckets.c.day + sa.func.make_interval(0, months)
        columns += [(starts + sa.func.make_interval(0, 0, 0, 1) <= NOW).label(f"passed_{months}"),
                    (starts > NOW).label(f"running_{months}"), buckets.c[f"recurred_{months}"]]
    return sa.select(*columns).where(~_straddles(buckets.c.day))


def _straddles(day: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """Some window of the cases closed on `day` (UTC) ends on the day that holds `now`: count them one by one."""
    starts = [day + sa.func.make_interval(0, months) for months in WINDOWS]
    return sa.or_(*[sa.and_(start <= NOW, start + sa.func.make_interval(0, 0, 0, 1) > NOW) for start in starts])


def _counts(rows) -> sa.Select:
    """Per year, from weighted rows: closed, destroyed, and per window measured, recurred, too recent."""
    weight, kept = rows.c.weight, ~rows.c.destroyed
    columns = [rows.c.year, sa.func.sum(weight).label("closed"), _sum(rows.c.destroyed, weight).label("untraceable")]
    for months in WINDOWS:
        passed = sa.and_(kept, rows.c[f"passed_{months}"])
        columns += [_sum(passed, weight).label(f"measured_{months}"),
                    _sum(sa.and_(passed, rows.c[f"recurred_{months}"]), weight).label(f"recurred_{months}"),
                    _sum(sa.and_(kept, rows.c[f"running_{months}"]), weight).label(f"too_recent_{months}")]
    return sa.select(*columns).group_by(rows.c.year)


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
    """The id of the earliest report `new` meeting `condition(new)` within the longest window of the enclosing case
    (by moment, then id; None if there is none): a subquery correlated to the enclosing row."""
    new = so.aliased(Report)
    return (sa.select(new.id).select_from(new, *also)
            .where(condition(new), _in_window(closed, new))
            .order_by(new.received_at, new.id).limit(1).scalar_subquery())


def _sum(condition: sa.ColumnElement[bool], weight) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, weight), else_=0)), 0)


def _shaped(year: int, row) -> Recurrence:
    if row is None:
        return Recurrence(year, 0, 0, tuple(Window(months, 0, 0, 0) for months in WINDOWS))
    windows = tuple(Window(months, int(getattr(row, f"measured_{months}")), int(getattr(row, f"recurred_{months}")),
                           int(getattr(row, f"too_recent_{months}"))) for months in WINDOWS)
    return Recurrence(year, int(row.closed), int(row.untraceable), windows)


# --- Keeping the first new report per case (PostgreSQL) ----------------------------------------------------------

def stale_cases(marks) -> sa.Select:
    """The ids of the cases whose stored row the marks `marks` (kind, ref_id) may have made wrong: more than
    changed, never fewer.

    A marked case itself, and the case of a marked report. The cases whose stored first new report is marked: a
    report that stops counting matters only when it was the first. The cases for which a marked report may count
    now: every closed case whose window holds the report's moment and that has a report at its address (BAG id,
    or postcode and house number — wider than the address rule), and every case linked to a person linked to the
    report or to its case. And a marked person's cases: a
    link of theirs that came or went may make a report count or stop counting for any of them.
    """
    of_kind = lambda kind: sa.select(marks.c.ref_id).where(marks.c.kind == kind)  # noqa: E731
    marked_reports = (sa.select(Report.id, Report.case_id, Report.received_at, Report.bag_id, Report.postcode,
                                Report.house_number)
                      .where(Report.id.in_(of_kind(MARKED_REPORT))).cte("marked_reports"))
    marked_cases = sa.union(of_kind(MARKED_CASE),
                            sa.select(marked_reports.c.case_id).where(marked_reports.c.case_id.is_not(None))
                            ).cte("marked_cases")
    link, own, kept = so.aliased(PersonLink), so.aliased(Report), CaseRecurrence
    people = sa.union(of_kind(MARKED_PERSON),
                      sa.select(link.person_id).join_from(marked_reports, link, link.report_id == marked_reports.c.id),
                      sa.select(link.person_id).join_from(marked_reports, link,
                                                          link.case_id == marked_reports.c.case_id)
                      ).cte("marked_people")
    has_case, closed = own.case_id.is_not(None), so.aliased(Case)

    def at_address(same) -> sa.Select:
        moment = marked_reports.c.received_at
        return (sa.select(own.case_id).join_from(marked_reports, own, same).join(closed, closed.id == own.case_id)
                .where(closed.status == "closed", closed.closed_at < moment,
                       moment <= add_months(closed.closed_at, max(WINDOWS))))

    return sa.union(
        sa.select(marked_cases.c.ref_id.label("case_id")),
        sa.select(kept.case_id).where(kept.first_new_report_id.in_(of_kind(MARKED_REPORT))),
        at_address(own.bag_id == marked_reports.c.bag_id),
        at_address(sa.and_(own.postcode == marked_reports.c.postcode,
                           own.house_number == marked_reports.c.house_number)),
        sa.select(link.case_id).join_from(people, link, link.person_id == people.c.ref_id)
        .where(link.case_id.is_not(None)),
        sa.select(own.case_id).join_from(people, link, link.person_id == people.c.ref_id)
        .join(own, own.id == link.report_id).where(has_case),
    )


def compact() -> int:
    """Compute the marked cases again and delete the marks, in one statement (one snapshot): a mark written
    meanwhile stays for the next round, and what is stored is exact as of that snapshot. Returns the rows stored.

    Runs in the caller's transaction (gdt.services.reporting.report_tallies.compact_now).
    """
    if not uses_tallies():
        return 0
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(COMPACTION_LOCK)))
    _without_jit()
    taken = sa.delete(RecurrenceMark).returning(RecurrenceMark.kind, RecurrenceMark.ref_id).cte("taken")
    stale = stale_cases(taken).cte("stale")
    marked = sa.select(stale.c.case_id)
    closed = (sa.select(Case.id, Case.closed_at, Case.destroyed_at, _amsterdam_year(Case.closed_at).label("year"))
              .where(Case.status == "closed", Case.id.in_(marked)).cte("closed_cases"))
    computed = per_case(closed).cte("computed")
    dropped = (sa.delete(CaseRecurrence)
               .where(CaseRecurrence.case_id.in_(marked),
                      CaseRecurrence.case_id.not_in(sa.select(computed.c.case_id))).cte("dropped"))
    columns = [column.name for column in computed.c]
    store = postgresql.insert(CaseRecurrence).from_select(columns, sa.select(computed))
    store = store.on_conflict_do_update(index_elements=[CaseRecurrence.case_id],
                                        set_={name: store.excluded[name] for name in columns if name != "case_id"})
    stored = len(db.session.execute(store.add_cte(dropped).returning(CaseRecurrence.case_id)).all())
    db.session.execute(sa.text(COMPACT_TALLIES))  # the deltas the triggers on case_recurrence just wrote, and older
    return stored


# Merge the tally deltas of every year with new ones into one row per key.
COMPACT_TALLIES = f"""
WITH pending AS (SELECT DISTINCT year FROM recurrence_tallies WHERE NOT compacted),
     moved AS (DELETE FROM recurrence_tallies AS t USING pending AS p WHERE t.year = p.year RETURNING t.*)
INSERT INTO recurrence_tallies ({TALLY_KEYS}, count, compacted)
SELECT {TALLY_KEYS}, sum(count), true FROM moved GROUP BY {TALLY_KEYS} HAVING sum(count) <> 0
"""


def rebuild() -> int:
    """Compute every closed case again (after a bulk load or a restore, or when `check()` found a difference);
    returns the rows stored. Writers of reports, cases and person links wait meanwhile (SHARE lock)."""
    if not uses_tallies():
        return 0
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(COMPACTION_LOCK)))
    db.session.execute(sa.text("LOCK TABLE reports, cases, person_links IN SHARE MODE"))
    db.session.execute(sa.delete(CaseRecurrence))
    db.session.execute(sa.delete(RecurrenceTally))  # with the deltas that delete just wrote
    db.session.execute(sa.delete(RecurrenceMark))
    db.session.execute(sa.insert(RecurrenceMark).from_select(
        ["kind", "ref_id"], sa.select(sa.literal(MARKED_CASE), Case.id).where(Case.status == "closed")))
    return compact()


@dataclass(frozen=True)
class Difference:
    year: int
    kept: Recurrence
    counted: Recurrence


def check(*, now: datetime | None = None) -> list[Difference]:
    """Every year of closing where what is kept (with the marks) and a live computation disagree (none, normally)."""
    if not uses_tallies():
        return []
    now = now or utcnow()
    years = db.session.execute(sa.select(sa.func.min(CaseRecurrence.year), sa.func.max(CaseRecurrence.year))).one()
    closed = db.session.execute(sa.select(sa.func.min(Case.closed_at), sa.func.max(Case.closed_at))
                                .where(Case.status == "closed")).one()
    found = [year for year in (*years, *(moment.astimezone(AMSTERDAM).year for moment in closed if moment))
             if year is not None]
    if not found:
        return []
    span = list(range(min(found), max(found) + 1))
    kept, counted = recurrence(span, now=now), live(span, now=now)
    return [Difference(year, kept[year], counted[year]) for year in span if kept[year] != counted[year]]


def _amsterdam_year(column: sa.ColumnElement) -> sa.ColumnElement[int]:
    """The Amsterdam year of a stored (naive UTC) moment, any year: PostgreSQL only."""
    local = sa.func.timezone("Europe/Amsterdam", sa.func.timezone("UTC", column))
    return sa.cast(sa.func.extract("year", local), sa.Integer)
