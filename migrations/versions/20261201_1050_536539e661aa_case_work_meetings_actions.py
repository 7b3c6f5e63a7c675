"""Case work: parties, meetings, actions, configurable case results, shareable notes, partner contacts,
regie kind, merged cases (status 'merged', excluded from the case counts by the statistics index)

Revision ID: 536539e661aa
Revises: 6ca09e67763c
Create Date: 2026-12-01 10:50:32.878130

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = '536539e661aa'
down_revision = '6ca09e67763c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_results',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('needs_reason', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_case_results'))
    )
    op.create_table('case_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('subject', 'reporter', 'household', 'other', name='party_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('added_at', gdt.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_parties_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_parties'))
    )
    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_parties_case_id'), ['case_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('planned', 'held', 'cancelled', name='meeting_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status <> 'cancelled' OR cancel_reason IS NOT NULL", name=op.f('ck_meetings_cancelled_has_reason')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_meetings_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_case_starts_at', ['case_id', 'starts_at'], unique=False)

    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_partner_id', sa.Integer(), nullable=True),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('due_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'dropped', name='action_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('progress', sa.Text(), nullable=True),
    sa.Column('drop_reason', sa.String(length=500), nullable=True),
    sa.Column('finished_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('carried_over', sa.Boolean(), nullable=False),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'open') = (finished_at IS NULL)", name=op.f('ck_actions_finished_unless_open')),
    sa.CheckConstraint("status <> 'dropped' OR drop_reason IS NOT NULL", name=op.f('ck_actions_dropped_has_reason')),
    sa.CheckConstraint('(owner_partner_id IS NULL) <> (owner_user_id IS NULL)', name=op.f('ck_actions_one_owner')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_actions_case_id_cases')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_actions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['owner_partner_id'], ['partners.id'], name=op.f('fk_actions_owner_partner_id_partners')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_actions_owner_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_owner_partner_id'), ['owner_partner_id'], unique=False)
        batch_op.create_index('ix_actions_status_due_at', ['status', 'due_at'], unique=False)

    op.create_table('meeting_invitees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.CheckConstraint('(partner_id IS NULL) <> (name IS NULL)', name=op.f('ck_meeting_invitees_partner_or_person')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_invitees_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_meeting_invitees_partner_id_partners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_invitees')),
    sa.UniqueConstraint('meeting_id', 'partner_id', name=op.f('uq_meeting_invitees_meeting_id_partner_id'))
    )
    with op.batch_alter_table('meeting_invitees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_invitees_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_invitees_partner_id'), ['partner_id'], unique=False)

    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shareable', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('case_partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regie_kind', sa.Enum('casus', 'proces', name='regie_kind', native_enum=False, create_constraint=True, length=20), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_cases_statistics'))
        batch_op.create_index('ix_cases_statistics', ['received_at', 'source', 'mode', 'status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_merged_into_id_cases'), 'cases', ['merged_into_id'], ['id'])
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_cases_case_status'), type_='check')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_cases_case_status'), "status IN ('open', 'closed', 'merged')")
        batch_op.create_check_constraint(batch_op.f('ck_cases_regie_kind_only_for_regie'),
                                         "regie_kind IS NULL OR mode = 'regie'")
        batch_op.create_check_constraint(batch_op.f('ck_cases_merged_has_target'),
                                         "(status = 'merged') = (merged_into_id IS NOT NULL)")

    op.bulk_insert(sa.table('case_results', sa.column('key'), sa.column('label'), sa.column('needs_reason'),
                            sa.column('position'), sa.column('is_active')), [
        {"key": "de-escalated", "label": "Gede-escaleerd", "needs_reason": False, "position": 0, "is_active": True},
        {"key": "handled-by-partner", "label": "Afgehandeld door ketenpartner", "needs_reason": False, "position": 1,
         "is_active": True},
        {"key": "handed-over-zvh", "label": "Overgedragen aan Zorg- en Veiligheidshuis", "needs_reason": False,
         "position": 2, "is_active": True},
        {"key": "stopped", "label": "Gestopt", "needs_reason": True, "position": 3, "is_active": True},
        {"key": "imported", "label": "Onbekend (historische import)", "needs_reason": False, "position": 99,
         "is_active": False},
    ])


def downgrade():
    op.execute("UPDATE cases SET status = 'closed', closed_at = COALESCE(closed_at, opened_at), "
               "result = COALESCE(result, 'stopped'), merged_into_id = NULL WHERE status = 'merged'")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_cases_merged_has_target'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_cases_regie_kind_only_for_regie'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_cases_regie_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_cases_case_status'), type_='check')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_cases_case_status'), "status IN ('open', 'closed')")
        batch_op.drop_constraint(batch_op.f('fk_cases_merged_into_id_cases'), type_='foreignkey')
        batch_op.drop_index('ix_cases_statistics')
        batch_op.create_index(batch_op.f('ix_cases_statistics'), ['received_at', 'source', 'mode'], unique=False)
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('regie_kind')

    with op.batch_alter_table('case_partners', schema=None) as batch_op:
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_name')

    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_column('shareable')

    with op.batch_alter_table('meeting_invitees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_invitees_partner_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_invitees_meeting_id'))

    op.drop_table('meeting_invitees')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_status_due_at')
        batch_op.drop_index(batch_op.f('ix_actions_owner_partner_id'))
        batch_op.drop_index(batch_op.f('ix_actions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_actions_case_id'))

    op.drop_table('actions')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_case_starts_at')

    op.drop_table('meetings')
    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_parties_case_id'))

    op.drop_table('case_parties')
    op.drop_table('case_results')
