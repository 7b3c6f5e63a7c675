"""outcome statistics

The cases closed in a year ("Werkt het?" on the statistics page); the reports at an address and with a BAG id
indexed with their time of receipt (recurrence after closing; each new index replaces the one it starts with); the
computed indicators of recurrence, durations per mode and satisfaction.

Revision ID: f6a7b8c9d0e1
Revises: f5f6a7b8c9d0
Create Date: 2026-12-08 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'f6a7b8c9d0e1'
down_revision = 'f5f6a7b8c9d0'
branch_labels = None
depends_on = None

SOURCES_BEFORE = ('reports_total', 'share_escalated', 'cases_total', 'median_days_to_triage', 'manual')
SOURCES_NOW = ('reports_total', 'share_escalated', 'cases_total', 'median_days_to_triage', 'recurrence_6_months',
               'recurrence_12_months', 'median_days_advice', 'median_days_regie', 'share_satisfied', 'manual')


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_status_closed_at', ['status', 'closed_at'], unique=False)
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_address_received', ['postcode', 'house_number', 'received_at'], unique=False,
                              postgresql_include=['case_id', 'bag_id', 'house_number_addition'])
        batch_op.create_index('ix_reports_bag_id_received', ['bag_id', 'received_at'], unique=False,
                              postgresql_include=['case_id'])
        batch_op.drop_index('ix_reports_address')
        batch_op.drop_index('ix_reports_bag_id')
    _sources(SOURCES_NOW)


def downgrade():
    op.execute(sa.text(f"DELETE FROM indicators WHERE source NOT IN ({_listed(SOURCES_BEFORE)})"))
    _sources(SOURCES_BEFORE)
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_bag_id', ['bag_id'], unique=False)
        batch_op.create_index('ix_reports_address', ['postcode', 'house_number'], unique=False)
        batch_op.drop_index('ix_reports_bag_id_received')
        batch_op.drop_index('ix_reports_address_received')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_closed_at')


def _sources(sources):
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_indicators_indicator_source'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_indicators_indicator_source'),
                                         f"source IN ({_listed(sources)})")


def _listed(values):
    return ", ".join(f"'{value}'" for value in values)
