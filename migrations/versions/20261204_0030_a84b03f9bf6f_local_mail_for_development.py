"""Local mail: what the app would have sent, kept in the database in development and the demo without an SMTP
server (MAIL_TRANSPORT=local), newest MAIL_LOCAL_KEEP only

Revision ID: a84b03f9bf6f
Revises: fec0e18875a0
Create Date: 2026-12-04 00:30:31.581499

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'a84b03f9bf6f'
down_revision = 'fec0e18875a0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('local_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sent_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=998), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_local_mail'))
    )


def downgrade():
    op.drop_table('local_mail')
