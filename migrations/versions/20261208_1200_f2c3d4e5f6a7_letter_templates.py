"""letter templates

Revision ID: f2c3d4e5f6a7
Revises: f1b2c3d4e5f6
Create Date: 2026-12-08 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db
# Plain data (name, is_decision, subject, body), shared with `flask setup`: one definition of what a new
# installation starts with.
from gdt.services.letters.defaults import DEFAULT_TEMPLATES


# revision identifiers, used by Alembic.
revision = 'f2c3d4e5f6a7'
down_revision = 'f1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'letter_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('is_decision', sa.Boolean(), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_letter_templates_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_templates')),
        sa.UniqueConstraint('name', name=op.f('uq_letter_templates_name')),
    )

    now = sa.func.current_timestamp()
    table = sa.table('letter_templates', sa.column('name'), sa.column('is_decision'), sa.column('subject'),
                     sa.column('body'), sa.column('is_active'), sa.column('version'), sa.column('updated_at'))
    for name, is_decision, subject, body in DEFAULT_TEMPLATES:
        op.execute(table.insert().values(name=name, is_decision=is_decision, subject=subject, body=body,
                                         is_active=True, version=1, updated_at=now))


def downgrade():
    op.drop_table('letter_templates')
