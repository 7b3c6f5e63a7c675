"""case documents and their versions

Revision ID: f0a1b2c3d4e5
Revises: e85130a6c355
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import gdt.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'f0a1b2c3d4e5'
down_revision = 'e85130a6c355'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
