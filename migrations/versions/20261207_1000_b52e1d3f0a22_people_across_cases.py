"""people linked to several cases and reports

Revision ID: b52e1d3f0a22
Revises: a41f0c2d9e11
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'b52e1d3f0a22'
down_revision = 'a41f0c2d9e11'
branch_labels = None
depends_on = None


ROLES = ('subject', 'reporter', 'household', 'other')
NOT_MERGED = sa.text('merged_into_id IS NULL')
IN_CASE = sa.text('case_id IS NOT NULL')
IN_REPORT = sa.text('report_id IS NOT NULL')


def upgrade():
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('name_key', sa.String(length=120), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', gdt.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_people_created_by_id_users')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['people.id'], name=op.f('fk_people_merged_into_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index('ix_people_phone', ['phone'], unique=False,
                              postgresql_where=NOT_MERGED, sqlite_where=NOT_MERGED)
        batch_op.create_index('ix_people_email', [sa.text('lower(email)')], unique=False,
                              postgresql_where=NOT_MERGED, sqlite_where=NOT_MERGED)
        batch_op.create_index('ix_people_name_key', ['name_key'], unique=False,
                              postgresql_where=NOT_MERGED, sqlite_where=NOT_MERGED)

    # The search index on names (gdt.models.search), whose migration ran before this table existed.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX IF NOT EXISTS ix_search_people_name ON people USING gin "
                   "(gdt_search_fold(name) gin_trgm_ops)")

    op.create_table('person_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('postcode', sa.String(length=6), nullable=False),
    sa.Column('house_number', sa.Integer(), nullable=False),
    sa.Column('house_number_addition', sa.String(length=6), nullable=True),
    sa.Column('street', sa.String(length=120), nullable=True),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_addresses_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_addresses'))
    )
    with op.batch_alter_table('person_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_addresses_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_person_addresses_address', ['postcode', 'house_number'], unique=False)

    op.create_table('person_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Enum(*ROLES, name='person_role', native_enum=False, create_constraint=True, length=20),
              nullable=False),
    sa.Column('added_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(case_id IS NULL) <> (report_id IS NULL)', name=op.f('ck_person_links_person_link_one_owner')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_person_links_added_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_person_links_case_id_cases')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_links_person_id_people')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_person_links_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_links'))
    )
    with op.batch_alter_table('person_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_links_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_links_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_links_report_id'), ['report_id'], unique=False)
        batch_op.create_index('uq_person_links_case', ['person_id', 'case_id', 'role'], unique=True,
                              postgresql_where=IN_CASE, sqlite_where=IN_CASE)
        batch_op.create_index('uq_person_links_report', ['person_id', 'report_id', 'role'], unique=True,
                              postgresql_where=IN_REPORT, sqlite_where=IN_REPORT)

    op.create_table('person_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', gdt.db.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_person_events_actor_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_events_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_events'))
    )
    with op.batch_alter_table('person_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_events_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_parties_person_id'), ['person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_case_parties_person_id_people'), 'people', ['person_id'], ['id'])


def downgrade():
    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_parties_person_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_parties_person_id'))
        batch_op.drop_column('person_id')
    op.drop_table('person_events')
    op.drop_table('person_links')
    op.drop_table('person_addresses')
    op.drop_table('people')
