"""questions to the resident and satisfaction

Revision ID: f4e5f6a7b8c9
Revises: f3d4e5f6a7b8
Create Date: 2026-12-08 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'f4e5f6a7b8c9'
down_revision = 'f3d4e5f6a7b8'
branch_labels = None
depends_on = None

OLD_KINDS = ('assigned', 'partner_answered', 'action_due', 'meeting_planned', 'triage_deadline')
NEW_KINDS = OLD_KINDS + ('resident_answered', 'low_satisfaction')
KIND_TABLES = ('notifications', 'notification_preferences')


def upgrade():
    op.create_table(
        'resident_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('asked_by_id', sa.Integer(), nullable=True),
        sa.Column('asked_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_at', gdt.db.UTCDateTime(), nullable=True),
        sa.Column('reminded_at', gdt.db.UTCDateTime(), nullable=True),
        sa.Column('withdrawn_at', gdt.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_resident_questions_asked_by_id_users')),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_resident_questions_report_id_reports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_questions')),
    )
    with op.batch_alter_table('resident_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_questions_report_id'), ['report_id'], unique=False)

    op.create_table(
        'satisfaction_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('answered_at', gdt.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_satisfaction_responses_score_range')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_satisfaction_responses_case_id_cases')),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'],
                                name=op.f('fk_satisfaction_responses_report_id_reports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_responses')),
        sa.UniqueConstraint('report_id', name=op.f('uq_satisfaction_responses_report_id')),
    )
    with op.batch_alter_table('satisfaction_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satisfaction_responses_case_id'), ['case_id'], unique=False)

    _notification_kinds(NEW_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM notifications WHERE kind IN ('resident_answered', 'low_satisfaction')"))
    op.execute(sa.text("DELETE FROM notification_preferences WHERE kind IN ('resident_answered', 'low_satisfaction')"))
    _notification_kinds(OLD_KINDS)
    with op.batch_alter_table('satisfaction_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_satisfaction_responses_case_id'))
    op.drop_table('satisfaction_responses')
    with op.batch_alter_table('resident_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_questions_report_id'))
    op.drop_table('resident_questions')


def _notification_kinds(kinds):
    """The kind's CHECK lists the kinds (gdt.db.enum_column): replaced on both tables that hold a kind."""
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    for table in KIND_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_notification_kind'), type_='check')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_notification_kind'), f"kind IN ({listed})")
