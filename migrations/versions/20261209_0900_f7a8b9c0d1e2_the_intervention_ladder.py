"""the intervention ladder

Seeds the rungs of the escalation ladder (gdt.services.interventions.defaults) that are not there by code.

Revision ID: f7a8b9c0d1e2
Revises: f6a7b8c9d0e1
Create Date: 2026-12-09 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from gdt.services.interventions.defaults import DEFAULT_TYPES


# revision identifiers, used by Alembic.
revision = 'f7a8b9c0d1e2'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None

TABLE = sa.table('intervention_types', sa.column('id'), sa.column('code'), sa.column('name'), sa.column('legal_ground'),
                 sa.column('formal'), sa.column('position'), sa.column('active'))


def upgrade():
    connection = op.get_bind()
    present = set(connection.scalars(sa.select(TABLE.c.code)))
    names = set(connection.scalars(sa.select(TABLE.c.name)))
    for code, name, legal_ground, formal, position in DEFAULT_TYPES:
        if code not in present and name not in names:
            op.execute(TABLE.insert().values(code=code, name=name, legal_ground=legal_ground, formal=formal,
                                             position=position, active=True))


def downgrade():
    # Only the rungs nobody used: an intervention keeps its type.
    interventions = sa.table('interventions', sa.column('type_id'))
    op.execute(TABLE.delete().where(TABLE.c.code.in_([row[0] for row in DEFAULT_TYPES]),
                                    TABLE.c.id.not_in(sa.select(interventions.c.type_id))))
