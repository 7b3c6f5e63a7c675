"""notifications for staff and their choices

Revision ID: e85130a6c355
Revises: d7402f5b2c44
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'e85130a6c355'
down_revision = 'd7402f5b2c44'
branch_labels = None
depends_on = None


KINDS = ('assigned', 'partner_answered', 'action_due', 'meeting_planned', 'triage_deadline')
DELIVERIES = ('now', 'digest', 'app')
SUBJECTS = ('case', 'report', 'referral', 'action', 'meeting')
DIGEST_PENDING = "delivery = 'digest' AND mailed_at IS NULL"


def _kind():
    return sa.Enum(*KINDS, name='notification_kind', native_enum=False, create_constraint=True, length=20)


def _delivery():
    return sa.Enum(*DELIVERIES, name='notification_delivery', native_enum=False, create_constraint=True, length=20)


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.Column('delivery', _delivery(), nullable=False),
        *[sa.Column(f'{subject}_id', sa.Integer(), nullable=True) for subject in SUBJECTS],
        sa.Column('once_key', sa.String(length=100), nullable=True),
        sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('read_at', gdt.db.UTCDateTime(), nullable=True),
        sa.Column('mailed_at', gdt.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'),
                                ondelete='CASCADE'),
        *[sa.ForeignKeyConstraint([f'{subject}_id'], [f'{subject}s.id'],
                                  name=op.f(f'fk_notifications_{subject}_id_{subject}s'), ondelete='CASCADE')
          for subject in SUBJECTS],
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('once_key', name=op.f('uq_notifications_once_key')),
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        for subject in SUBJECTS:
            batch_op.create_index(batch_op.f(f'ix_notifications_{subject}_id'), [f'{subject}_id'], unique=False)
        batch_op.create_index('ix_notifications_user_id_id', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_notifications_digest_pending', ['user_id'], unique=False,
                              postgresql_where=sa.text(DIGEST_PENDING), sqlite_where=sa.text(DIGEST_PENDING))

    op.create_table(
        'notification_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.Column('delivery', _delivery(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preferences')),
    )


def downgrade():
    op.drop_table('notification_preferences')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_digest_pending', postgresql_where=sa.text(DIGEST_PENDING),
                            sqlite_where=sa.text(DIGEST_PENDING))
        batch_op.drop_index('ix_notifications_user_id_id')
        for subject in SUBJECTS:
            batch_op.drop_index(batch_op.f(f'ix_notifications_{subject}_id'))
    op.drop_table('notifications')
