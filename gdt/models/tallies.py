"""Counts of resident reports per Amsterdam month or year, kept exact by the database itself (PostgreSQL).

The statistics page, its exports and the indicator table read these instead of a year of reports:
at 10 million reports a year's GROUP BYs over `reports` take seconds, the same over the tallies a
few milliseconds (bench/README.md). Triggers on `reports` write them, so no code path can forget:
every INSERT, UPDATE and DELETE adds one delta row per facet key it changes (+1 for the new row's
keys, −1 for the old row's), grouped per statement through transition tables. Appending deltas
instead of updating one counter row means concurrent intake never waits on a hot counter and two
transactions can never deadlock on it; `gdt.services.reporting.report_tallies.compact()` regularly merges a
period's deltas into one row per key. A count is the sum of its rows, whether merged yet or not.

Facets (one row per period and key; `''`/0 stand for "not known", the key columns are NOT NULL):
  funnel    per month: channel × triage outcome × referred partner  (the statistics document, the months)
  category  per year: category
  area      per year: wijk × buurt (CBS codes as the address service gave them)
  triage    per year: whole minutes from receipt to triage, for triaged reports (medians, 90th percentiles)
  triage_h, triage_d  the same per hour and per day (`minutes` holds the bucket's first minute), so a percentile
            is found in three small steps, days → hours → minutes (gdt.services.reporting.durations)
Only the funnel is shown per month; the others per year keep their rows few (a year of durations has
some ten thousand distinct minutes, twelve months of them nearly twelve times as many).

SQLite (development, a single office) has no time zones in SQL and no transition tables; there the
same figures are grouped from `reports` directly (gdt.services.reporting.report_tallies).
"""
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import db
from gdt.models.reports import Report

FACETS = ("funnel", "category", "area", "triage", "triage_h", "triage_d")
TRIAGE_LEVELS = {1440: "triage_d", 60: "triage_h", 1: "triage"}  # bucket size in minutes → facet


class ReportTally(db.Model):
    __tablename__ = "report_tallies"
    __table_args__ = (
        sa.CheckConstraint(f"facet IN ({', '.join(repr(facet) for facet in FACETS)})", name="facet_known"),
        # With the minutes: the durations' steps read only the buckets that hold a percentile's rank.
        sa.Index("ix_report_tallies_facet_period_minutes", "facet", "period", "minutes"),
        # What compaction looks for: periods with deltas not merged yet.
        sa.Index("ix_report_tallies_pending", "period", "facet", postgresql_where=sa.text("NOT compacted"),
                 sqlite_where=sa.text("NOT compacted")),
    )

    id: so.Mapped[int] = so.mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    period: so.Mapped[int]  # Amsterdam time: yyyymm for the funnel, yyyy00 (the whole year) for the other facets
    facet: so.Mapped[str] = so.mapped_column(sa.String(10))
    channel: so.Mapped[str] = so.mapped_column(sa.String(20), server_default="")
    triage_outcome: so.Mapped[str] = so.mapped_column(sa.String(20), server_default="")
    referred_partner_id: so.Mapped[int] = so.mapped_column(server_default="0")
    category_id: so.Mapped[int] = so.mapped_column(server_default="0")
    wijk_code: so.Mapped[str] = so.mapped_column(sa.String(10), server_default="")
    buurt_code: so.Mapped[str] = so.mapped_column(sa.String(10), server_default="")
    minutes: so.Mapped[int] = so.mapped_column(server_default="0")
    count: so.Mapped[int]
    compacted: so.Mapped[bool] = so.mapped_column(server_default=sa.false())


KEY_COLUMNS = ("period", "facet", "channel", "triage_outcome", "referred_partner_id", "category_id", "wijk_code",
               "buurt_code", "minutes")
KEYS = ", ".join(KEY_COLUMNS)

# The keys one report row counts under: a set-returning function, so the triggers, the rebuild and
# the check share one definition. Partner registrations (channel 'partner') are not resident reports.
KEYS_FUNCTION = """
CREATE OR REPLACE FUNCTION gdt_report_tally_keys(
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
$$
"""

def keys_of(rows: str) -> str:
    """A FROM clause: each row of the `reports` rows selected by `rows` (as r) with every key it counts under (as k)."""
    return f"""FROM ({rows}) AS r
        CROSS JOIN LATERAL gdt_report_tally_keys(r.received_at, r.channel::text, r.triage_outcome::text,
                                                 r.referred_partner_id, r.category_id, r.wijk_code::text,
                                                 r.buurt_code::text, r.triaged_at) AS k"""


def _delta_insert(rows: str) -> str:
    """INSERT the deltas of `rows` (selections of (sign, reports row)) grouped per key, dropping net zeros."""
    return f"""
        INSERT INTO report_tallies ({KEYS}, count)
        SELECT {", ".join(f"k.{column}" for column in KEY_COLUMNS)}, sum(r.sign)
        {keys_of(rows)}
        GROUP BY {", ".join(f"k.{column}" for column in KEY_COLUMNS)}
        HAVING sum(r.sign) <> 0;"""


def delta_trigger_function(tally: str, delta_insert: Callable[[str], str]) -> str:
    """gdt_<tally>_track(): once per statement, `delta_insert` of the new rows counted +1, the old rows −1, or both
    for an update (`delta_insert` gets a selection of (sign, row) and returns the INSERT of the deltas)."""
    return f"""
CREATE OR REPLACE FUNCTION gdt_{tally}_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {delta_insert("SELECT 1 AS sign, * FROM new_rows")}
    ELSIF TG_OP = 'DELETE' THEN
        {delta_insert("SELECT -1 AS sign, * FROM old_rows")}
    ELSE
        {delta_insert("SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows")}
    END IF;
    RETURN NULL;
END
$$
"""


def statement_triggers(tally: str, table: str) -> list[str]:
    """The insert, delete and update triggers by which `tally` (e.g. report_tallies) follows `table`, each calling
    the function gdt_<tally>_track() once per statement with its transition tables. Transition tables allow one
    event per trigger (and no column list on UPDATE), hence three."""
    return [
        f"""CREATE TRIGGER {tally}_{event.lower()} AFTER {event} ON {table}
        REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION gdt_{tally}_track()"""
        for event, transition in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                                  ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"))
    ]


TRIGGER_FUNCTION = delta_trigger_function("report_tallies", _delta_insert)
TRIGGERS = statement_triggers("report_tallies", "reports")

POSTGRESQL_DDL = [KEYS_FUNCTION, TRIGGER_FUNCTION, *TRIGGERS]


@sa.event.listens_for(Report.__table__, "after_create")
def _create_triggers(_table, connection, **_kw) -> None:
    """`db.create_all()` (tests, the benchmarks) gets the triggers too; migrations create them themselves."""
    if connection.dialect.name == "postgresql":
        for statement in POSTGRESQL_DDL:
            connection.execute(sa.text(statement))
