"""Case tallies per Amsterdam year, kept exact by triggers on cases (PostgreSQL), counted once from the cases there
are; durations of both tallies also per hour and per day

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
CASE_DDL = [
    """CREATE OR REPLACE FUNCTION gdt_case_tally_keys(
    p_received_at timestamp, p_opened_at timestamp, p_closed_at timestamp, p_source text, p_status text,
    p_mode text, p_result text)
RETURNS TABLE (year integer, facet text, source text, mode text, result text, minutes integer)
LANGUAGE sql STABLE AS $$
    SELECT k.year, k.facet, k.source, k.mode, k.result, k.minutes
    FROM (SELECT
            extract(year FROM p_received_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Amsterdam')::integer AS received,
            extract(year FROM p_closed_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Amsterdam')::integer AS closed,
            extract(epoch FROM p_closed_at - p_received_at) AS to_close,
            extract(epoch FROM p_closed_at - p_opened_at) AS open_to_close,
            p_status <> 'merged' AND p_closed_at IS NOT NULL AS closed_case,
            p_status = 'closed' AS closed_now
         ) AS y
    CROSS JOIN LATERAL (VALUES
        (y.received, 'cases', p_source, coalesce(p_mode, ''), '', 0, p_status <> 'merged'),
        (y.received, 'to_close', '', '', '', floor(y.to_close / 60)::integer, y.closed_case),
        (y.received, 'to_close_h', '', '', '', floor(y.to_close / 3600)::integer * 60, y.closed_case),
        (y.received, 'to_close_d', '', '', '', floor(y.to_close / 86400)::integer * 1440, y.closed_case),
        (y.closed, 'result', '', '', coalesce(p_result, ''), 0, y.closed_now),
        (y.closed, 'open_to_close', '', coalesce(p_mode, ''), '', floor(y.open_to_close / 60)::integer, y.closed_now),
        (y.closed, 'open_to_close_h', '', coalesce(p_mode, ''), '', floor(y.open_to_close / 3600)::integer * 60,
         y.closed_now),
        (y.closed, 'open_to_close_d', '', coalesce(p_mode, ''), '', floor(y.open_to_close / 86400)::integer * 1440,
         y.closed_now)
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
CASE_BACKFILL = """INSERT INTO case_tallies (year, facet, source, mode, result, minutes, count, compacted)
SELECT year, facet, source, mode, result, minutes, count(*), true FROM (SELECT k.* FROM (SELECT * FROM cases) AS r
        CROSS JOIN LATERAL gdt_case_tally_keys(r.received_at, r.opened_at, r.closed_at, r.source::text,
                                               r.status::text, r.mode::text, r.result::text) AS k) AS keys GROUP BY year, facet, source, mode, result, minutes"""

# gdt/models/tallies.py as of this revision: time to triage per hour (triage_h) and per day (triage_d) too.
REPORT_KEYS_FUNCTION = """CREATE OR REPLACE FUNCTION gdt_report_tally_keys(
    p_received_at timestamp, p_channel text, p_outcome text, p_partner integer, p_category integer,
    p_wijk text, p_buurt text, p_triaged_at timestamp)
RETURNS TABLE (period integer, facet text, channel text, triage_outcome text, referred_partner_id integer,
               category_id integer, wijk_code text, buurt_code text, minutes integer)
LANGUAGE sql STABLE AS $$
    SELECT k.period, k.facet, k.channel, k.outcome, k.partner, k.category, k.wijk, k.buurt, k.minutes
    FROM (SELECT to_char(p_received_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Amsterdam', 'YYYYMM')::integer
          AS month, extract(epoch FROM p_triaged_at - p_received_at) AS seconds) AS m
    CROSS JOIN LATERAL (VALUES
        (m.month, 'funnel', p_channel, coalesce(p_outcome, ''), coalesce(p_partner, 0), 0, '', '', 0),
        (m.month / 100 * 100, 'category', '', '', 0, coalesce(p_category, 0), '', '', 0),
        (m.month / 100 * 100, 'area', '', '', 0, 0, coalesce(p_wijk, ''), coalesce(p_buurt, ''), 0),
        (m.month / 100 * 100, 'triage', '', '', 0, 0, '', '', floor(m.seconds / 60)::integer),
        (m.month / 100 * 100, 'triage_h', '', '', 0, 0, '', '', floor(m.seconds / 3600)::integer * 60),
        (m.month / 100 * 100, 'triage_d', '', '', 0, 0, '', '', floor(m.seconds / 86400)::integer * 1440)
    ) AS k (period, facet, channel, outcome, partner, category, wijk, buurt, minutes)
    WHERE p_channel <> 'partner' AND (k.facet NOT LIKE 'triage%' OR p_triaged_at IS NOT NULL)
$$"""
REPORT_FACETS_BEFORE = "facet IN ('funnel', 'category', 'area', 'triage')"
REPORT_FACETS = "facet IN ('funnel', 'category', 'area', 'triage', 'triage_h', 'triage_d')"
# The hours and days of the reports already counted, summed from their minutes (floor(minutes / 60) × 60, …).
REPORT_BACKFILL = """INSERT INTO report_tallies (period, facet, minutes, count, compacted)
SELECT period, level.facet, minutes - ((minutes % level.size) + level.size) % level.size, sum(count), true
FROM report_tallies CROSS JOIN (VALUES ('triage_h', 60), ('triage_d', 1440)) AS level (facet, size)
WHERE report_tallies.facet = 'triage'
GROUP BY 1, 2, 3 HAVING sum(count) <> 0"""
# The key function of revision bdd98ecda339, for the downgrade.
REPORT_KEYS_FUNCTION_BEFORE = """CREATE OR REPLACE FUNCTION gdt_report_tally_keys(
    p_received_at timestamp, p_channel text, p_outcome text, p_partner integer, p_category integer,
    p_wijk text, p_buurt text, p_triaged_at timestamp)
RETURNS TABLE (period integer, facet text, channel text, triage_outcome text, referred_partner_id integer,
               category_id integer, wijk_code text, buurt_code text, minutes integer)
LANGUAGE sql STABLE AS $$
    SELECT k.period, k.facet, k.channel, k.outcome, k.partner, k.category, k.wijk, k.buurt, k.minutes
    FROM (SELECT to_char(p_received_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Amsterdam', 'YYYYMM')::integer
          AS month) AS m
    CROSS JOIN LATERAL (VALUES
        (m.month, 'funnel', p_channel, coalesce(p_outcome, ''), coalesce(p_partner, 0), 0, '', '', 0),
        (m.month / 100 * 100, 'category', '', '', 0, coalesce(p_category, 0), '', '', 0),
        (m.month / 100 * 100, 'area', '', '', 0, 0, coalesce(p_wijk, ''), coalesce(p_buurt, ''), 0),
        (m.month / 100 * 100, 'triage', '', '', 0, 0, '', '',
         floor(extract(epoch FROM p_triaged_at - p_received_at) / 60)::integer)
    ) AS k (period, facet, channel, outcome, partner, category, wijk, buurt, minutes)
    WHERE p_channel <> 'partner' AND (k.facet <> 'triage' OR p_triaged_at IS NOT NULL)
$$"""


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:  # no report or case may change between the counts and the new triggers
        op.execute("LOCK TABLE reports, cases IN SHARE MODE")
    op.create_table('case_tallies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('facet', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), server_default='', nullable=False),
    sa.Column('mode', sa.String(length=20), server_default='', nullable=False),
    sa.Column('result', sa.String(length=40), server_default='', nullable=False),
    sa.Column('minutes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('compacted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("facet IN ('cases', 'to_close', 'to_close_h', 'to_close_d', 'result', 'open_to_close', "
                       "'open_to_close_h', 'open_to_close_d')", name=op.f('ck_case_tallies_facet_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_tallies'))
    )
    with op.batch_alter_table('case_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_case_tallies_facet_year_minutes', ['facet', 'year', 'minutes'], unique=False)
        batch_op.create_index('ix_case_tallies_pending', ['year', 'facet'], unique=False,
                              postgresql_where=sa.text('NOT compacted'), sqlite_where=sa.text('NOT compacted'))
    with op.batch_alter_table('report_tallies', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_report_tallies_facet_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_report_tallies_facet_known'), REPORT_FACETS)
        batch_op.drop_index('ix_report_tallies_facet_period')
        batch_op.create_index('ix_report_tallies_facet_period_minutes', ['facet', 'period', 'minutes'], unique=False)

    if postgresql:
        for statement in CASE_DDL:
            op.execute(statement)
        op.execute(CASE_BACKFILL)
        op.execute(REPORT_KEYS_FUNCTION)
        op.execute(REPORT_BACKFILL)


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        op.execute("LOCK TABLE reports IN SHARE MODE")
        op.execute(REPORT_KEYS_FUNCTION_BEFORE)
        for event in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER case_tallies_{event} ON cases")
        op.execute("DROP FUNCTION gdt_case_tallies_track()")
        op.execute("DROP FUNCTION gdt_case_tally_keys(timestamp, timestamp, timestamp, text, text, text, text)")
    op.execute("DELETE FROM report_tallies WHERE facet IN ('triage_h', 'triage_d')")
    with op.batch_alter_table('report_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_report_tallies_facet_period_minutes')
        batch_op.create_index('ix_report_tallies_facet_period', ['facet', 'period'], unique=False)
        batch_op.drop_constraint(op.f('ck_report_tallies_facet_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_report_tallies_facet_known'), REPORT_FACETS_BEFORE)
    with op.batch_alter_table('case_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_case_tallies_pending', postgresql_where=sa.text('NOT compacted'),
                            sqlite_where=sa.text('NOT compacted'))
        batch_op.drop_index('ix_case_tallies_facet_year_minutes')

    op.drop_table('case_tallies')
