"""add api clients tokens idempotency outbox and address ids

Revision ID: a674e4bc5be3
Revises: fb03ab766976
Create Date: 2026-11-23 01:30:42.002127

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'a674e4bc5be3'
down_revision = 'fb03ab766976'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('topic', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('published_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('processed_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_messages_attempts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_processed_at'), ['processed_at'], unique=False)
        batch_op.create_index('ix_outbox_messages_unpublished', ['published_at', 'created_at'], unique=False)

    op.create_table('api_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('channel', sa.Enum('app', 'webform', 'partner', name='api_client_channel', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', gdt.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("channel <> 'partner' OR partner_id IS NOT NULL", name=op.f('ck_api_clients_partner_client_has_partner')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_api_clients_partner_id_partners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('name', name=op.f('uq_api_clients_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_clients_token_hash'))
    )
    op.create_table('user_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', gdt.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_tokens_token_hash'))
    )
    with op.batch_alter_table('user_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('idempotency_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response_body', sa.JSON(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['api_clients.id'], name=op.f('fk_idempotency_records_client_id_api_clients')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_idempotency_records_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_records')),
    sa.UniqueConstraint('client_id', 'key', name=op.f('uq_idempotency_records_client_id_key'))
    )
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_records_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bag_id', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('wijk_code', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('buurt_code', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('api_client_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reporter_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_bag_id'), ['bag_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_reports_reporter_token_hash'), ['reporter_token_hash'])
        batch_op.create_foreign_key(batch_op.f('fk_reports_api_client_id_api_clients'), 'api_clients', ['api_client_id'], ['id'])



def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_api_client_id_api_clients'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_reports_reporter_token_hash'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_reports_bag_id'))
        batch_op.drop_column('reporter_token_hash')
        batch_op.drop_column('api_client_id')
        batch_op.drop_column('buurt_code')
        batch_op.drop_column('wijk_code')
        batch_op.drop_column('bag_id')

    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_records_created_at'))

    op.drop_table('idempotency_records')
    with op.batch_alter_table('user_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_tokens_user_id'))

    op.drop_table('user_tokens')
    op.drop_table('api_clients')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_unpublished')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_processed_at'))

    op.drop_table('outbox_messages')
