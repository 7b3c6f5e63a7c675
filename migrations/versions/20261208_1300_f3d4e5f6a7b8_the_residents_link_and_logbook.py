"""the resident's link and logbook

Revision ID: f3d4e5f6a7b8
Revises: f2c3d4e5f6a7
Create Date: 2026-12-08 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'f3d4e5f6a7b8'
down_revision = 'f2c3d4e5f6a7'
branch_labels = None
depends_on = None

# A random nonce for every report already there (32 hex characters, from the database's strong random source), so
# each has links of its own that one new nonce revokes.
RANDOM_NONCE = {
    'postgresql': "replace(gen_random_uuid()::text, '-', '')",
    'sqlite': 'lower(hex(randomblob(16)))',
}


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resident_link_nonce', sa.String(length=32), nullable=True))
    op.execute(f"UPDATE reports SET resident_link_nonce = {RANDOM_NONCE[op.get_bind().dialect.name]}")

    op.create_table(
        'resident_log_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('happened_on', sa.Date(), nullable=False),
        sa.Column('happened_at', sa.Time(), nullable=True),
        sa.Column('duration_minutes', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint('duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 1440',
                           name=op.f('ck_resident_log_entries_duration_range')),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_resident_log_entries_report_id_reports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_log_entries')),
    )
    with op.batch_alter_table('resident_log_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_log_entries_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('log_entry_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachments_log_entry_id'), ['log_entry_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_log_entry_id_resident_log_entries'),
                                    'resident_log_entries', ['log_entry_id'], ['id'])


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachments_log_entry_id_resident_log_entries'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachments_log_entry_id'))
        batch_op.drop_column('log_entry_id')

    with op.batch_alter_table('resident_log_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_log_entries_report_id'))
    op.drop_table('resident_log_entries')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('resident_link_nonce')
