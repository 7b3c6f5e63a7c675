"""add api_clients.last_used_at

When an API client last called the API (written at most every five minutes, with an audit event), shown on the
admin's API access page.

Revision ID: 5b7e2d91c0a4
Revises: fd6f07067439
Create Date: 2026-12-04 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = '5b7e2d91c0a4'
down_revision = 'fd6f07067439'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', gdt.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
