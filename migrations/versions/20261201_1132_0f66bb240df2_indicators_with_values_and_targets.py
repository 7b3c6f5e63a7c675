"""Indicators: definitions, figures per year (manual and historic) and targets per year

Each table's CHECKs are named by the metadata's convention: the enum columns (source, unit, comparator),
the lower-case key, a non-empty name and a plausible year.

Revision ID: 0f66bb240df2
Revises: d380b95fae60
Create Date: 2026-12-01 11:32:31.295608

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = '0f66bb240df2'
down_revision = 'd380b95fae60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Enum('reports_total', 'share_escalated', 'cases_total', 'median_days_to_triage', 'manual', name='indicator_source', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('unit', sa.Enum('count', 'percent', 'days', name='indicator_unit', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('footnote', sa.Text(), nullable=True),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("key = lower(key) AND key <> ''", name=op.f('ck_indicators_key_lower_case')),
    sa.CheckConstraint("name <> ''", name=op.f('ck_indicators_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('key', name=op.f('uq_indicators_key'))
    )
    op.create_table('indicator_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('comparator', sa.Enum('lt', 'le', 'gt', 'ge', 'eq', name='indicator_comparator', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('year BETWEEN 1900 AND 2999', name=op.f('ck_indicator_targets_year_range')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_targets_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_targets')),
    sa.UniqueConstraint('indicator_id', 'year', name=op.f('uq_indicator_targets_indicator_id_year'))
    )
    op.create_table('indicator_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('year BETWEEN 1900 AND 2999', name=op.f('ck_indicator_values_year_range')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_values_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_values')),
    sa.UniqueConstraint('indicator_id', 'year', name=op.f('uq_indicator_values_indicator_id_year'))
    )


def downgrade():
    op.drop_table('indicator_values')
    op.drop_table('indicator_targets')
    op.drop_table('indicators')
