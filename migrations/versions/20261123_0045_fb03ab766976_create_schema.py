"""create schema

Revision ID: fb03ab766976
Revises: 
Create Date: 2026-11-23 00:45:18.429098

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'fb03ab766976'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('key', name=op.f('uq_categories_key'))
    )
    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('kind', sa.Enum('municipal', 'police', 'care', 'housing', 'social', 'justice', 'other', name='partner_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("key = lower(key) AND key <> ''", name=op.f('ck_partners_key_lower_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners')),
    sa.UniqueConstraint('key', name=op.f('uq_partners_key'))
    )
    op.create_table('reference_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_value >= 0', name=op.f('ck_reference_counters_not_negative')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counters'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('intake', 'coordinator', 'manager', 'admin', name='user_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lower_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=20), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=20), nullable=False),
    sa.Column('object_ref', sa.String(length=254), nullable=True),
    sa.Column('outcome', sa.Enum('ok', 'denied', 'error', name='audit_outcome', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('origin', sa.String(length=45), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_actor', ['actor_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('source', sa.Enum('report', 'partner', name='case_source', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='case_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('mode', sa.Enum('advice', 'regie', name='case_mode', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('coordinator_id', sa.Integer(), nullable=True),
    sa.Column('received_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('opened_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('closed_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('result', sa.String(length=40), nullable=True),
    sa.Column('result_note', sa.Text(), nullable=True),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL AND result IS NOT NULL)", name=op.f('ck_cases_closed_has_time_and_result')),
    sa.CheckConstraint('closed_at IS NULL OR closed_at >= opened_at', name=op.f('ck_cases_closes_after_opening')),
    sa.ForeignKeyConstraint(['coordinator_id'], ['users.id'], name=op.f('fk_cases_coordinator_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_coordinator_id'), ['coordinator_id'], unique=False)
        batch_op.create_index('ix_cases_statistics', ['received_at', 'source', 'mode'], unique=False)
        batch_op.create_index('ix_cases_status_opened_at', ['status', 'opened_at'], unique=False)

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('ended_at', gdt.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint('ended_at IS NULL OR ended_at >= started_at', name=op.f('ck_user_sessions_ends_after_start')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('case_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.Column('added_at', gdt.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_partners_case_id_cases')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_case_partners_partner_id_partners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_partners')),
    sa.UniqueConstraint('case_id', 'partner_id', name=op.f('uq_case_partners_case_id_partner_id'))
    )
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.Enum('app', 'webform', 'phone', 'partner', name='report_channel', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('received_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('status', sa.Enum('received', 'referred', 'escalated', 'closed', name='report_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('postcode', sa.String(length=6), nullable=False),
    sa.Column('house_number', sa.Integer(), nullable=False),
    sa.Column('house_number_addition', sa.String(length=6), nullable=True),
    sa.Column('street', sa.String(length=120), nullable=True),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('reporter_is_anonymous', sa.Boolean(), nullable=False),
    sa.Column('reporter_name', sa.String(length=120), nullable=True),
    sa.Column('reporter_email', sa.String(length=254), nullable=True),
    sa.Column('reporter_phone', sa.String(length=30), nullable=True),
    sa.Column('reporter_may_contact', sa.Boolean(), nullable=False),
    sa.Column('triage_outcome', sa.Enum('referred', 'escalated', name='triage_outcome', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('triage_reason', sa.Text(), nullable=True),
    sa.Column('triaged_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('triaged_by_id', sa.Integer(), nullable=True),
    sa.Column('referred_partner_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('redacted_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'received' AND triage_outcome IS NULL) OR (status <> 'received' AND triage_outcome IS NOT NULL)", name=op.f('ck_reports_triaged_unless_received')),
    sa.CheckConstraint("COALESCE(triage_outcome, '') <> 'escalated' OR case_id IS NOT NULL", name=op.f('ck_reports_escalated_has_case')),
    sa.CheckConstraint("COALESCE(triage_outcome, '') <> 'referred' OR referred_partner_id IS NOT NULL", name=op.f('ck_reports_referred_has_partner')),
    sa.CheckConstraint("referred_partner_id IS NULL OR COALESCE(triage_outcome, '') = 'referred'", name=op.f('ck_reports_partner_only_if_referred')),
    sa.CheckConstraint('NOT reporter_is_anonymous OR (reporter_name IS NULL AND reporter_email IS NULL AND reporter_phone IS NULL AND NOT reporter_may_contact)', name=op.f('ck_reports_anonymous_has_no_details')),
    sa.CheckConstraint('house_number BETWEEN 1 AND 99999', name=op.f('ck_reports_house_number_range')),
    sa.CheckConstraint('triage_outcome IS NULL OR triaged_at IS NOT NULL', name=op.f('ck_reports_triage_has_time')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reports_case_id_cases')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_reports_category_id_categories')),
    sa.ForeignKeyConstraint(['referred_partner_id'], ['partners.id'], name=op.f('fk_reports_referred_partner_id_partners')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_reports_registered_by_id_users')),
    sa.ForeignKeyConstraint(['triaged_by_id'], ['users.id'], name=op.f('fk_reports_triaged_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('reference', name=op.f('uq_reports_reference'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_address', ['postcode', 'house_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_reports_queue', ['status', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_registered_by_id'), ['registered_by_id'], unique=False)
        batch_op.create_index('ix_reports_statistics', ['received_at', 'channel', 'triage_outcome', 'referred_partner_id'], unique=False)

    op.create_table('report_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_report_events_actor_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_events_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_events'))
    )
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_events_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_events_report_id'))

    op.drop_table('report_events')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_statistics')
        batch_op.drop_index(batch_op.f('ix_reports_registered_by_id'))
        batch_op.drop_index('ix_reports_queue')
        batch_op.drop_index(batch_op.f('ix_reports_case_id'))
        batch_op.drop_index('ix_reports_address')

    op.drop_table('reports')
    op.drop_table('case_partners')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_opened_at')
        batch_op.drop_index('ix_cases_statistics')
        batch_op.drop_index(batch_op.f('ix_cases_coordinator_id'))

    op.drop_table('cases')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index('ix_audit_events_actor')

    op.drop_table('audit_events')
    op.drop_table('users')
    op.drop_table('reference_counters')
    op.drop_table('partners')
    op.drop_table('categories')
