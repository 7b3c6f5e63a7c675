"""Categories get help text for residents, public or staff-only, their own triage deadline and a suggested partner

Existing categories stay as they were: public, no help text, the general triage norm, no suggestion.

Revision ID: d02d29f55704
Revises: 5b8e2f4c7d10
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd02d29f55704'
down_revision = '5b8e2f4c7d10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('categories') as batch_op:
        batch_op.add_column(sa.Column('help_text', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('is_public', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('triage_working_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('suggested_partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_categories_suggested_partner_id_partners'), 'partners',
                                    ['suggested_partner_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_categories_triage_working_days_range'),
            'triage_working_days IS NULL OR triage_working_days BETWEEN 1 AND 30')


def downgrade():
    with op.batch_alter_table('categories') as batch_op:
        batch_op.drop_constraint(op.f('ck_categories_triage_working_days_range'), type_='check')
        batch_op.drop_constraint(op.f('fk_categories_suggested_partner_id_partners'), type_='foreignkey')
        batch_op.drop_column('suggested_partner_id')
        batch_op.drop_column('triage_working_days')
        batch_op.drop_column('is_public')
        batch_op.drop_column('help_text')
