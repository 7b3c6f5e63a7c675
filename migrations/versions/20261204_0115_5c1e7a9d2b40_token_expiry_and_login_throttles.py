"""Personal API tokens expire (user_tokens.expires_at); failed logins counted per account (login_throttles)

Existing tokens get created_at + 90 days (the default TOKEN_LIFETIME_DAYS), so a token older than that stops
working when this migration runs: an old standing credential should not get a fresh lease.

Revision ID: 5c1e7a9d2b40
Revises: a84b03f9bf6f
Create Date: 2026-12-04 01:15:00

"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '5c1e7a9d2b40'
down_revision = 'a84b03f9bf6f'
branch_labels = None
depends_on = None

LIFETIME_DAYS = 90


def upgrade():
    with op.batch_alter_table('user_tokens') as batch_op:
        batch_op.add_column(sa.Column('expires_at', gdt.db.UTCDateTime(), nullable=True))
    tokens = sa.table('user_tokens', sa.column('id', sa.Integer), sa.column('created_at', gdt.db.UTCDateTime()),
                      sa.column('expires_at', gdt.db.UTCDateTime()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(tokens.c.id, tokens.c.created_at)).all()
    for token_id, created_at in rows:
        connection.execute(sa.update(tokens).where(tokens.c.id == token_id)
                           .values(expires_at=created_at + timedelta(days=LIFETIME_DAYS)))
    with op.batch_alter_table('user_tokens') as batch_op:
        batch_op.alter_column('expires_at', existing_type=gdt.db.UTCDateTime(), nullable=False)

    op.create_table('login_throttles',
    sa.Column('account_key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('blocked_until', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('last_failure_at', gdt.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('account_key', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('login_throttles') as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_last_failure_at'), ['last_failure_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_throttles') as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_last_failure_at'))
    op.drop_table('login_throttles')
    with op.batch_alter_table('user_tokens') as batch_op:
        batch_op.drop_column('expires_at')
