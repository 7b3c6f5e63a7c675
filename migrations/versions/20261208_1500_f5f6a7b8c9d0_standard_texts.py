"""standard texts

Revision ID: f5f6a7b8c9d0
Revises: f4e5f6a7b8c9
Create Date: 2026-12-08 15:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import gdt.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'f5f6a7b8c9d0'
down_revision = 'f4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
