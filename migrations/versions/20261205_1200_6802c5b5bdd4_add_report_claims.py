"""add report claims: a coordinator takes a report to triage, colleagues see it, it lapses

Revision ID: 6802c5b5bdd4
Revises: 3e7c1d52a9b8
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '6802c5b5bdd4'
down_revision = '3e7c1d52a9b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_claims',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('claimed_at', gdt.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_claims_report_id_reports'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_claims_user_id_users')),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_report_claims'))
    )
    with op.batch_alter_table('report_claims') as batch_op:
        batch_op.create_index(batch_op.f('ix_report_claims_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_claims') as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_claims_user_id'))
    op.drop_table('report_claims')
