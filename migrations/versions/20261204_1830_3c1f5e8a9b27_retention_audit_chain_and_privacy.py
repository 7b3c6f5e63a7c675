"""retention, destruction lists, legal holds, the audit chain and requests from the people concerned

Adds the roles archivist and privacy; retention rules, legal holds and destruction lists with their items (the
content-free records); the retention columns of reports and cases (reports.redacted_at, never written, becomes
contact_removed_at; a destroyed report keeps no address); the audit events' chain columns and the chain heads;
and the privacy officer's register of requests from the people concerned.

Revision ID: 3c1f5e8a9b27
Revises: 5b7e2d91c0a4
Create Date: 2026-12-04 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = '3c1f5e8a9b27'
down_revision = '5b7e2d91c0a4'
branch_labels = None
depends_on = None

ROLES_BEFORE = "'intake', 'coordinator', 'manager', 'admin', 'partner'"
ROLES_NOW = f"{ROLES_BEFORE}, 'archivist', 'privacy'"


def _enum(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_user_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_user_role'), f"role IN ({ROLES_NOW})")

    op.create_table('retention_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum('case_result', 'case_merged', 'report', 'contact', 'attachments', 'audit',
                            name='retention_rule_kind'), nullable=False),
    sa.Column('key', sa.String(length=40), server_default='', nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('nomination', _enum('destroy', 'keep', name='archive_nomination'), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('months >= 1 AND months <= 1200', name=op.f('ck_retention_rules_months_range')),
    sa.CheckConstraint("nomination = 'destroy' OR kind = 'case_result'",
                       name=op.f('ck_retention_rules_keep_only_case_results')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_rules_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rules')),
    sa.UniqueConstraint('kind', 'key', name=op.f('uq_retention_rules_kind_key'))
    )
    op.create_table('legal_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('lifted_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(lifted_at IS NULL) = (lifted_by_id IS NULL)', name=op.f('ck_legal_holds_lifted_has_actor')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_legal_holds_case_id_cases')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_legal_holds_lifted_by_id_users')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_legal_holds_placed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds'))
    )
    op.create_index('ix_legal_holds_case_id_lifted_at', 'legal_holds', ['case_id', 'lifted_at'], unique=False)
    op.create_table('destruction_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum('records', 'audit', name='destruction_list_kind'), nullable=False),
    sa.Column('status', _enum('proposed', 'approved', 'executed', name='destruction_list_status'), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('proposed_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('executed_at', gdt.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("(status = 'proposed') = (approved_at IS NULL)",
                       name=op.f('ck_destruction_lists_approved_unless_proposed')),
    sa.CheckConstraint("(status = 'executed') = (executed_at IS NOT NULL)",
                       name=op.f('ck_destruction_lists_executed_has_time')),
    sa.CheckConstraint('approved_at IS NULL OR approved_by_id IS NOT NULL',
                       name=op.f('ck_destruction_lists_approved_has_actor')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_destruction_lists_approved_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_destruction_lists_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_lists'))
    )
    op.create_table('destruction_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('object_type', _enum('case', 'report', 'audit_day', name='destruction_item_type'), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('wijk_code', sa.String(length=10), nullable=True),
    sa.Column('buurt_code', sa.String(length=10), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('mode', sa.String(length=20), nullable=True),
    sa.Column('result', sa.String(length=40), nullable=True),
    sa.Column('report_count', sa.Integer(), nullable=False),
    sa.Column('excluded_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('excluded_by_id', sa.Integer(), nullable=True),
    sa.Column('exclusion_reason', sa.String(length=500), nullable=True),
    sa.Column('destroyed_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('pending_files', sa.JSON(), nullable=True),
    sa.CheckConstraint('(excluded_at IS NULL) = (exclusion_reason IS NULL)',
                       name=op.f('ck_destruction_items_excluded_has_reason')),
    sa.CheckConstraint('excluded_at IS NULL OR destroyed_at IS NULL',
                       name=op.f('ck_destruction_items_excluded_not_destroyed')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_destruction_items_category_id_categories')),
    sa.ForeignKeyConstraint(['excluded_by_id'], ['users.id'], name=op.f('fk_destruction_items_excluded_by_id_users')),
    sa.ForeignKeyConstraint(['list_id'], ['destruction_lists.id'],
                            name=op.f('fk_destruction_items_list_id_destruction_lists')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_items')),
    sa.UniqueConstraint('list_id', 'object_type', 'object_id', name=op.f('uq_destruction_items_list_id_object_type_object_id'))
    )
    op.create_index('ix_destruction_items_object', 'destruction_items', ['object_type', 'object_id'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('redacted_at', new_column_name='contact_removed_at')
        batch_op.alter_column('postcode', existing_type=sa.String(length=6), nullable=True)
        batch_op.alter_column('house_number', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('attachments_removed_at', gdt.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('destruction_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('destroyed_at', gdt.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('destruction_list_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reports_destruction_list_id_destruction_lists'),
                                    'destruction_lists', ['destruction_list_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_reports_address_unless_destroyed'),
            "destroyed_at IS NOT NULL OR (postcode IS NOT NULL AND house_number IS NOT NULL)")
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_destruction_due_on', ['destruction_due_on'], unique=False,
                              postgresql_where=sa.text('destroyed_at IS NULL'),
                              sqlite_where=sa.text('destroyed_at IS NULL'))
        batch_op.create_index('ix_reports_contact_pending', ['triaged_at'], unique=False,
                              postgresql_where=sa.text('contact_removed_at IS NULL AND destroyed_at IS NULL'),
                              sqlite_where=sa.text('contact_removed_at IS NULL AND destroyed_at IS NULL'))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archive_nomination', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('destruction_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('destroyed_at', gdt.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('destruction_list_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cases_destruction_list_id_destruction_lists'),
                                    'destruction_lists', ['destruction_list_id'], ['id'])
        batch_op.create_index('ix_cases_destruction_due_on', ['destruction_due_on'], unique=False,
                              postgresql_where=sa.text('destroyed_at IS NULL'),
                              sqlite_where=sa.text('destroyed_at IS NULL'))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_key', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_chain_key_chain_seq'), ['chain_key', 'chain_seq'])
    op.create_table('audit_chain_heads',
    sa.Column('chain_key', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shard', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=True),
    sa.Column('destroyed_list_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['destroyed_list_id'], ['destruction_lists.id'],
                            name=op.f('fk_audit_chain_heads_destroyed_list_id_destruction_lists')),
    sa.PrimaryKeyConstraint('chain_key', name=op.f('pk_audit_chain_heads')),
    sa.UniqueConstraint('day', 'shard', name=op.f('uq_audit_chain_heads_day_shard'))
    )

    op.create_table('subject_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('kind', _enum('inspection', 'rectification', 'erasure', name='subject_request_kind'), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('subject_name', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('references', sa.JSON(), nullable=True),
    sa.Column('decision', _enum('granted', 'partly_granted', 'refused', name='subject_decision'), nullable=True),
    sa.Column('legal_ground', sa.Text(), nullable=True),
    sa.Column('decided_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.CheckConstraint('(decision IS NULL) = (decided_at IS NULL)', name=op.f('ck_subject_requests_decided_has_time')),
    sa.CheckConstraint('decision IS NULL OR decided_by_id IS NOT NULL',
                       name=op.f('ck_subject_requests_decided_has_actor')),
    sa.CheckConstraint("decision <> 'refused' OR legal_ground IS NOT NULL",
                       name=op.f('ck_subject_requests_refusal_has_ground')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_subject_requests_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_subject_requests_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_requests')),
    sa.UniqueConstraint('reference', name=op.f('uq_subject_requests_reference'))
    )


def downgrade():
    op.drop_table('subject_requests')
    op.drop_table('audit_chain_heads')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_chain_key_chain_seq'), type_='unique')
        batch_op.drop_column('chain_hash')
        batch_op.drop_column('chain_seq')
        batch_op.drop_column('chain_key')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_destruction_due_on', sqlite_where=sa.text('destroyed_at IS NULL'))
        batch_op.drop_constraint(batch_op.f('fk_cases_destruction_list_id_destruction_lists'), type_='foreignkey')
        batch_op.drop_column('destruction_list_id')
        batch_op.drop_column('destroyed_at')
        batch_op.drop_column('destruction_due_on')
        batch_op.drop_column('archive_nomination')
    # A destroyed report has no address any more: it cannot go back to a schema that requires one.
    destroyed = op.get_bind().execute(sa.text("SELECT count(*) FROM reports WHERE destroyed_at IS NOT NULL")).scalar()
    if destroyed:
        raise RuntimeError(f"{destroyed} reports were destroyed under a destruction list; this schema cannot hold them")
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_contact_pending')
        batch_op.drop_index('ix_reports_destruction_due_on')
        batch_op.drop_constraint(batch_op.f('ck_reports_address_unless_destroyed'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_reports_destruction_list_id_destruction_lists'), type_='foreignkey')
        batch_op.drop_column('destruction_list_id')
        batch_op.drop_column('destroyed_at')
        batch_op.drop_column('destruction_due_on')
        batch_op.drop_column('attachments_removed_at')
        batch_op.alter_column('house_number', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('postcode', existing_type=sa.String(length=6), nullable=False)
        batch_op.alter_column('contact_removed_at', new_column_name='redacted_at')
    op.drop_index('ix_destruction_items_object', table_name='destruction_items')
    op.drop_table('destruction_items')
    op.drop_table('destruction_lists')
    op.drop_index('ix_legal_holds_case_id_lifted_at', table_name='legal_holds')
    op.drop_table('legal_holds')
    op.drop_table('retention_rules')
    op.execute("UPDATE users SET is_active = false WHERE role IN ('archivist', 'privacy')")
    op.execute("DELETE FROM user_sessions WHERE user_id IN (SELECT id FROM users WHERE role IN ('archivist', 'privacy'))")
    op.execute("UPDATE users SET role = 'manager' WHERE role IN ('archivist', 'privacy')")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_user_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_user_role'), f"role IN ({ROLES_BEFORE})")
