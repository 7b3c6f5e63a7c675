"""Recurrence after closing, kept per case (PostgreSQL): each closed case's first new report, and marks of what
changed since.

Whether a closed case recurred depends on more than the case: on reports received later at the address of one of
its reports, and on the people linked to it and to those reports (gdt.services.reporting.recurrence). No per-key
delta can follow that, so the statistics page grouped it live — at 10 million reports almost all of the page's
time. Instead (docs/decisions/0035-recurrence-kept-per-case.md):

* `case_recurrence` holds, per closed case, its year of closing, closing moment, whether it was destroyed and the
  first new report within the longest window (its moment and id), as computed at the last compaction;
* statement-level triggers on `reports`, `cases` and `person_links` append a mark for every row whose counted
  columns a statement changed: the report, its old and new case, the case, the linked person. A mark is cheap
  (one row, no lookups) and never waits on another writer;
* reading resolves the marks to the cases they may have changed (gdt.services.reporting.recurrence) and computes
  only those live: the stored rows of every other case are exact in the reader's snapshot;
* compaction (with the tallies', every five minutes) computes the marked cases again, in one statement that also
  deletes exactly the marks it saw;
* `recurrence_tallies` count the stored rows per year, UTC day of closing, destroyed and recurred within 6 and 12
  months, kept by triggers on `case_recurrence` like the other tallies (delta rows, merged at compaction): a year
  is a few hundred rows, not 88 000. Only the days whose window ends around the moment asked about are read per
  case.

SQLite computes recurrence live, as before; these tables stay empty there.
"""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db
from gdt.models.tallies import delta_trigger_function, statement_triggers

MARK_KINDS = ("case", "report", "person")
MARKED_TABLES = ("reports", "cases", "person_links")


class CaseRecurrence(db.Model):
    __tablename__ = "case_recurrence"
    __table_args__ = (
        # The cases of the days whose windows end around the moment asked about: a few days of closing moments.
        sa.Index("ix_case_recurrence_closed_at", "closed_at"),
        # A change to a case's first new report makes that case's row stale.
        sa.Index("ix_case_recurrence_first_new_report", "first_new_report_id"),
    )

    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    year: so.Mapped[int]  # of closing, Amsterdam time
    closed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    destroyed: so.Mapped[bool]
    first_new_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())  # within the longest window
    first_new_report_id: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)  # no key: it may go


class RecurrenceTally(db.Model):
    __tablename__ = "recurrence_tallies"
    __table_args__ = (
        sa.Index("ix_recurrence_tallies_year_day", "year", "day"),
        sa.Index("ix_recurrence_tallies_pending", "year", postgresql_where=sa.text("NOT compacted"),
                 sqlite_where=sa.text("NOT compacted")),
    )

    id: so.Mapped[int] = so.mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    year: so.Mapped[int]  # of closing, Amsterdam time
    day: so.Mapped[date]  # of closing, UTC (as stored): a window ends on this day plus the months, at the same time
    destroyed: so.Mapped[bool]
    recurred_6: so.Mapped[bool]
    recurred_12: so.Mapped[bool]
    count: so.Mapped[int]
    compacted: so.Mapped[bool] = so.mapped_column(server_default=sa.false())


TALLY_KEYS = "year, day, destroyed, recurred_6, recurred_12"


class RecurrenceMark(db.Model):
    __tablename__ = "recurrence_marks"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN ({', '.join(repr(kind) for kind in MARK_KINDS)})", name="kind_known"),
    )

    id: so.Mapped[int] = so.mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(6))
    ref_id: so.Mapped[int] = so.mapped_column(sa.BigInteger)


def _marks(rows: str, *columns: tuple[str, str], changed: str | None = None) -> str:
    """INSERT the marks (kind, column) of the rows `rows` (old_rows o / new_rows n, joined by id for an update);
    with `changed`, only of the rows where that condition holds."""
    values = ", ".join(f"('{kind}', {column})" for kind, column in columns)
    where = f"AND ({changed})" if changed else ""
    return f"""
        INSERT INTO recurrence_marks (kind, ref_id)
        SELECT DISTINCT m.kind, m.ref_id FROM {rows}
        CROSS JOIN LATERAL (VALUES {values}) AS m (kind, ref_id)
        WHERE m.ref_id IS NOT NULL {where};"""


def _follow(table: str, columns: list[tuple[str, str]], counted: str) -> str:
    """The branch of the trigger function for one table: marks of inserted, deleted and changed rows."""
    def side(alias: str) -> list[tuple[str, str]]:
        return [(kind, f"{alias}.{column}") for kind, column in columns]
    changed = f"({', '.join(f'o.{c}' for c in counted.split(', '))}) IS DISTINCT FROM " \
              f"({', '.join(f'n.{c}' for c in counted.split(', '))})"
    return f"""
    IF TG_TABLE_NAME = '{table}' THEN
        IF TG_OP = 'INSERT' THEN
            {_marks("new_rows AS n", *side("n"))}
        ELSIF TG_OP = 'DELETE' THEN
            {_marks("old_rows AS o", *side("o"))}
        ELSE
            {_marks("old_rows AS o JOIN new_rows AS n ON n.id = o.id", *side("o"), *side("n"), changed=changed)}
        END IF;
    END IF;"""


# What each table's rows mark, and the columns whose change matters: a report's moment, case and address (the
# address rule of gdt.services.intake.report_intake.same_address); a case's closing and destruction; a person link.
TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION gdt_recurrence_marks_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{_follow("reports", [("report", "id"), ("case", "case_id")],
              "received_at, case_id, bag_id, postcode, house_number, house_number_addition")}{
       _follow("cases", [("case", "id")], "status, closed_at, destroyed_at")}{
       _follow("person_links", [("person", "person_id"), ("case", "case_id"), ("report", "report_id")],
               "person_id, case_id, report_id")}
    RETURN NULL;
END
$$
"""

TRIGGER_NAMES = tuple(f"recurrence_marks_{event}" for event in ("insert", "delete", "update"))
TRIGGERS = [trigger for table in MARKED_TABLES for trigger in statement_triggers("recurrence_marks", table)]


def _tally_deltas(rows: str) -> str:
    """INSERT the deltas of `rows` (selections of (sign, case_recurrence row)) per key, dropping net zeros."""
    return f"""
        INSERT INTO recurrence_tallies ({TALLY_KEYS}, count)
        SELECT r.year, r.closed_at::date, r.destroyed,
               coalesce(r.first_new_at <= r.closed_at + interval '6 months', false),
               coalesce(r.first_new_at <= r.closed_at + interval '12 months', false), sum(r.sign)
        FROM ({rows}) AS r
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(r.sign) <> 0;"""


TALLY_FUNCTION = delta_trigger_function("recurrence_tallies", _tally_deltas)
TALLY_TRIGGERS = statement_triggers("recurrence_tallies", "case_recurrence")

POSTGRESQL_DDL = [TRIGGER_FUNCTION, *TRIGGERS, TALLY_FUNCTION, *TALLY_TRIGGERS]


@sa.event.listens_for(db.metadata, "after_create")
def _create_triggers(_metadata, connection, **_kw) -> None:
    """`db.create_all()` (tests, the benchmarks) gets the triggers once every table is there; the migration creates
    them itself."""
    if connection.dialect.name == "postgresql":
        for statement in POSTGRESQL_DDL:
            connection.execute(sa.text(statement))
