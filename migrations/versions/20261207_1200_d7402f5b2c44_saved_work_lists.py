"""saved work lists

Revision ID: d7402f5b2c44
Revises: c63f2e4a1b33
Create Date: 2026-12-07 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'd7402f5b2c44'
down_revision = 'c63f2e4a1b33'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_lists',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.Enum('reports', 'cases', 'search', name='saved_list_kind', native_enum=False,
                                  create_constraint=True, length=20), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('search_text', sa.String(length=200), nullable=True),
        sa.Column('shared_with_team', sa.Boolean(), nullable=False),
        sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("(kind = 'search') = (search_text IS NOT NULL)",
                           name=op.f('ck_saved_lists_search_has_text')),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_saved_lists_owner_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_lists')),
        sa.UniqueConstraint('owner_id', 'name', name=op.f('uq_saved_lists_owner_id_name')),
    )
    op.create_table(
        'saved_list_pins',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('list_id', sa.Integer(), nullable=False),
        sa.Column('pinned_at', gdt.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['list_id'], ['saved_lists.id'], name=op.f('fk_saved_list_pins_list_id_saved_lists'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_list_pins_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'list_id', name=op.f('pk_saved_list_pins')),
    )
    with op.batch_alter_table('saved_list_pins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_list_pins_list_id'), ['list_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_list_pins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_list_pins_list_id'))
    op.drop_table('saved_list_pins')
    op.drop_table('saved_lists')
