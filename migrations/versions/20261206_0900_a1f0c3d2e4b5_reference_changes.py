"""Reference data keeps its change history (reference_changes)

Revision ID: a1f0c3d2e4b5
Revises: c4a81f0d6e27
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'a1f0c3d2e4b5'
down_revision = 'c4a81f0d6e27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reference_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('object_type', sa.String(length=20), nullable=False),
        sa.Column('object_key', sa.String(length=60), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_reference_changes_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_changes')),
    )
    op.create_index('ix_reference_changes_object', 'reference_changes', ['object_type', 'object_key', 'occurred_at'])


def downgrade():
    op.drop_index('ix_reference_changes_object', table_name='reference_changes')
    op.drop_table('reference_changes')
