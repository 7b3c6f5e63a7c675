"""Reference numbers from a sequence per year on PostgreSQL (docs/decisions/0034-reference-sequences.md).

Each year's counter row becomes the start of its sequence, `reference_numbers_<year>`, owned by the counter column;
new years get theirs on first use. Downgrade writes each sequence's last number back into its counter row.

Revision ID: fb1e2f3a4b5c
Revises: fa0d1e2f3a4b
Create Date: 2026-12-11 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'fb1e2f3a4b5c'
down_revision = 'fa0d1e2f3a4b'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for year, last_value in bind.execute(sa.text("SELECT year, last_value FROM reference_counters")).all():
        name = f"reference_numbers_{int(year)}"
        op.execute(f"CREATE SEQUENCE {name} OWNED BY reference_counters.last_value")
        if last_value:
            op.execute(f"SELECT setval('{name}', {int(last_value)}, true)")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    names = bind.execute(sa.text(
        "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname ~ '^reference_numbers_[0-9]{4}$'")).scalars()
    for name in names:
        year = int(name.rsplit("_", 1)[1])
        op.execute(f"INSERT INTO reference_counters (year, last_value) SELECT {year}, "
                   f"CASE WHEN is_called THEN last_value ELSE 0 END FROM {name} "
                   f"ON CONFLICT (year) DO UPDATE SET last_value = greatest(reference_counters.last_value, "
                   f"excluded.last_value)")
        op.execute(f"DROP SEQUENCE {name}")
