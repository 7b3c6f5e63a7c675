"""Counts of GDT cases per Amsterdam year, kept exact by the database itself (PostgreSQL), as `report_tallies`.

A national deployment opens some 88 000 cases a year; grouping them live for the statistics page (this year and
the year before, time to closing, closed cases per result, durations per mode) and for ten years of indicators
took most of the page's time (bench/README.md). The same mechanism as gdt.models.tallies keeps these: three
statement-level triggers on `cases` append one delta row per key a statement changed (+1 new, −1 old), through
transition tables, so no code path (opening, deciding the mode, closing, reopening, merging, bundling a report
that moves `received_at`, destruction, a delete, a bulk update) can forget a count, concurrent writers never wait
on a counter row, and `gdt.services.reporting.report_tallies.compact()` merges the deltas with the reports'.

Facets (one row per year and key; `''` stands for "not known", the key columns are NOT NULL):
  cases          year received: source × mode, merged cases left out   (the statistics document, cases_total)
  to_close       year received: whole minutes from receipt to closing  (the page's "Doorlooptijden")
  result         year closed:   result                                 ("Gesloten casussen per resultaat")
  open_to_close  year closed:   mode × whole minutes opening → closing ("Doorlooptijd per werkwijze", indicators)
  to_close_h, to_close_d, open_to_close_h, open_to_close_d   the same durations per hour and per day
Durations are kept per whole minute, as the reports' `triage` facet: the medians and 90th percentiles the page
shows interpolate between two exact values (percentile_cont), which a coarser bucket could not give. The hour and
day levels (`minutes` holds the bucket's first minute) let a percentile be found in three small steps, days →
hours → minutes (gdt.services.reporting.durations), however spread a year's durations are.

SQLite counts the same keys from `cases` directly (gdt.services.reporting.case_tallies).
"""
import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import db
from gdt.models.cases import Case
from gdt.models.tallies import delta_trigger_function, statement_triggers

CASE_FACETS = ("cases", "to_close", "to_close_h", "to_close_d", "result", "open_to_close", "open_to_close_h",
               "open_to_close_d")
# Per duration facet, bucket size in minutes → facet.
DURATION_LEVELS = {name: {1440: f"{name}_d", 60: f"{name}_h", 1: name} for name in ("to_close", "open_to_close")}


class CaseTally(db.Model):
    __tablename__ = "case_tallies"
    __table_args__ = (
        sa.CheckConstraint(f"facet IN ({', '.join(repr(facet) for facet in CASE_FACETS)})", name="facet_known"),
        # With the minutes: the durations' steps read only the buckets that hold a percentile's rank.
        sa.Index("ix_case_tallies_facet_year_minutes", "facet", "year", "minutes"),
        # What compaction looks for: years with deltas not merged yet.
        sa.Index("ix_case_tallies_pending", "year", "facet", postgresql_where=sa.text("NOT compacted"),
                 sqlite_where=sa.text("NOT compacted")),
    )

    id: so.Mapped[int] = so.mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    year: so.Mapped[int]  # Amsterdam time: of receipt (cases, to_close) or of closing (result, open_to_close)
    facet: so.Mapped[str] = so.mapped_column(sa.String(20))
    source: so.Mapped[str] = so.mapped_column(sa.String(20), server_default="")
    mode: so.Mapped[str] = so.mapped_column(sa.String(20), server_default="")
    result: so.Mapped[str] = so.mapped_column(sa.String(40), server_default="")
    minutes: so.Mapped[int] = so.mapped_column(server_default="0")
    count: so.Mapped[int]
    compacted: so.Mapped[bool] = so.mapped_column(server_default=sa.false())


CASE_KEY_COLUMNS = ("year", "facet", "source", "mode", "result", "minutes")
CASE_KEYS = ", ".join(CASE_KEY_COLUMNS)

# The keys one case row counts under: shared by the triggers, the rebuild and the check. A closed case has
# closed_at and a result (CHECK closed_has_time_and_result); a merged case is not a case of its own any more.
CASE_KEYS_FUNCTION = """
CREATE OR REPLACE FUNCTION gdt_case_tally_keys(
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
$$
"""


def case_keys_of(rows: str) -> str:
    """A FROM clause: each row of the `cases` rows selected by `rows` (as r) with every key it counts under (as k)."""
    return f"""FROM ({rows}) AS r
        CROSS JOIN LATERAL gdt_case_tally_keys(r.received_at, r.opened_at, r.closed_at, r.source::text,
                                               r.status::text, r.mode::text, r.result::text) AS k"""


def _delta_insert(rows: str) -> str:
    """INSERT the deltas of `rows` (selections of (sign, cases row)) grouped per key, dropping net zeros: an
    update that touches no counted column (a note, a coordinator, the version) writes nothing."""
    keys = ", ".join(f"k.{column}" for column in CASE_KEY_COLUMNS)
    return f"""
        INSERT INTO case_tallies ({CASE_KEYS}, count)
        SELECT {keys}, sum(r.sign)
        {case_keys_of(rows)}
        GROUP BY {keys}
        HAVING sum(r.sign) <> 0;"""


CASE_TRIGGER_FUNCTION = delta_trigger_function("case_tallies", _delta_insert)

CASE_TRIGGER_NAMES = tuple(f"case_tallies_{event}" for event in ("insert", "delete", "update"))
CASE_TRIGGERS = statement_triggers("case_tallies", "cases")

CASE_POSTGRESQL_DDL = [CASE_KEYS_FUNCTION, CASE_TRIGGER_FUNCTION, *CASE_TRIGGERS]


@sa.event.listens_for(Case.__table__, "after_create")
def _create_triggers(_table, connection, **_kw) -> None:
    """`db.create_all()` (tests, the benchmarks) gets the triggers too; the migration creates them itself."""
    if connection.dialect.name == "postgresql":
        for statement in CASE_POSTGRESQL_DDL:
            connection.execute(sa.text(statement))
