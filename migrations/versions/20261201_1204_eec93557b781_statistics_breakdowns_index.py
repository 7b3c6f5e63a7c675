"""An index that covers the statistics page's categories, wijken and time to triage (index-only scans)

Revision ID: eec93557b781
Revises: 0f66bb240df2
Create Date: 2026-12-01 12:04:36.742383

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'eec93557b781'
down_revision = '0f66bb240df2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_breakdowns', ['received_at', 'channel', 'category_id', 'wijk_code', 'triaged_at'], unique=False)



def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_breakdowns')

