"""the coordinates of reports from the address lookup

Revision ID: c63f2e4a1b33
Revises: b52e1d3f0a22
Create Date: 2026-12-07 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'c63f2e4a1b33'
down_revision = 'b52e1d3f0a22'
branch_labels = None
depends_on = None


COLUMNS = ("lat", "lon", "rd_x", "rd_y")
LOCATED = sa.text("rd_x IS NOT NULL")


def upgrade():
    for name in COLUMNS:
        op.add_column('reports', sa.Column(name, sa.Float(), nullable=True))
    op.create_index('ix_reports_location', 'reports', ['rd_x', 'rd_y'])
    op.create_index('ix_reports_map', 'reports', ['status', 'rd_x', 'rd_y'],
                    postgresql_include=['id', 'lat', 'lon', 'category_id', 'received_at', 'case_id'],
                    postgresql_where=LOCATED, sqlite_where=LOCATED)


def downgrade():
    op.drop_index('ix_reports_map', table_name='reports')
    op.drop_index('ix_reports_location', table_name='reports')
    for name in reversed(COLUMNS):  # ALTER TABLE … DROP COLUMN (SQLite 3.35+): keeps the tallies' triggers
        op.drop_column('reports', name)
