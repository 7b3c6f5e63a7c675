"""Public references (GDT-2026-000123): one number series per year, safe under concurrency.

On PostgreSQL each year's numbers come from a sequence of its own, `reference_numbers_<year>`, so an intake never
waits for another: a row lock on a counter would queue every report and case of the year behind the transaction
that bumped it last (docs/decisions/0034-reference-sequences.md). A number drawn by a transaction that rolls back
stays unused: references may have gaps, never duplicates. The sequence is made on first use, owned by
`reference_counters.last_value` (dropped with that table) and started above the year's counter row, which holds the
numbers handed out before sequences existed. SQLite has one writer at a time: there the counter row is bumped
with UPDATE … RETURNING inside the caller's transaction, and a rollback gives the number back.
"""
import re

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from gdt.db import db
from gdt.models import ReferenceCounter
from gdt.services.core.transaction import joins_unit_of_work

REFERENCE_PATTERN = re.compile(r"GDT-([0-9]{4})-([0-9]{6})")
_counters = ReferenceCounter.__table__


def format_reference(year: int, number: int) -> str:
    return f"GDT-{year}-{number:06d}"


def sequence_name(year: int) -> str:
    return f"reference_numbers_{int(year)}"


@joins_unit_of_work
def next_reference(year: int) -> str:
    """The year's next reference, drawn inside the caller's transaction."""
    return format_reference(year, reserve_numbers(year, 1)[0])


@joins_unit_of_work
def reserve_numbers(year: int, count: int) -> list[int]:
    """`count` new numbers of `year`, ascending; contiguous on SQLite, possibly with gaps on PostgreSQL (other
    transactions draw from the same sequence meanwhile)."""
    if count < 1:
        return []
    if _on_postgresql():
        return _draw_from_sequence(year, count)
    bump = (sa.update(_counters).where(_counters.c.year == year)
            .values(last_value=_counters.c.last_value + count).returning(_counters.c.last_value))
    last = db.session.execute(bump).scalar()
    if last is None:
        db.session.execute(_insert_counter(year))
        last = db.session.execute(bump).scalar_one()
    return list(range(last - count + 1, last + 1))


@joins_unit_of_work
def raise_counter_to(year: int, number: int) -> None:
    """After importing historic references, make sure new ones continue above them."""
    if _on_postgresql():
        _ensure_sequence(year)
        _raise_sequence_to(sequence_name(year), number)
        return
    db.session.execute(_insert_counter(year))
    db.session.execute(
        sa.update(_counters).where(_counters.c.year == year, _counters.c.last_value < number).values(last_value=number)
    )


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _draw_from_sequence(year: int, count: int) -> list[int]:
    # to_regclass gives NULL for a sequence not made yet, and nextval(NULL) is NULL: no error that would abort the
    # caller's transaction, one round trip in the common case.
    draw = sa.text("SELECT nextval(to_regclass(:name)) FROM generate_series(1, :count) ORDER BY 1")
    parameters = {"name": sequence_name(year), "count": count}
    numbers = db.session.scalars(draw, parameters).all()
    if numbers[0] is None:
        _ensure_sequence(year)
        numbers = db.session.scalars(draw, parameters).all()
    return numbers


def _ensure_sequence(year: int) -> None:
    """Make the year's sequence, started above its counter row, in a savepoint of the caller's transaction.

    Others see it once that commits. Two transactions making it at once: the second waits for the first at the
    catalog's unique index, its savepoint fails, and the sequence is there.
    """
    name = sequence_name(year)
    if db.session.scalar(sa.text("SELECT to_regclass(:name)"), {"name": name}) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(sa.text(f"CREATE SEQUENCE {name} OWNED BY reference_counters.last_value"))
            handed_out = db.session.scalar(sa.select(_counters.c.last_value).where(_counters.c.year == year))
            if handed_out:
                _raise_sequence_to(name, handed_out)
    except DBAPIError:
        if db.session.scalar(sa.text("SELECT to_regclass(:name)"), {"name": name}) is None:
            raise


def _raise_sequence_to(name: str, number: int) -> None:
    """The next number drawn will be above `number`; a sequence already past it stays where it is."""
    db.session.execute(sa.text(f"SELECT setval('{name}', greatest(:number, last_value), true) FROM {name}"),
                       {"number": number})


def _insert_counter(year: int):
    from sqlalchemy.dialects.sqlite import insert

    return insert(_counters).values(year=year, last_value=0).on_conflict_do_nothing()
