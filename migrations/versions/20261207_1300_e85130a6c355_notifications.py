"""notifications for staff and their choices

Revision ID: e85130a6c355
Revises: d7402f5b2c44
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'e85130a6c355'
down_revision = 'd7402f5b2c44'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
