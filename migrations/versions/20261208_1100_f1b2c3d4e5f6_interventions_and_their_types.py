"""interventions and their types

Revision ID: f1b2c3d4e5f6
Revises: f0a1b2c3d4e5
Create Date: 2026-12-08 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'f1b2c3d4e5f6'
down_revision = 'f0a1b2c3d4e5'
branch_labels = None
depends_on = None


INTERVENTION_STATUSES = ('proposed', 'decided', 'in_force', 'ended', 'withdrawn')
DECIDERS = ('coordinator', 'mayor')
INTERVENTION_OUTCOMES = ('effective', 'partly_effective', 'not_effective', 'unknown')


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    op.create_table(
        'intervention_types',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('legal_ground', sa.String(length=200), nullable=True),
        sa.Column('formal', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention_types')),
        sa.UniqueConstraint('code', name=op.f('uq_intervention_types_code')),
        sa.UniqueConstraint('name', name=op.f('uq_intervention_types_name')),
    )
    op.create_table(
        'interventions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('type_id', sa.Integer(), nullable=False),
        sa.Column('status', _enum(INTERVENTION_STATUSES, 'intervention_status'), nullable=False),
        sa.Column('legal_ground', sa.String(length=200), nullable=True),
        sa.Column('decided_by', _enum(DECIDERS, 'intervention_decider'), nullable=True),
        sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
        sa.Column('proposed_on', sa.Date(), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('in_force_on', sa.Date(), nullable=True),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('outcome', _enum(INTERVENTION_OUTCOMES, 'intervention_outcome'), nullable=True),
        sa.Column('outcome_note', sa.Text(), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_interventions_case_id_cases')),
        sa.ForeignKeyConstraint(['type_id'], ['intervention_types.id'],
                                name=op.f('fk_interventions_type_id_intervention_types')),
        sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'],
                                name=op.f('fk_interventions_decided_by_user_id_users')),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_interventions_partner_id_partners')),
        sa.ForeignKeyConstraint(['document_id'], ['case_documents.id'],
                                name=op.f('fk_interventions_document_id_case_documents')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_interventions_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions')),
    )
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_type_id'), ['type_id'], unique=False)


def downgrade():
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_type_id'))
        batch_op.drop_index(batch_op.f('ix_interventions_case_id'))
    op.drop_table('interventions')
    op.drop_table('intervention_types')
