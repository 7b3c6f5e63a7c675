"""add areas: the names of CBS wijken and buurten (flask areas import), shown beside their codes in the statistics

Revision ID: a5031f786e63
Revises: 5c1e7a9d2b40
Create Date: 2026-12-04 05:23:52

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'a5031f786e63'
down_revision = '5c1e7a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.CheckConstraint("code LIKE 'WK%' OR code LIKE 'BU%'", name=op.f('ck_areas_wijk_or_buurt_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_areas')),
    sa.UniqueConstraint('code', name=op.f('uq_areas_code'))
    )


def downgrade():
    op.drop_table('areas')
