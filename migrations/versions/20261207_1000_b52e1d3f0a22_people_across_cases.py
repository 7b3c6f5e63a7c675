"""people linked to several cases and reports

Revision ID: b52e1d3f0a22
Revises: a41f0c2d9e11
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'b52e1d3f0a22'
down_revision = 'a41f0c2d9e11'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
