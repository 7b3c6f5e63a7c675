"""event subscriptions and deliveries

The administrator's subscriptions of other systems to GDT's events, and each delivery of a CloudEvent to one.

Revision ID: f9c0d1e2f3a4
Revises: f8b9c0d1e2f3
Create Date: 2026-12-09 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'f9c0d1e2f3a4'
down_revision = 'f8b9c0d1e2f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret_salt', sa.String(length=64), nullable=False),
        sa.Column('event_types', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_subscriptions')),
        sa.UniqueConstraint('name', name=op.f('uq_event_subscriptions_name')),
    )
    op.create_table(
        'event_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('event_type', sa.String(length=60), nullable=False),
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='event_delivery_status', native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', gdt.db.UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('sent_at', gdt.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['subscription_id'], ['event_subscriptions.id'],
                                name=op.f('fk_event_deliveries_subscription_id_event_subscriptions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_deliveries')),
        sa.UniqueConstraint('event_id', name=op.f('uq_event_deliveries_event_id')),
    )
    with op.batch_alter_table('event_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_event_deliveries_subscription_subject', ['subscription_id', 'subject', 'id'],
                              unique=False)
        batch_op.create_index('ix_event_deliveries_status_next', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('event_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_event_deliveries_status_next')
        batch_op.drop_index('ix_event_deliveries_subscription_subject')
    op.drop_table('event_deliveries')
    op.drop_table('event_subscriptions')
