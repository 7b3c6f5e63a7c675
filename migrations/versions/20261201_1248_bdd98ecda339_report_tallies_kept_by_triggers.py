"""Report tallies per Amsterdam month or year, kept exact by triggers on reports (PostgreSQL); the breakdowns
index goes

Revision ID: bdd98ecda339
Revises: eec93557b781
Create Date: 2026-12-01 12:48:41.609969

"""
from alembic import op
import sqlalchemy as sa

import gdt.db  # noqa: F401  (autogenerate writes gdt.db.UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'bdd98ecda339'
down_revision = 'eec93557b781'
branch_labels = None
depends_on = None

# The SQL of gdt/models/tallies.py as of this revision (a migration keeps its own copy).
POSTGRESQL_DDL = [
    """CREATE OR REPLACE FUNCTION gdt_report_tally_keys(
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
$$""",
    """CREATE OR REPLACE FUNCTION gdt_report_tallies_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN

        INSERT INTO report_tallies (period, facet, channel, triage_outcome, referred_partner_id, category_id, wijk_code, buurt_code, minutes, count)
        SELECT k.period, k.facet, k.channel, k.triage_outcome, k.referred_partner_id, k.category_id, k.wijk_code,
               k.buurt_code, k.minutes, sum(r.sign)
        FROM (SELECT 1 AS sign, * FROM new_rows) AS r
        CROSS JOIN LATERAL gdt_report_tally_keys(r.received_at, r.channel::text, r.triage_outcome::text, r.referred_partner_id, r.category_id, r.wijk_code::text, r.buurt_code::text, r.triaged_at) AS k
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        HAVING sum(r.sign) <> 0;
    ELSIF TG_OP = 'DELETE' THEN

        INSERT INTO report_tallies (period, facet, channel, triage_outcome, referred_partner_id, category_id, wijk_code, buurt_code, minutes, count)
        SELECT k.period, k.facet, k.channel, k.triage_outcome, k.referred_partner_id, k.category_id, k.wijk_code,
               k.buurt_code, k.minutes, sum(r.sign)
        FROM (SELECT -1 AS sign, * FROM old_rows) AS r
        CROSS JOIN LATERAL gdt_report_tally_keys(r.received_at, r.channel::text, r.triage_outcome::text, r.referred_partner_id, r.category_id, r.wijk_code::text, r.buurt_code::text, r.triaged_at) AS k
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        HAVING sum(r.sign) <> 0;
    ELSE

        INSERT INTO report_tallies (period, facet, channel, triage_outcome, referred_partner_id, category_id, wijk_code, buurt_code, minutes, count)
        SELECT k.period, k.facet, k.channel, k.triage_outcome, k.referred_partner_id, k.category_id, k.wijk_code,
               k.buurt_code, k.minutes, sum(r.sign)
        FROM (SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows) AS r
        CROSS JOIN LATERAL gdt_report_tally_keys(r.received_at, r.channel::text, r.triage_outcome::text, r.referred_partner_id, r.category_id, r.wijk_code::text, r.buurt_code::text, r.triaged_at) AS k
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        HAVING sum(r.sign) <> 0;
    END IF;
    RETURN NULL;
END
$$""",
    """CREATE TRIGGER report_tallies_insert AFTER INSERT ON reports
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_report_tallies_track()""",
    """CREATE TRIGGER report_tallies_delete AFTER DELETE ON reports
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_report_tallies_track()""",
    """CREATE TRIGGER report_tallies_update AFTER UPDATE ON reports
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gdt_report_tallies_track()""",
]

# Every existing report counted once, before the triggers count what comes next.
BACKFILL = """INSERT INTO report_tallies (period, facet, channel, triage_outcome, referred_partner_id, category_id, wijk_code, buurt_code, minutes, count, compacted)
SELECT period, facet, channel, triage_outcome, referred_partner_id, category_id, wijk_code, buurt_code, minutes, count(*), true FROM (
    SELECT k.*
    FROM reports AS r
    CROSS JOIN LATERAL gdt_report_tally_keys(r.received_at, r.channel::text, r.triage_outcome::text,
                                             r.referred_partner_id, r.category_id, r.wijk_code::text,
                                             r.buurt_code::text, r.triaged_at) AS k) AS keys GROUP BY period, facet, channel, triage_outcome, referred_partner_id, category_id, wijk_code, buurt_code, minutes"""


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('report_tallies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('facet', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=20), server_default='', nullable=False),
    sa.Column('triage_outcome', sa.String(length=20), server_default='', nullable=False),
    sa.Column('referred_partner_id', sa.Integer(), server_default='0', nullable=False),
    sa.Column('category_id', sa.Integer(), server_default='0', nullable=False),
    sa.Column('wijk_code', sa.String(length=10), server_default='', nullable=False),
    sa.Column('buurt_code', sa.String(length=10), server_default='', nullable=False),
    sa.Column('minutes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('compacted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("facet IN ('funnel', 'category', 'area', 'triage')", name=op.f('ck_report_tallies_facet_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_tallies'))
    )
    with op.batch_alter_table('report_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_report_tallies_facet_period', ['facet', 'period'], unique=False)
        batch_op.create_index('ix_report_tallies_pending', ['period', 'facet'], unique=False, postgresql_where=sa.text('NOT compacted'), sqlite_where=sa.text('NOT compacted'))

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_breakdowns'))

    # ### end Alembic commands ###
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("LOCK TABLE reports IN SHARE MODE")  # no report may slip between the count and the triggers
        for statement in POSTGRESQL_DDL:
            op.execute(statement)
        op.execute(BACKFILL)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for event in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER report_tallies_{event} ON reports")
        op.execute("DROP FUNCTION gdt_report_tallies_track()")
        op.execute("DROP FUNCTION gdt_report_tally_keys(timestamp, text, text, integer, integer, text, text, timestamp)")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_breakdowns'), ['received_at', 'channel', 'category_id', 'wijk_code', 'triaged_at'], unique=False)

    with op.batch_alter_table('report_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_report_tallies_pending', postgresql_where=sa.text('NOT compacted'), sqlite_where=sa.text('NOT compacted'))
        batch_op.drop_index('ix_report_tallies_facet_period')

    op.drop_table('report_tallies')
    # ### end Alembic commands ###
