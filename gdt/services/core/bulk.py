"""Bulk inserts for the loaders that write thousands of rows at once (historic import, demo data).

Kept apart from both so neither loader depends on the other for a shared helper.
"""
import sqlalchemy as sa

from gdt.db import db
from gdt.services.core.transaction import joins_unit_of_work


@joins_unit_of_work
def bulk_insert(model, values: list[dict], *, key: str | None = None) -> dict:
    """Core executemany in multi-row batches; with `key` (a unique column), {key value: new id}.

    Skips the ORM's per-object bookkeeping, which is what makes 10 000 rows take seconds. Ids are
    matched by the unique key rather than by input order: ordered RETURNING needs a sentinel
    column, without which SQLAlchemy falls back to one INSERT per row. Column defaults
    (timestamps, version) still apply. The caller owns the transaction.
    """
    if not values:
        return {}
    table = model.__table__
    if key is None:
        db.session.execute(sa.insert(table), values)
        return {}
    return dict(db.session.execute(sa.insert(table).returning(table.c[key], table.c.id), values).all())
