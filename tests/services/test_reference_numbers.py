"""Reference numbers: ascending per year, never twice, and on PostgreSQL drawn without a lock that queues intakes."""
import threading

import pytest
import sqlalchemy as sa

from gdt.models import ReferenceCounter
from gdt.services.core import reference_numbers
from gdt.services.core.reference_numbers import next_reference, raise_counter_to, reserve_numbers


def number(reference: str) -> int:
    return int(reference_numbers.REFERENCE_PATTERN.fullmatch(reference)[2])


def on_postgresql(db) -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def test_each_year_counts_from_one_on_its_own(db):
    assert next_reference(2033) == "GDT-2033-000001"
    assert next_reference(2033) == "GDT-2033-000002"
    assert next_reference(2034) == "GDT-2034-000001"


def test_a_block_ascends_and_the_next_reference_comes_after_it(db):
    block = reserve_numbers(2035, 5)
    assert block == sorted(set(block)) and len(block) == 5
    assert number(next_reference(2035)) > block[-1]
    assert reserve_numbers(2035, 0) == []


def test_imported_references_push_new_ones_above_them_and_never_back(db):
    next_reference(2036)
    raise_counter_to(2036, 500)
    assert next_reference(2036) == "GDT-2036-000501"
    raise_counter_to(2036, 20)  # lower than what was handed out: nothing changes
    assert next_reference(2036) == "GDT-2036-000502"


def test_a_year_counted_before_sequences_existed_continues_above_its_counter_row(db):
    if not on_postgresql(db):
        pytest.skip("the counter row is the series itself on SQLite")
    db.session.add(ReferenceCounter(year=2037, last_value=41))
    db.session.flush()
    assert next_reference(2037) == "GDT-2037-000042"


def test_an_open_transaction_holding_a_number_does_not_hold_up_the_next_intake(app):
    """What the counter row did: a second intake waited for the first one's commit. Real commits here, on the
    application's engine, so the test removes the year's sequence itself."""
    from gdt.db import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time")
        try:
            next_reference(2039)
            db.session.commit()
            first = next_reference(2039)  # this transaction stays open while another intake draws
            drawn = {}

            def other_intake():
                with app.app_context():
                    db.session.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
                    drawn["reference"] = next_reference(2039)
                    db.session.commit()

            thread = threading.Thread(target=other_intake)
            thread.start()
            thread.join(10)
            db.session.commit()
            assert number(drawn["reference"]) == number(first) + 1
        finally:
            db.session.rollback()
            db.session.execute(sa.text("DROP SEQUENCE IF EXISTS reference_numbers_2039"))
            db.session.commit()
