"""Case tallies per Amsterdam year, kept exact by triggers on cases (PostgreSQL), counted once from the cases there are

Revision ID: fa0d1e2f3a4b
Revises: f9c0d1e2f3a4
Create Date: 2026-12-10 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fa0d1e2f3a4b'
down_revision = 'f9c0d1e2f3a4'
branch_labels = None
depends_on = None

# The SQL of gdt/models/case_tallies.py as of this revision (a migration keeps its own copy).
POSTGRESQL_DDL = [
    """CREATE OR REPLACE FUNCTION gdt_case_tally_keys(
    p_received_at timestamp, p_opened_at timestamp, p_closed_at timestamp, p_source text, p_status text,
    p_mode text, p_result text)
RETURNS TABLE (year integer, facet text, source text, mode text, result text, minutes integer)
LANGUAGE sql STABLE AS $$
    SELECT k.year, k.facet, k.source, k.mode, k.result, k.minutes
    FROM (SELECT
            extract(year FROM p_received_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Amsterdam')::integer AS received,
            extract(year FROM p_closed_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Amsterdam')::integer AS closed
         ) AS y
    CROSS JOIN LATERAL (VALUES
        (y.received, 'cases', p_source, coalesce(p_mode, ''), '', 0, p_status <> 'merged'),
        (y.received, 'to_close', '', '', '', floor(extract(epoch FROM p_closed_at - p_received_at) / 60)::integer,
         p_status <> 'merged' AND p_closed_at IS NOT NULL),
        (y.closed, 'result', '', '', coalesce(p_result, ''), 0, p_status = 'closed'),
        (y.closed, 'open_to_close', '', coalesce(p_mode, ''), '',
         floor(extract(epoch FROM p_closed_at - p_opened_at) / 60)::integer, p_status = 'closed')
    ) AS k (year, facet, source, mode, result, minutes, counted)
    WHERE k.counted
$$""",
    """CREATE OR REPLACE FUNCTION gdt_case_tallies_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

        INSERT INTO case_tallies (year, facet, source, mode, result, minutes, count)
        SELECT k.year, k.facet, k.source, k.mode, k.result, k.minutes, sum(r.sign)
        FROM (SELECT 1 AS sign, * FROM new_rows) AS r
        CROSS JOIN LATERAL gdt_case_tally_keys(r.received_at, r.opened_at, r.closed_at, r.source::text,
                                               r.status::text, r.mode::text, r.result::text) AS k
        GROUP BY k.year, k.facet, k.source, k.mode, k.result, k.minutes
        HAVING sum(r.sign) <> 0;
    ELSIF TG_OP = 'DELETE' THEN

        INSERT INTO case_tallies (year, facet, source, mode, result, minutes, count)
        SELECT k.year, k.facet, k.source, k.mode, k.result, k.minutes, sum(r.sign)
        FROM (SELECT -1 AS sign, * FROM old_rows) AS r
        CROSS JOIN LATERAL gdt_case_tally_keys(r.received_at, r.opened_at, r.closed_at, r.source::text,
                                               r.status::text, r.mode::text, r.result::text) AS k
        GROUP BY k.year, k.facet, k.source, k.mode, k.result, k.minutes
        HAVING sum(r.sign) <> 0;
    ELSE

        INSERT INTO case_tallies (year, facet, source, mode, result, minutes, count)
        SELECT k.year, k.facet, k.source, k.mode, k.result, k.minutes, sum(r.sign)
        FROM (SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows) AS r
        CROSS JOIN LATERAL gdt_case_tally_keys(r.received_at, r.opened_at, r.closed_at, r.source::text,
                                               r.status::text, r.mode::text, r.result::text) AS k
        GROUP BY k.year, k.facet, k.source, k.mode, k.result, k.minutes
        HAVING sum(r.sign) <> 0;
    END IF;
    RETURN NULL;
END
$$""",
    """CREATE TRIGGER case_tallies_insert AFTER INSERT ON cases
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_case_tallies_track()""",
    """CREATE TRIGGER case_tallies_delete AFTER DELETE ON cases
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_case_tallies_track()""",
    """CREATE TRIGGER case_tallies_update AFTER UPDATE ON cases
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_case_tallies_track()""",
]

# Every existing case counted once, before the triggers count what comes next.
BACKFILL = """INSERT INTO case_tallies (year, facet, source, mode, result, minutes, count, compacted)
SELECT year, facet, source, mode, result, minutes, count(*), true FROM (SELECT k.* FROM (SELECT * FROM cases) AS r
        CROSS JOIN LATERAL gdt_case_tally_keys(r.received_at, r.opened_at, r.closed_at, r.source::text,
                                               r.status::text, r.mode::text, r.result::text) AS k) AS keys GROUP BY year, facet, source, mode, result, minutes"""


def upgrade():
    op.create_table('case_tallies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('facet', sa.String(length=13), nullable=False),
    sa.Column('source', sa.String(length=20), server_default='', nullable=False),
    sa.Column('mode', sa.String(length=20), server_default='', nullable=False),
    sa.Column('result', sa.String(length=40), server_default='', nullable=False),
    sa.Column('minutes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('compacted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("facet IN ('cases', 'to_close', 'result', 'open_to_close')",
                       name=op.f('ck_case_tallies_facet_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_tallies'))
    )
    with op.batch_alter_table('case_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_case_tallies_facet_year', ['facet', 'year'], unique=False)
        batch_op.create_index('ix_case_tallies_pending', ['year', 'facet'], unique=False,
                              postgresql_where=sa.text('NOT compacted'), sqlite_where=sa.text('NOT compacted'))

    if op.get_bind().dialect.name == 'postgresql':
        op.execute("LOCK TABLE cases IN SHARE MODE")  # no case may change between the count and the triggers
        for statement in POSTGRESQL_DDL:
            op.execute(statement)
        op.execute(BACKFILL)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for event in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER case_tallies_{event} ON cases")
        op.execute("DROP FUNCTION gdt_case_tallies_track()")
        op.execute("DROP FUNCTION gdt_case_tally_keys(timestamp, timestamp, timestamp, text, text, text, text)")
    with op.batch_alter_table('case_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_case_tallies_pending', postgresql_where=sa.text('NOT compacted'),
                            sqlite_where=sa.text('NOT compacted'))
        batch_op.drop_index('ix_case_tallies_facet_year')

    op.drop_table('case_tallies')
