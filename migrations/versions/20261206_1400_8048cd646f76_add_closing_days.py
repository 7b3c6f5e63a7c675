"""add closing days: the municipality's own non-working days, kept by the admin

Revision ID: 8048cd646f76
Revises: 68a180e8f91a
Create Date: 2026-12-06 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8048cd646f76'
down_revision = '68a180e8f91a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'closing_days',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('description', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_closing_days')),
        sa.UniqueConstraint('day', name=op.f('uq_closing_days_day')),
    )


def downgrade():
    op.drop_table('closing_days')
