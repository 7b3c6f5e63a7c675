"""How long things take: elapsed whole minutes in SQL, grouped there, and percentiles from those groups.

A year's durations are grouped per whole minute in the database (some thousands of groups instead of a
million rows); the median and 90th percentile are found among the groups with a running total and
interpolated as PostgreSQL's percentile_cont does. Whole minutes are far finer than the days with one
decimal that are shown, and they make SQLite and PostgreSQL agree to the last digit.
"""
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


def summarize(histogram: sa.Subquery) -> dict[int, Duration]:
    """Count, median and 90th percentile per period of a histogram subquery (period, minutes, count).

    The database orders each period's groups and keeps a running total (window functions, on both
    databases), then returns only the groups that hold the ranks the percentiles need — at most four
    per period — so a decade of durations never travels to Python.
    """
    total = sa.cast(sa.func.sum(histogram.c["count"]).over(partition_by=histogram.c.period), sa.BigInteger)
    upto = sa.cast(sa.func.sum(histogram.c["count"]).over(partition_by=histogram.c.period,
                                                         order_by=histogram.c.minutes), sa.BigInteger)
    running = sa.select(histogram.c.period, histogram.c.minutes, sa.cast(histogram.c["count"], sa.BigInteger)
                        .label("count"), upto.label("upto"), total.label("total")).subquery()
    before = running.c.upto - running.c["count"]
    holds = [sa.and_(before <= rank, rank < running.c.upto)
             for numerator, denominator in PERCENTILES.values()
             for lower in [(running.c.total - 1) * numerator // denominator]
             for rank in (lower, lower + 1)]
    groups: dict[int, list[tuple[int, int, int]]] = {}
    totals: dict[int, int] = {}
    for period, minutes, count, upto_, total_ in db.session.execute(sa.select(running).where(sa.or_(*holds))):
        groups.setdefault(period, []).append((minutes, upto_ - count, upto_))
        totals[period] = total_
    return {period: Duration(totals[period], *(in_days(_percentile(groups[period], totals[period], share))
                                               for share in PERCENTILES))
            for period in groups}


PERCENTILES = {Fraction(1, 2): (1, 2), Fraction(9, 10): (9, 10)}  # share: (numerator, denominator) for SQL


def _percentile(groups: list[tuple[int, int, int]], total: int, share: Fraction) -> Fraction:
    """percentile_cont(share): position h = share × (n − 1) in the sorted values; the result lies between the
    values at ranks ⌊h⌋ and ⌊h⌋ + 1, as far as h's fractional part. `groups` are (value, first rank, next rank)."""
    position = share * (total - 1)
    lower_rank = int(position)
    lower, upper = _value_at(groups, lower_rank), _value_at(groups, min(lower_rank + 1, total - 1))
    return lower + (position - lower_rank) * (upper - lower)


def _value_at(groups: list[tuple[int, int, int]], rank: int) -> int:
    return next(value for value, first, following in groups if first <= rank < following)


def in_days(minutes: Fraction | None) -> Decimal | None:
    """Minutes as days with one decimal, rounded half up (1.25 → 1.3)."""
    if minutes is None:
        return None
    days = Fraction(minutes) / MINUTES_PER_DAY
    return (Decimal(days.numerator) / Decimal(days.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
