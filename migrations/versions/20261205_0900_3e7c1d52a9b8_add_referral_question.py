"""add referral question: what the team asks of the partner, written for the partner

Revision ID: 3e7c1d52a9b8
Revises: a5031f786e63
Create Date: 2026-12-05 09:00:00

Existing referrals get no question (NULL): their pages show nothing in its place.
"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = '3e7c1d52a9b8'
down_revision = 'a5031f786e63'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question', sa.String(length=1000), nullable=True))


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_column('question')
