"""Process heartbeats (worker, beat, relay) and the partial indexes health and metrics read

Revision ID: 9920a9fdfc10
Revises: a1f0c3d2e4b5
Create Date: 2026-12-06 11:00:00

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = '9920a9fdfc10'
down_revision = 'a1f0c3d2e4b5'
branch_labels = None
depends_on = None

WAITING = sa.text("processed_at IS NULL")
REMINDERS = sa.text("topic IN ('reminder.coordinator', 'reminder.partner')")
LOGIN_FAILED = sa.text("action = 'login' AND outcome = 'denied'")


def upgrade():
    op.create_table(
        'process_heartbeats',
        sa.Column('kind', sa.Enum('worker', 'beat', 'relay', name='heartbeat_kind', native_enum=False,
                                  create_constraint=True, length=20), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('started_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('last_seen_at', gdt.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'host', 'pid', name=op.f('pk_process_heartbeats')),
    )
    op.create_index(op.f('ix_process_heartbeats_kind_last_seen_at'), 'process_heartbeats', ['kind', 'last_seen_at'])
    op.create_index('ix_outbox_messages_waiting', 'outbox_messages', ['created_at'],
                    postgresql_where=WAITING, sqlite_where=WAITING)
    op.create_index('ix_outbox_messages_reminders', 'outbox_messages', ['topic', 'processed_at'],
                    postgresql_where=REMINDERS, sqlite_where=REMINDERS)
    op.create_index('ix_audit_events_login_failures', 'audit_events', ['occurred_at'],
                    postgresql_where=LOGIN_FAILED, sqlite_where=LOGIN_FAILED)


def downgrade():
    op.drop_index('ix_audit_events_login_failures', table_name='audit_events')
    op.drop_index('ix_outbox_messages_reminders', table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_waiting', table_name='outbox_messages')
    op.drop_index(op.f('ix_process_heartbeats_kind_last_seen_at'), table_name='process_heartbeats')
    op.drop_table('process_heartbeats')
