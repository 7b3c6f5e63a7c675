"""outcome statistics

Revision ID: f6a7b8c9d0e1
Revises: f5f6a7b8c9d0
Create Date: 2026-12-08 16:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import gdt.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'f6a7b8c9d0e1'
down_revision = 'f5f6a7b8c9d0'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
