"""Resident reports counted per year or month and per facet key (gdt.models.tallies): reading, merging, checking.

`grouped()` is what the statistics read. On PostgreSQL it sums the tallies the triggers keep (a few
thousand rows for a year, whatever the number of reports); on SQLite it groups the same keys straight
from `reports`, so both databases give the same rows for the same data.
"""
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Report, ReportTally
from gdt.models.reports import RESIDENT_CHANNELS
from gdt.models.tallies import KEYS, TRIAGE_LEVELS, keys_of
from gdt.services.core.transaction import unit_of_work
from gdt.services.reporting import case_tallies, durations, recurrence
from gdt.services.reporting.durations import Span, bucket_start, elapsed_minutes
from gdt.services.reporting.periods import PERIODS, in_years, period_of
from gdt.services.reporting.tally_base import COMPACTION_LOCK, maintenance_sql, uses_tallies

__all__ = ["COMPACTION_LOCK", "uses_tallies"]  # where callers have always found them

FACET_KEYS = {
    "funnel": ("channel", "triage_outcome", "referred_partner_id"),
    "category": ("category_id",),
    "area": ("wijk_code", "buurt_code"),
    "triage": ("minutes",),
    "triage_h": ("minutes",),
    "triage_d": ("minutes",),
}
def grouped(facet: str, years: Sequence[int], by: Sequence[str], *, per: str = "year") -> list[sa.Row]:
    """The rows of `query()`."""
    return db.session.execute(query(facet, years, by, per=per)).all()


def query(facet: str, years: Sequence[int], by: Sequence[str], *, per: str = "year",
          spans: Sequence[Span] | None = None) -> sa.Select:
    """(period, *by, count) for resident reports received in the span of `years`, grouped in the database.

    `period` is the Amsterdam year, or yyyymm with per="month" (the funnel only); `by` are keys of `facet`
    (FACET_KEYS), None where unknown. Years between the first and last of `years` are included: callers
    pick theirs. With `spans` (durations, per year) only the minutes within them.
    """
    if per not in PERIODS or (per == "month" and facet != "funnel") or not set(by) <= set(FACET_KEYS[facet]):
        raise ValueError(f"cannot group {facet} by {per} and {by}")
    first, last = min(years), max(years)
    if uses_tallies():
        return _from_tallies(facet, first, last, by, per, spans)
    return _from_reports(facet, first, last, by, per, spans)


def time_to_triage(years: Sequence[int]) -> durations.Histogram:
    """The histogram of whole minutes from receipt to triage that durations.summarize() reads, level by level."""
    return lambda size, spans: query(TRIAGE_LEVELS[size], years, ("minutes",), spans=spans)


def _from_tallies(facet: str, first: int, last: int, by: Sequence[str], per: str,
                  spans: Sequence[Span] | None) -> sa.Select:
    period = ReportTally.period // 100 if per == "year" else ReportTally.period
    keys = [_unknown_as_none(name) for name in by]
    total = sa.func.sum(ReportTally.count)
    conditions = [ReportTally.facet == facet, ReportTally.period.between(first * 100, last * 100 + 12)]
    if spans is not None:  # the (facet, period, minutes) index answers each span as a range
        conditions.append(sa.or_(*[sa.and_(ReportTally.period == span.period * 100, ReportTally.minutes >= span.low,
                                           ReportTally.minutes < span.high) for span in spans]))
    return (sa.select(period.label("period"), *keys, total.label("count"))
            .where(*conditions)
            .group_by(period, *keys)
            .having(total != 0))


def _unknown_as_none(name: str) -> sa.ColumnElement:
    column = getattr(ReportTally, name)
    if name == "minutes":  # zero minutes is a duration, not "unknown"
        return column.label(name)
    return sa.func.nullif(column, 0 if name.endswith("_id") else "").label(name)


def totals(by: Sequence[str]) -> sa.Select:
    """(*by, count) over every resident report ever received, grouped by funnel keys: the running totals /metrics
    reports. A sum over the funnel's monthly tallies on PostgreSQL (a few thousand rows), a count of `reports` on
    SQLite; None where a key is unknown (not triaged yet, not referred)."""
    if not set(by) <= set(FACET_KEYS["funnel"]):
        raise ValueError(f"cannot total by {by}")
    if uses_tallies():
        keys = [_unknown_as_none(name) for name in by]
        total = sa.func.sum(ReportTally.count)
        return (sa.select(*keys, total.label("count")).where(ReportTally.facet == "funnel")
                .group_by(*keys).having(total != 0))
    keys = [getattr(Report, name).label(name) for name in by]
    return (sa.select(*keys, sa.func.count().label("count")).where(Report.channel.in_(RESIDENT_CHANNELS))
            .group_by(*keys))


def _from_reports(facet: str, first: int, last: int, by: Sequence[str], per: str,
                  spans: Sequence[Span] | None = None) -> sa.Select:
    period = period_of(Report.received_at, first, last, per)
    size = {level: size for size, level in TRIAGE_LEVELS.items()}.get(facet, 1)
    minutes = bucket_start(elapsed_minutes(Report.triaged_at, Report.received_at), size)
    expressions = {
        "channel": Report.channel, "triage_outcome": Report.triage_outcome,
        "referred_partner_id": Report.referred_partner_id, "category_id": Report.category_id,
        "wijk_code": Report.wijk_code, "buurt_code": Report.buurt_code, "minutes": minutes,
    }
    keys = [expressions[name].label(name) for name in by]
    conditions = [in_years(Report.received_at, first, last), Report.channel.in_(RESIDENT_CHANNELS)]
    if facet in TRIAGE_LEVELS.values():
        conditions.append(Report.triaged_at.is_not(None))
    if spans is not None:
        conditions.append(sa.or_(*[sa.and_(period == span.period, minutes >= span.low, minutes < span.high)
                                   for span in spans]))
    return sa.select(period.label("period"), *keys, sa.func.count().label("count")).where(*conditions).group_by(
        period, *keys)


# --- Keeping the tallies (PostgreSQL) --------------------------------------------------------------

_REPORT_KEYS = f"SELECT k.* {keys_of('SELECT * FROM reports')}"

COMPACT, REBUILD, DIFFERENCES = maintenance_sql("report_tallies", KEYS, "period", _REPORT_KEYS)


@dataclass(frozen=True)
class Difference:
    period: int
    facet: str
    tallied: int
    counted: int


def compact() -> int:
    """Merge the deltas of every period that has new ones into one row per key; returns the rows written.

    Runs in the caller's transaction; deltas written meanwhile stay for the next round.
    """
    if not uses_tallies():
        return 0
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(COMPACTION_LOCK)))
    return db.session.execute(sa.text(COMPACT)).rowcount


def compact_now() -> int:
    """`compact()` of the report and the case tallies, and the recurrence of the marked cases, in a transaction of
    their own: what the worker, the in-process scheduler and the CLI run; returns the rows written."""
    with unit_of_work():
        return compact() + case_tallies.compact() + recurrence.compact()


def rebuild() -> int:
    """Count every report again (after a restore, or when `check()` found a difference); returns the rows written.

    Writers of reports wait meanwhile (SHARE lock), so nothing changes between the delete and the count.
    """
    if not uses_tallies():
        return 0
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(COMPACTION_LOCK)))
    db.session.execute(sa.text("LOCK TABLE reports IN SHARE MODE"))
    db.session.execute(sa.delete(ReportTally))
    return db.session.execute(sa.text(REBUILD)).rowcount


def check() -> list[Difference]:
    """Every period and facet where the tallies and a fresh count over `reports` disagree (none, normally)."""
    if not uses_tallies():
        return []
    # One statement, one snapshot: the tallies and the reports are compared as of the same moment.
    return [Difference(*row) for row in db.session.execute(sa.text(DIFFERENCES))]
