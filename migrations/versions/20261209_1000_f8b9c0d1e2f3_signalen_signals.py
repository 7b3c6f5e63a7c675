"""signalen signals and sync

Which Signalen signal became which report (once: the signal's id is unique), what GDT last told Signalen about it,
and where the last sync stopped.

Revision ID: f8b9c0d1e2f3
Revises: f7a8b9c0d1e2
Create Date: 2026-12-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'f8b9c0d1e2f3'
down_revision = 'f7a8b9c0d1e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'signalen_signals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('signal_id', sa.BigInteger(), nullable=False),
        sa.Column('id_display', sa.String(length=40), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=120), nullable=True),
        sa.Column('sub_slug', sa.String(length=120), nullable=True),
        sa.Column('signal_created_at', gdt.db.UTCDateTime(), nullable=True),
        sa.Column('incident_at', gdt.db.UTCDateTime(), nullable=True),
        sa.Column('imported_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('not_imported', sa.String(length=40), nullable=True),
        sa.Column('state_sent', sa.String(length=40), nullable=True),
        sa.Column('refusal', sa.String(length=500), nullable=True),
        sa.Column('refused_at', gdt.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_signalen_signals_report_id_reports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signalen_signals')),
        sa.UniqueConstraint('signal_id', name=op.f('uq_signalen_signals_signal_id')),
        sa.UniqueConstraint('report_id', name=op.f('uq_signalen_signals_report_id')),
    )
    with op.batch_alter_table('signalen_signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signalen_signals_id_display'), ['id_display'], unique=False)
    op.create_table(
        'signalen_sync',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cursor', gdt.db.UTCDateTime(), nullable=True),
        sa.Column('last_run_at', gdt.db.UTCDateTime(), nullable=True),
        sa.Column('last_outcome', sa.String(length=300), nullable=True),
        sa.Column('running_until', gdt.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signalen_sync')),
    )


def downgrade():
    op.drop_table('signalen_sync')
    with op.batch_alter_table('signalen_signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signalen_signals_id_display'))
    op.drop_table('signalen_signals')
