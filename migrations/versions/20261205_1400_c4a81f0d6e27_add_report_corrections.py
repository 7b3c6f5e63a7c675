"""add report corrections: category, address and description put right before triage, with the reason

Revision ID: c4a81f0d6e27
Revises: 7d3e5b1a9c42
Create Date: 2026-12-05 14:00:00

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'c4a81f0d6e27'
down_revision = '7d3e5b1a9c42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports') as batch_op:
        batch_op.add_column(sa.Column('description_corrected', sa.Text(), nullable=True))
    op.create_table('report_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.Enum('category', 'address', 'description', name='corrected_field', native_enum=False,
                               create_constraint=True, length=20), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['report_events.id'], name=op.f('fk_report_corrections_event_id_report_events')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_corrections_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_corrections')),
    sa.UniqueConstraint('event_id', name=op.f('uq_report_corrections_event_id'))
    )
    with op.batch_alter_table('report_corrections') as batch_op:
        batch_op.create_index(batch_op.f('ix_report_corrections_report_id'), ['report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_corrections') as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_corrections_report_id'))
    op.drop_table('report_corrections')
    with op.batch_alter_table('reports') as batch_op:
        batch_op.drop_column('description_corrected')
