"""Recurrence after closing kept per case: the first new report of each closed case, marks of what changed since,
written by triggers on reports, cases and person links, and tallies of the stored rows per day (PostgreSQL)

Revision ID: fc2f3a4b5c6d
Revises: fb1e2f3a4b5c
Create Date: 2026-12-12 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fc2f3a4b5c6d'
down_revision = 'fb1e2f3a4b5c'
branch_labels = None
depends_on = None

# The SQL of gdt/models/case_recurrence.py as of this revision (a migration keeps its own copy).
TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION gdt_recurrence_marks_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'reports' THEN
        IF TG_OP = 'INSERT' THEN
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM new_rows AS n
        CROSS JOIN LATERAL (VALUES ('report', n.id), ('case', n.case_id)) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL ;
        ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM old_rows AS o
        CROSS JOIN LATERAL (VALUES ('report', o.id), ('case', o.case_id)) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL ;
        ELSE
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES ('report', o.id), ('case', o.case_id), ('report', n.id), ('case', n.case_id)) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL AND ((o.received_at, o.case_id, o.bag_id, o.postcode, o.house_number, o.house_number_addition) IS DISTINCT FROM (n.received_at, n.case_id, n.bag_id, n.postcode, n.house_number, n.house_number_addition));
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'cases' THEN
        IF TG_OP = 'INSERT' THEN
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM new_rows AS n
        CROSS JOIN LATERAL (VALUES ('case', n.id)) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL ;
        ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM old_rows AS o
        CROSS JOIN LATERAL (VALUES ('case', o.id)) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL ;
        ELSE
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES ('case', o.id), ('case', n.id)) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL AND ((o.status, o.closed_at, o.destroyed_at) IS DISTINCT FROM (n.status, n.closed_at, n.destroyed_at));
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'person_links' THEN
        IF TG_OP = 'INSERT' THEN
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM new_rows AS n
        CROSS JOIN LATERAL (VALUES ('person', n.person_id), ('case', n.case_id), ('report', n.report_id)) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL ;
        ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM old_rows AS o
        CROSS JOIN LATERAL (VALUES ('person', o.person_id), ('case', o.case_id), ('report', o.report_id)) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL ;
        ELSE
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES ('person', o.person_id), ('case', o.case_id), ('report', o.report_id), ('person', n.person_id), ('case', n.case_id), ('report', n.report_id)) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL AND ((o.person_id, o.case_id, o.report_id) IS DISTINCT FROM (n.person_id, n.case_id, n.report_id));
        END IF;
    END IF;
    RETURN NULL;
END
$$"""
TRIGGERS = [
    """CREATE TRIGGER recurrence_marks_insert AFTER INSERT ON reports REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_marks_track()""",
    """CREATE TRIGGER recurrence_marks_delete AFTER DELETE ON reports REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_marks_track()""",
    """CREATE TRIGGER recurrence_marks_update AFTER UPDATE ON reports REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_marks_track()""",
    """CREATE TRIGGER recurrence_marks_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_marks_track()""",
    """CREATE TRIGGER recurrence_marks_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_marks_track()""",
    """CREATE TRIGGER recurrence_marks_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_marks_track()""",
    """CREATE TRIGGER recurrence_marks_insert AFTER INSERT ON person_links REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_marks_track()""",
    """CREATE TRIGGER recurrence_marks_delete AFTER DELETE ON person_links REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_marks_track()""",
    """CREATE TRIGGER recurrence_marks_update AFTER UPDATE ON person_links REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_marks_track()""",
]
TALLY_FUNCTION = """CREATE OR REPLACE FUNCTION gdt_recurrence_tallies_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO recurrence_tallies (year, day, destroyed, recurred_6, recurred_12, count)
        SELECT r.year, r.closed_at::date, r.destroyed,
               coalesce(r.first_new_at <= r.closed_at + interval '6 months', false),
               coalesce(r.first_new_at <= r.closed_at + interval '12 months', false), sum(r.sign)
        FROM (SELECT 1 AS sign, * FROM new_rows) AS r
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(r.sign) <> 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO recurrence_tallies (year, day, destroyed, recurred_6, recurred_12, count)
        SELECT r.year, r.closed_at::date, r.destroyed,
               coalesce(r.first_new_at <= r.closed_at + interval '6 months', false),
               coalesce(r.first_new_at <= r.closed_at + interval '12 months', false), sum(r.sign)
        FROM (SELECT -1 AS sign, * FROM old_rows) AS r
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(r.sign) <> 0;
    ELSE
        INSERT INTO recurrence_tallies (year, day, destroyed, recurred_6, recurred_12, count)
        SELECT r.year, r.closed_at::date, r.destroyed,
               coalesce(r.first_new_at <= r.closed_at + interval '6 months', false),
               coalesce(r.first_new_at <= r.closed_at + interval '12 months', false), sum(r.sign)
        FROM (SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows) AS r
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(r.sign) <> 0;
    END IF;
    RETURN NULL;
END
$$"""
TALLY_TRIGGERS = [
    """CREATE TRIGGER recurrence_tallies_insert AFTER INSERT ON case_recurrence REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_tallies_track()""",
    """CREATE TRIGGER recurrence_tallies_delete AFTER DELETE ON case_recurrence REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_tallies_track()""",
    """CREATE TRIGGER recurrence_tallies_update AFTER UPDATE ON case_recurrence REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_recurrence_tallies_track()""",
]
TABLES = ('reports', 'cases', 'person_links')
# Every closed case marked: the first compaction (within five minutes, or `flask tallies compact`) stores them all;
# until then the statistics compute recurrence live, as before.
MARK_CLOSED_CASES = "INSERT INTO recurrence_marks (kind, ref_id) SELECT 'case', id FROM cases WHERE status = 'closed'"


def upgrade():
    op.create_table('case_recurrence',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('destroyed', sa.Boolean(), nullable=False),
    sa.Column('first_new_at', sa.DateTime(), nullable=True),
    sa.Column('first_new_report_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_recurrence_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_recurrence'))
    )
    with op.batch_alter_table('case_recurrence', schema=None) as batch_op:
        batch_op.create_index('ix_case_recurrence_closed_at', ['closed_at'], unique=False)
        batch_op.create_index('ix_case_recurrence_first_new_report', ['first_new_report_id'], unique=False)
    op.create_table('recurrence_tallies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('destroyed', sa.Boolean(), nullable=False),
    sa.Column('recurred_6', sa.Boolean(), nullable=False),
    sa.Column('recurred_12', sa.Boolean(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('compacted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurrence_tallies'))
    )
    with op.batch_alter_table('recurrence_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_recurrence_tallies_year_day', ['year', 'day'], unique=False)
        batch_op.create_index('ix_recurrence_tallies_pending', ['year'], unique=False,
                              postgresql_where=sa.text('NOT compacted'), sqlite_where=sa.text('NOT compacted'))
    op.create_table('recurrence_marks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=6), nullable=False),
    sa.Column('ref_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind IN ('case', 'report', 'person')", name=op.f('ck_recurrence_marks_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurrence_marks'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("LOCK TABLE reports, cases, person_links IN SHARE MODE")  # nothing changes unmarked meanwhile
        op.execute(TRIGGER_FUNCTION)
        for statement in (*TRIGGERS, TALLY_FUNCTION, *TALLY_TRIGGERS):
            op.execute(statement)
        op.execute(MARK_CLOSED_CASES)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            for event in ('insert', 'delete', 'update'):
                op.execute(f"DROP TRIGGER recurrence_marks_{event} ON {table}")
        op.execute("DROP FUNCTION gdt_recurrence_marks_track()")
        for event in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER recurrence_tallies_{event} ON case_recurrence")
        op.execute("DROP FUNCTION gdt_recurrence_tallies_track()")
    op.drop_table('recurrence_marks')
    with op.batch_alter_table('recurrence_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_recurrence_tallies_pending')
        batch_op.drop_index('ix_recurrence_tallies_year_day')
    op.drop_table('recurrence_tallies')
    with op.batch_alter_table('case_recurrence', schema=None) as batch_op:
        batch_op.drop_index('ix_case_recurrence_first_new_report')
        batch_op.drop_index('ix_case_recurrence_closed_at')
    op.drop_table('case_recurrence')
