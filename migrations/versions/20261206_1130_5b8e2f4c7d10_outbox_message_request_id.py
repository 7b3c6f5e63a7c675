"""Outbox messages remember the request that wrote them (outbox_messages.request_id), for the logs

A nullable column without a default: PostgreSQL adds it without rewriting the table. Older messages have none.

Revision ID: 5b8e2f4c7d10
Revises: 9920a9fdfc10
Create Date: 2026-12-06 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2f4c7d10'
down_revision = '9920a9fdfc10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.drop_column('request_id')
