"""questions to the resident and satisfaction

Revision ID: f4e5f6a7b8c9
Revises: f3d4e5f6a7b8
Create Date: 2026-12-08 14:00:00.000000

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import gdt.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'f4e5f6a7b8c9'
down_revision = 'f3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
