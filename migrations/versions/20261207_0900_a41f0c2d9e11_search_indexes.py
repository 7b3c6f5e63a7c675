"""full-text and trigram search indexes kept by the write path

Revision ID: a41f0c2d9e11
Revises: 3c1f5e8a9b27
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'a41f0c2d9e11'
down_revision = '3c1f5e8a9b27'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
