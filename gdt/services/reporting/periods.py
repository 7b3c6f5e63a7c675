"""Amsterdam years and months in SQL, the same on SQLite and PostgreSQL.

Timestamps are stored as UTC and SQLite has no time zones, so a period is never computed in SQL from
a local time: a year or month is the half-open UTC range between two Amsterdam boundaries, and a
row's period is a CASE over the boundaries (within the range, the first `column < next boundary`
that holds names it). Both keep the index range scan on the column.
"""
from datetime import datetime

import sqlalchemy as sa

from gdt.db import AMSTERDAM

PERIODS = ("year", "month")


def month_start(year: int, month: int) -> datetime:
    """The first moment of `month`, Amsterdam time; month 13 is next January."""
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=AMSTERDAM)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) in Amsterdam time: a half-open range the index can use."""
    return month_start(year, 1), month_start(year + 1, 1)


def in_years(column: sa.ColumnElement, first: int, last: int | None = None) -> sa.ColumnElement[bool]:
    """`column` falls in the Amsterdam years first … last (just `first` without `last`)."""
    return sa.and_(column >= year_bounds(first)[0], column < year_bounds(last or first)[1])


def period_of(column: sa.ColumnElement, first: int, last: int, per: str = "year") -> sa.ColumnElement[int]:
    """The Amsterdam year of `column`, or yyyymm with per="month", for rows within `in_years(column, first, last)`."""
    if per not in PERIODS:
        raise ValueError(f"unknown period {per!r}")
    if per == "year":
        periods = [(year, year_bounds(year)[1]) for year in range(first, last + 1)]
    else:
        periods = [(year * 100 + month, month_start(year, month + 1))
                   for year in range(first, last + 1) for month in range(1, 13)]
    return sa.case(*[(column < boundary, sa.literal(key)) for key, boundary in periods])
