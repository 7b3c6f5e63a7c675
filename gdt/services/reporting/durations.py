"""How long things take: elapsed whole minutes in SQL, grouped there, and percentiles from those groups.

A year's durations are counted per day, per hour and per whole minute (by the tallies on PostgreSQL, grouped
from the rows on SQLite); the median and 90th percentile are found by walking down from the days to the hours
to the minutes that hold the ranks they need, and interpolated as PostgreSQL's percentile_cont does. Whole
minutes are far finer than the days with one decimal that are shown, and they make SQLite and PostgreSQL agree
to the last digit.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import sqlalchemy as sa

from gdt.db import db

MINUTES_PER_DAY = 1440
MICROSECONDS_PER_MINUTE = 60_000_000


def elapsed_minutes(later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement[int]:
    """floor((later − earlier) in minutes) as an integer, exactly the same on both databases."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.floor(sa.extract("epoch", later - earlier) / 60), sa.Integer)
    # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff': whole seconds from strftime, microseconds from the text,
    # so no floating point julianday gets near a minute boundary.
    seconds = sa.cast(sa.func.strftime("%s", later), sa.Integer) - sa.cast(sa.func.strftime("%s", earlier), sa.Integer)
    fraction = sa.cast(sa.func.substr(later, 21, 6), sa.Integer) - sa.cast(sa.func.substr(earlier, 21, 6), sa.Integer)
    micro = seconds * 1_000_000 + fraction
    # SQLite's integer division truncates towards zero; floor needs one step more for negative spans.
    return sa.case((micro >= 0, micro // MICROSECONDS_PER_MINUTE),
                   else_=(micro - (MICROSECONDS_PER_MINUTE - 1)) // MICROSECONDS_PER_MINUTE)


@dataclass(frozen=True)
class Duration:
    count: int
    median_days: Decimal | None
    p90_days: Decimal | None


@dataclass(frozen=True, order=True)
class Span:
    """The minutes [low, high) of one period: the part of a histogram one step reads."""

    period: int
    low: int
    high: int


# histogram(bucket, spans) → SELECT (period, minutes, count), `minutes` the start of each bucket of `bucket` minutes,
# only within `spans` (all of it for None). The tallies keep every level (gdt.models.tallies, case_tallies).
Histogram = Callable[[int, Sequence[Span] | None], sa.Select]
LEVELS = (1440, 60, 1)  # a day, an hour, a minute


def bucket_start(minutes: sa.ColumnElement[int], size: int) -> sa.ColumnElement[int]:
    """floor(minutes / size) × size, the same on both databases (their % and / truncate towards zero)."""
    if size == 1:
        return minutes
    return minutes - ((minutes % size) + size) % size


def summarize(histogram: Histogram) -> dict[int, Duration]:
    """Count, median and 90th percentile per period of a histogram of whole minutes.

    Read top-down: every period's days (a few hundred rows a year), then only the hours of the days that hold the
    ranks the percentiles need, then only the minutes of those hours, so a decade of durations costs three small
    queries whatever the number of rows or distinct minutes. Exact: the last step finds the very minutes.
    """
    coarse = _buckets(histogram(LEVELS[0], None))
    if not coarse:
        return {}
    totals = {period: sum(count for _, count in rows) for period, rows in coarse.items()}
    located = {(period, rank): _locate(rows, rank, 0)
               for period, rows in coarse.items() for rank in _ranks(totals[period])}
    for size, finer in zip(LEVELS, LEVELS[1:], strict=False):
        spans = sorted({Span(period, start, start + size) for (period, _), (start, _) in located.items()})
        children = _buckets(histogram(finer, spans))
        located = {(period, rank): _locate([row for row in children[period] if start <= row[0] < start + size],
                                           rank, before)
                   for (period, rank), (start, before) in located.items()}
    return {period: Duration(total, *(in_days(_percentile(located, period, total, share)) for share in PERCENTILES))
            for period, total in totals.items()}


PERCENTILES = (Fraction(1, 2), Fraction(9, 10))


def _buckets(query: sa.Select) -> dict[int, list[tuple[int, int]]]:
    """{period: [(bucket start, count)] in order}."""
    found: dict[int, list[tuple[int, int]]] = {}
    for period, start, count in db.session.execute(query):
        found.setdefault(period, []).append((start, count))
    return {period: sorted(rows) for period, rows in found.items()}


def _ranks(total: int) -> set[int]:
    """The 0-based ranks percentile_cont reads for each share: ⌊h⌋ and the one after (h = share × (n − 1))."""
    return {rank for share in PERCENTILES for lower in [int(share * (total - 1))]
            for rank in (lower, min(lower + 1, total - 1))}


def _locate(rows: list[tuple[int, int]], rank: int, before: int) -> tuple[int, int]:
    """(start, ranks before it) of the bucket holding `rank`, among buckets that follow `before` ranks."""
    for start, count in rows:
        if before <= rank < before + count:
            return start, before
        before += count
    raise AssertionError(f"rank {rank} beyond the histogram")  # the levels count the same rows


def _percentile(located: dict, period: int, total: int, share: Fraction) -> Fraction:
    """percentile_cont(share): position h = share × (n − 1) in the sorted values; the result lies between the
    values at ranks ⌊h⌋ and ⌊h⌋ + 1, as far as h's fractional part."""
    position = share * (total - 1)
    lower_rank = int(position)
    lower = located[(period, lower_rank)][0]
    upper = located[(period, min(lower_rank + 1, total - 1))][0]
    return lower + (position - lower_rank) * (upper - lower)


def in_days(minutes: Fraction | None) -> Decimal | None:
    """Minutes as days with one decimal, rounded half up (1.25 → 1.3)."""
    if minutes is None:
        return None
    days = Fraction(minutes) / MINUTES_PER_DAY
    return (Decimal(days.numerator) / Decimal(days.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
