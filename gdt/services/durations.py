"""How long things take: elapsed whole minutes in SQL, grouped there, and percentiles from those groups.

A year's durations are grouped per whole minute in the database (a few thousand groups instead of a
million rows) and the median and 90th percentile read from the groups in Python, with the linear
interpolation of PostgreSQL's percentile_cont. Whole minutes are far finer than the days with one
decimal that are shown, and they make SQLite and PostgreSQL agree to the last digit.
"""
from collections.abc import Iterable
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


def percentile(histogram: Iterable[tuple[int, int]], fraction: float | Fraction) -> Fraction | None:
    """percentile_cont(fraction) over values given as (value, how often); None for no values.

    Position h = fraction × (n − 1) in the sorted values; the result lies between the values at
    ranks ⌊h⌋ and ⌊h⌋ + 1, as far as h's fractional part.
    """
    groups = sorted((value, count) for value, count in histogram if count > 0)
    total = sum(count for _, count in groups)
    if not total:
        return None
    position = Fraction(fraction) * (total - 1)
    lower_rank = int(position)
    lower, upper = _value_at(groups, lower_rank), _value_at(groups, min(lower_rank + 1, total - 1))
    return lower + (position - lower_rank) * (upper - lower)


def _value_at(groups: list[tuple[int, int]], rank: int) -> int:
    seen = 0
    for value, count in groups:
        seen += count
        if rank < seen:
            return value
    raise IndexError(rank)


def in_days(minutes: Fraction | None) -> Decimal | None:
    """Minutes as days with one decimal, rounded half up (1.25 → 1.3)."""
    if minutes is None:
        return None
    days = Fraction(minutes) / MINUTES_PER_DAY
    return (Decimal(days.numerator) / Decimal(days.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
