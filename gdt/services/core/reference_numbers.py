"""Public references (GDT-2026-000123): one counter per year, safe under concurrency."""
import re

import sqlalchemy as sa

from gdt.db import db
from gdt.models import ReferenceCounter
from gdt.services.core.transaction import joins_unit_of_work

REFERENCE_PATTERN = re.compile(r"GDT-([0-9]{4})-([0-9]{6})")


def format_reference(year: int, number: int) -> str:
    return f"GDT-{year}-{number:06d}"


@joins_unit_of_work
def next_reference(year: int) -> str:
    """Bump the year's counter inside the caller's transaction and return the new reference.

    The UPDATE takes a row lock (PostgreSQL) or the write lock (SQLite), so concurrent
    intakes queue on it and never get the same number; a rollback gives the number back.
    """
    counters = ReferenceCounter.__table__
    bump = (
        sa.update(counters).where(counters.c.year == year)
        .values(last_value=counters.c.last_value + 1).returning(counters.c.last_value)
    )
    number = db.session.execute(bump).scalar()
    if number is None:
        _create_counter(year)
        number = db.session.execute(bump).scalar_one()
    return format_reference(year, number)


@joins_unit_of_work
def raise_counter_to(year: int, number: int) -> None:
    """After importing historic references, make sure new ones continue above them."""
    counters = ReferenceCounter.__table__
    _create_counter(year)
    db.session.execute(
        sa.update(counters).where(counters.c.year == year, counters.c.last_value < number).values(last_value=number)
    )


def _create_counter(year: int) -> None:
    counters = ReferenceCounter.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(counters).values(year=year, last_value=0).on_conflict_do_nothing())
