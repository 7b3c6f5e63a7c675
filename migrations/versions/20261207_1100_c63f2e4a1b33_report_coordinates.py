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


def upgrade():
    pass


def downgrade():
    pass
