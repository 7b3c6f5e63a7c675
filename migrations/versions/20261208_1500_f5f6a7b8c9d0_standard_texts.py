"""standard texts

Revision ID: f5f6a7b8c9d0
Revises: f4e5f6a7b8c9
Create Date: 2026-12-08 15:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

import gdt.db
# Plain data (moment, title, body), shared with `flask setup`: one definition of what a new installation starts with.
from gdt.services.texts.defaults import DEFAULT_TEXTS


# revision identifiers, used by Alembic.
revision = 'f5f6a7b8c9d0'
down_revision = 'f4e5f6a7b8c9'
branch_labels = None
depends_on = None


MOMENTS = ('receipt', 'referred', 'taken_on', 'question', 'closed', 'partner')


def upgrade():
    op.create_table(
        'standard_texts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('moment', sa.Enum(*MOMENTS, name='standard_text_moment', native_enum=False, create_constraint=True,
                                    length=20), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['category_id'], ['categories.id'],
                                name=op.f('fk_standard_texts_category_id_categories')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_standard_texts_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_texts')),
    )
    with op.batch_alter_table('standard_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standard_texts_moment_category_id_is_active'),
                              ['moment', 'category_id', 'is_active'], unique=False)

    now = datetime.now(timezone.utc).replace(tzinfo=None)  # stored as naive UTC (gdt.db.UTCDateTime)
    table = sa.table('standard_texts', sa.column('moment'), sa.column('title'), sa.column('body'),
                     sa.column('is_active'), sa.column('version'), sa.column('updated_at'))
    for moment, title, body in DEFAULT_TEXTS:  # for every category (category_id NULL)
        op.execute(table.insert().values(moment=moment, title=title, body=body, is_active=True, version=1,
                                         updated_at=now))


def downgrade():
    with op.batch_alter_table('standard_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standard_texts_moment_category_id_is_active'))
    op.drop_table('standard_texts')
