"""GDT cases counted per Amsterdam year and per facet key (gdt.models.case_tallies): reading, merging, checking.

`query()` is what the statistics read. On PostgreSQL it sums the tallies the triggers on `cases` keep (a handful of
rows per year, a few thousand for the durations); on SQLite it groups the same keys straight from `cases`, so both
databases give the same rows for the same data.
"""
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Case, CaseTally
from gdt.models.case_tallies import CASE_KEYS, DURATION_LEVELS, case_keys_of
from gdt.services.reporting import durations
from gdt.services.reporting.durations import Span, bucket_start, elapsed_minutes
from gdt.services.reporting.periods import in_years, period_of
from gdt.services.reporting.tally_base import COMPACTION_LOCK, maintenance_sql, uses_tallies

FACET_KEYS = {
    "cases": ("source", "mode"),  # counted in the year received
    "to_close": ("minutes",),  # received → closed, in the year received
    "result": ("result",),  # counted in the year closed
    "open_to_close": ("mode", "minutes"),  # opened → closed, in the year closed
}
FACET_KEYS |= {facet: FACET_KEYS[name] for name, levels in DURATION_LEVELS.items() for facet in levels.values()}
BUCKETS = {facet: size for levels in DURATION_LEVELS.values() for size, facet in levels.items()}  # facet → minutes


def grouped(facet: str, years: Sequence[int], by: Sequence[str]) -> list[sa.Row]:
    """The rows of `query()`."""
    return db.session.execute(query(facet, years, by)).all()


def query(facet: str, years: Sequence[int], by: Sequence[str], *, spans: Sequence[Span] | None = None,
          mode: str | None | object = ...) -> sa.Select:
    """(period, *by, count) for the cases of `facet` in the span of `years`, grouped in the database.

    `period` is the Amsterdam year (of receipt or of closing, see gdt.models.case_tallies); a mode or result not
    known is None. Years between the first and last of `years` are included: callers pick theirs. With `spans`
    (durations) only the minutes within them; with `mode` only the cases of that mode (None: not decided).
    """
    if facet not in FACET_KEYS or not set(by) <= set(FACET_KEYS[facet]) or (
            mode is not ... and "mode" not in FACET_KEYS[facet]):
        raise ValueError(f"cannot group {facet} by {by}")
    first, last = min(years), max(years)
    if uses_tallies():
        return _from_tallies(facet, first, last, by, spans, mode)
    return _from_cases(facet, first, last, by, spans, mode)


def histogram(facet: str, years: Sequence[int], *, mode: str | None | object = ...) -> durations.Histogram:
    """The histogram of whole minutes of `facet` ("to_close", "open_to_close") that durations.summarize() reads,
    level by level; with `mode`, of the cases of that mode only."""
    return lambda size, spans: query(DURATION_LEVELS[facet][size], years, ("minutes",), spans=spans, mode=mode)


def _from_tallies(facet: str, first: int, last: int, by: Sequence[str], spans: Sequence[Span] | None,
                  mode) -> sa.Select:
    keys = [_unknown_as_none(name) for name in by]
    total = sa.func.sum(CaseTally.count)
    conditions = [CaseTally.facet == facet, CaseTally.year.between(first, last)]
    if mode is not ...:
        conditions.append(CaseTally.mode == (mode or ""))
    if spans is not None:  # the (facet, year, minutes) index answers each span as a range
        conditions.append(sa.or_(*[sa.and_(CaseTally.year == span.period, CaseTally.minutes >= span.low,
                                           CaseTally.minutes < span.high) for span in spans]))
    return (sa.select(CaseTally.year.label("period"), *keys, total.label("count"))
            .where(*conditions)
            .group_by(CaseTally.year, *keys)
            .having(total != 0))


def _unknown_as_none(name: str) -> sa.ColumnElement:
    column = getattr(CaseTally, name)
    if name == "minutes":  # zero minutes is a duration, not "unknown"
        return column.label(name)
    return sa.func.nullif(column, "").label(name)


def _from_cases(facet: str, first: int, last: int, by: Sequence[str], spans: Sequence[Span] | None = None,
               mode=...) -> sa.Select:
    """The same keys grouped from `cases` itself: SQLite's way, and what the tests hold the tallies to."""
    by_closing = facet == "result" or facet.startswith("open_to_close")
    moment = Case.closed_at if by_closing else Case.received_at
    conditions = [in_years(moment, first, last)]
    conditions += [Case.status == "closed"] if by_closing else [Case.status != "merged"]
    if facet.startswith("to_close"):
        conditions.append(Case.closed_at.is_not(None))
    minutes = bucket_start(elapsed_minutes(Case.closed_at, Case.opened_at if by_closing else Case.received_at),
                           BUCKETS.get(facet, 1))
    expressions = {"source": Case.source, "mode": Case.mode, "result": Case.result, "minutes": minutes}
    period = period_of(moment, first, last)
    if mode is not ...:
        conditions.append(Case.mode == mode if mode else Case.mode.is_(None))
    if spans is not None:
        conditions.append(sa.or_(*[sa.and_(period == span.period, minutes >= span.low, minutes < span.high)
                                   for span in spans]))
    keys = [expressions[name].label(name) for name in by]
    return sa.select(period.label("period"), *keys, sa.func.count().label("count")).where(*conditions).group_by(
        period, *keys)


# --- Keeping the tallies (PostgreSQL) --------------------------------------------------------------

_CASE_KEYS = f"SELECT k.* {case_keys_of('SELECT * FROM cases')}"

COMPACT, REBUILD, DIFFERENCES = maintenance_sql("case_tallies", CASE_KEYS, "year", _CASE_KEYS)


@dataclass(frozen=True)
class Difference:
    year: int
    facet: str
    tallied: int
    counted: int


def compact() -> int:
    """Merge the deltas of every year that has new ones into one row per key; returns the rows written.

    Runs in the caller's transaction (gdt.services.reporting.report_tallies.compact takes the lock first)."""
    if not uses_tallies():
        return 0
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(COMPACTION_LOCK)))
    return db.session.execute(sa.text(COMPACT)).rowcount


def rebuild() -> int:
    """Count every case again; returns the rows written. Writers of cases wait meanwhile (SHARE lock)."""
    if not uses_tallies():
        return 0
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(COMPACTION_LOCK)))
    db.session.execute(sa.text("LOCK TABLE cases IN SHARE MODE"))
    db.session.execute(sa.delete(CaseTally))
    return db.session.execute(sa.text(REBUILD)).rowcount


def check() -> list[Difference]:
    """Every year and facet where the tallies and a fresh count over `cases` disagree (none, normally)."""
    if not uses_tallies():
        return []
    return [Difference(*row) for row in db.session.execute(sa.text(DIFFERENCES))]
