"""Add referrals (delivery and partner feedback), stored deadlines, webhook settings, reminder runs
and the outbox consumer's claim

Revision ID: 6ca09e67763c
Revises: 5ed6a56a8a74
Create Date: 2026-12-01 10:15:52.626850

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = '6ca09e67763c'
down_revision = '5ed6a56a8a74'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminder_runs',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_reminder_runs'))
    )
    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('delivery_method', sa.Enum('email', 'webhook', name='delivery_method', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('delivery_status', sa.Enum('pending', 'sent', 'failed', name='delivery_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('delivery_attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('delivered_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('last_delivery_error', sa.String(length=200), nullable=True),
    sa.Column('status', sa.Enum('awaiting', 'received', 'taken_on', 'handled', 'returned', name='referral_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('acknowledge_due_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('acknowledged_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('finished_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.Enum('resolved', 'measures-taken', 'no-action-possible', 'passed-on', name='referral_outcome', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('feedback_note', sa.Text(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(delivery_status = 'sent') = (delivered_at IS NOT NULL)", name=op.f('ck_referrals_sent_has_time')),
    sa.CheckConstraint("status <> 'handled' OR outcome IS NOT NULL", name=op.f('ck_referrals_handled_has_outcome')),
    sa.CheckConstraint("status <> 'returned' OR return_reason IS NOT NULL", name=op.f('ck_referrals_returned_has_reason')),
    sa.CheckConstraint('(report_id IS NULL) <> (case_id IS NULL)', name=op.f('ck_referrals_report_or_case')),
    sa.CheckConstraint('delivery_attempts >= 0', name=op.f('ck_referrals_attempts_not_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_referrals_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referrals_created_by_id_users')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_referrals_partner_id_partners')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_referrals_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_acknowledgement', ['status', 'acknowledge_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_referrals_delivery', ['delivery_status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_due_at', gdt.db.UTCDateTime(), nullable=True))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', gdt.db.UTCDateTime(), nullable=True))

    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_method', sa.Enum('email', 'webhook', name='partner_delivery', native_enum=False, create_constraint=True, length=20), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('webhook_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('webhook_secret_salt', sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(op.f('ck_partners_webhook_has_url'),
                                         "delivery_method <> 'webhook' OR webhook_url IS NOT NULL")

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('triage_due_at', gdt.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reporter_notified_status', sa.String(length=20), nullable=True))



def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('reporter_notified_status')
        batch_op.drop_column('triage_due_at')

    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_partners_webhook_has_url'), type_='check')
        batch_op.drop_constraint(op.f('ck_partners_partner_delivery'), type_='check')
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('webhook_secret_salt')
        batch_op.drop_column('webhook_url')
        batch_op.drop_column('delivery_method')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('review_due_at')

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_report_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_partner_id'))
        batch_op.drop_index('ix_referrals_delivery')
        batch_op.drop_index(batch_op.f('ix_referrals_case_id'))
        batch_op.drop_index('ix_referrals_acknowledgement')

    op.drop_table('referrals')
    op.drop_table('reminder_runs')
