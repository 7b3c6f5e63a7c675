"""A held meeting records the day it really took place (meetings.held_on)

Meetings held before this revision get their planned day (Amsterdam time): the best that is known.

Revision ID: 7d3e5b1a9c42
Revises: 6802c5b5bdd4
Create Date: 2026-12-05 13:00:00

"""
from datetime import UTC
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '7d3e5b1a9c42'
down_revision = '6802c5b5bdd4'
branch_labels = None
depends_on = None

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def upgrade():
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.add_column(sa.Column('held_on', sa.Date(), nullable=True))
    meetings = sa.table('meetings', sa.column('id', sa.Integer), sa.column('status', sa.String),
                        sa.column('starts_at', gdt.db.UTCDateTime()), sa.column('held_on', sa.Date))
    connection = op.get_bind()
    rows = connection.execute(sa.select(meetings.c.id, meetings.c.starts_at).where(meetings.c.status == 'held')).all()
    for meeting_id, starts_at in rows:
        day = (starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=UTC)).astimezone(AMSTERDAM).date()
        connection.execute(sa.update(meetings).where(meetings.c.id == meeting_id).values(held_on=day))
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_meetings_held_has_day'), "(status = 'held') = (held_on IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_meetings_held_has_day'), type_='check')
        batch_op.drop_column('held_on')
