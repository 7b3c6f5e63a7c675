"""A partial index on reports of channel partner, by triage outcome, for the metrics' registration counts

Revision ID: 68a180e8f91a
Revises: d02d29f55704
Create Date: 2026-12-06 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '68a180e8f91a'
down_revision = 'd02d29f55704'
branch_labels = None
depends_on = None

PARTNER_CHANNEL = sa.text("channel = 'partner'")


def upgrade():
    op.create_index('ix_reports_partner_registrations', 'reports', ['triage_outcome'],
                    postgresql_where=PARTNER_CHANNEL, sqlite_where=PARTNER_CHANNEL)


def downgrade():
    op.drop_index('ix_reports_partner_registrations', table_name='reports')
