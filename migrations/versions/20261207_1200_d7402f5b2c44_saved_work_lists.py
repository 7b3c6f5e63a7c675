"""saved work lists

Revision ID: d7402f5b2c44
Revises: c63f2e4a1b33
Create Date: 2026-12-07 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'd7402f5b2c44'
down_revision = 'c63f2e4a1b33'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
