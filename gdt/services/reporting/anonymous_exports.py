"""Anonymous data for BI tools: one row per report, or counts with small cells suppressed.

* `anonymous_rows(year, threshold)`: one CSV line per report received in the year (Amsterdam time) with
  keys, area codes and durations only — no names, contact details, addresses, descriptions or
  references — k-anonymous with k = threshold on its quasi-identifiers (quarter, channel, category,
  wijk; docs/decisions/0013-k-anonymous-row-export.md), streamed from a server-side cursor, so a
  million rows take constant memory.
* `anonymous_counts(year, threshold)`: the aggregate per month × channel × category × triage
  outcome, with every count from 1 to threshold − 1 written as "< threshold" (statistical
  disclosure control as CBS does it; docs/decisions/0007-small-cell-suppression.md). Zeros stay 0.

Both are audit-logged by their callers in gdt.services.reporting.exports.
"""
import csv
from collections.abc import Iterator

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Case, Category, Partner, Report
from gdt.models.reports import CHANNELS
from gdt.services.reporting import statistics
from gdt.services.reporting.durations import elapsed_minutes
from gdt.services.reporting.periods import in_years, month_start, period_of
from gdt.services.reporting.spreadsheet_text import safe_text
from workflows import TRIAGE_OUTCOMES

OPEN = "open"  # the triage outcome of a report nobody has triaged yet
YIELD_PER = 5000  # rows per fetch from the server-side cursor
ROW_COLUMNS = ("received_quarter", "channel", "category", "wijk_code", "triage_outcome", "referred_to",
               "days_to_triage", "case_mode", "case_source")
# What someone who knows of a report can know of it: when it came in, how, what about and where. Every
# combination of these in the row export occurs at least k times; the other columns are what it protects.
QUASI_IDENTIFIERS = ("received_quarter", "channel", "category", "wijk_code")
OTHER_WIJK = "overig"  # the wijk of rows whose own wijk is too rare in their quarter, channel and category
COUNT_COLUMNS = ("month", "channel", "category", "triage_outcome", "count")


class _Line:
    """A file for csv.writer whose write() hands the formatted line back (one line per writerow)."""

    def write(self, line: str) -> str:
        return line


def anonymous_rows(year: int, threshold: int) -> Iterator[str]:
    """CSV lines (header first, a footer last): one per report received in `year`, k-anonymous, no personal data.

    Columns: received_quarter (YYYY-Qn, Amsterdam), channel, category (key), wijk_code (never the buurt: in a
    small neighbourhood a category like verward gedrag points at a household; "overig" or empty, see below),
    triage_outcome (referred|escalated|open), referred_to (partner key), days_to_triage (one decimal; empty
    while open), case_mode (advice|regie|undecided; empty without a case), case_source. Partner
    registrations are included (channel "partner").

    k = `threshold` (EXPORT_SMALL_CELL_THRESHOLD). A report whose quarter × channel × category × wijk occurs
    fewer than k times gets the wijk "overig"; the "overig" rows of a quarter × channel × category that still
    number fewer than k are left out. So every combination of the QUASI_IDENTIFIERS in the file occurs at
    least k times. The last line says how many were left out: `# suppressed_reports=3 listed_reports=120 k=5`.
    Rows come grouped by that combination and sorted by their values, never in order of receipt (the
    position of a row would tell its date).

    One statement counts and lists (the counting is a GROUP BY over the year, joined back), so the counts
    and the rows come from the same snapshot. Rows come from a server-side cursor YIELD_PER at a time;
    nothing is collected, so memory stays flat whatever the year holds. Close the generator to stop early.
    """
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(ROW_COLUMNS)
    stored = lambda column, type_: sa.type_coerce(column, type_).label(column.key)  # noqa: E731
    classes = _classes(year, threshold)
    wijk = sa.func.coalesce(Report.wijk_code, "")
    query = (
        sa.select(
            classes.c.quarter,
            stored(Report.channel, sa.String()),
            Category.key.label("category"),
            classes.c.shown_wijk,
            classes.c.class_size,
            stored(Report.received_at, sa.DateTime()),
            stored(Report.triage_outcome, sa.String()),
            Partner.key.label("partner"),
            stored(Report.triaged_at, sa.DateTime()),
            stored(Case.mode, sa.String()),
            stored(Case.source, sa.String()),
        )
        .join(Category, Category.id == Report.category_id)
        .join(classes, sa.and_(classes.c.quarter == quarter_of(Report.received_at, year),
                               classes.c.channel == Report.channel, classes.c.category_id == Report.category_id,
                               classes.c.wijk == wijk))
        .outerjoin(Partner, Partner.id == Report.referred_partner_id)
        .outerjoin(Case, Case.id == Report.case_id)
        .where(in_years(Report.received_at, year))
        .order_by(classes.c.quarter, sa.cast(Report.channel, sa.String), Category.key, classes.c.shown_wijk,
                  sa.cast(Report.triage_outcome, sa.String), Partner.key,
                  elapsed_minutes(Report.triaged_at, Report.received_at),
                  sa.cast(Case.mode, sa.String), sa.cast(Case.source, sa.String))
        .execution_options(yield_per=YIELD_PER)
    )
    listed = suppressed = 0
    result = db.session.execute(query)
    try:
        for quarter, channel, category, shown_wijk, size, received, outcome, partner, triaged, mode, source in result:
            if size < threshold:
                suppressed += 1
                continue
            listed += 1
            days = f"{(triaged - received).total_seconds() / 86400:.1f}" if outcome is not None else ""
            case_mode = (mode or statistics.UNDECIDED) if source is not None else ""
            yield writer.writerow(
                (
                    f"{year}-Q{quarter}",
                    channel,
                    safe_text(category),
                    safe_text(shown_wijk),
                    outcome or OPEN,
                    safe_text(partner or ""),
                    days,
                    case_mode,
                    source or "",
                )
            )
    finally:
        result.close()
    yield f"# suppressed_reports={suppressed} listed_reports={listed} k={threshold}\n"


def quarter_of(column: sa.ColumnElement, year: int) -> sa.ColumnElement[int]:
    """1–4: the Amsterdam quarter of `column`, for rows within the Amsterdam `year` (a CASE over its boundaries)."""
    return sa.case(*[(column < month_start(year, 3 * quarter + 1), sa.literal(quarter)) for quarter in range(1, 5)])


def _classes(year: int, threshold: int) -> sa.CTE:
    """Per quarter × channel × category × wijk of the year: the wijk the rows show and how many rows show it so.

    A cell of fewer than `threshold` reports shows "overig", and its class is all such cells of its quarter ×
    channel × category together (a window sum over a few thousand cells, not over the reports)."""
    keyed = (
        sa.select(quarter_of(Report.received_at, year).label("quarter"), Report.channel.label("channel"),
                  Report.category_id.label("category_id"), sa.func.coalesce(Report.wijk_code, "").label("wijk"))
        .where(in_years(Report.received_at, year))
        .subquery()
    )
    cells = (
        sa.select(keyed.c.quarter, keyed.c.channel, keyed.c.category_id, keyed.c.wijk, sa.func.count().label("size"))
        .group_by(keyed.c.quarter, keyed.c.channel, keyed.c.category_id, keyed.c.wijk)
        .subquery()
    )
    rare = cells.c.size < threshold
    pooled = sa.func.sum(sa.case((rare, cells.c.size), else_=0)).over(
        partition_by=(cells.c.quarter, cells.c.channel, cells.c.category_id))
    return sa.select(
        cells.c.quarter, cells.c.channel, cells.c.category_id, cells.c.wijk,
        sa.case((rare, sa.literal(OTHER_WIJK)), else_=cells.c.wijk).label("shown_wijk"),
        sa.cast(sa.case((rare, pooled), else_=cells.c.size), sa.Integer).label("class_size"),
    ).cte("row_classes")


def anonymous_counts(year: int, threshold: int) -> Iterator[str]:
    """CSV lines (header first): reports per month × channel × category × triage outcome, every cell listed.

    Counts from 1 to threshold − 1 are written as "< threshold"; 0 and counts ≥ threshold as they
    are. Categories in their admin order; the database does the counting (one GROUP BY).
    """
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(COUNT_COLUMNS)
    counts = _grouped_counts(year)
    in_order = sa.select(Category.id, Category.key).order_by(Category.position, Category.key)
    categories = db.session.execute(in_order).all()
    for month in range(1, 13):
        for channel in CHANNELS:
            for category_id, category_key in categories:
                for outcome in (*TRIAGE_OUTCOMES, OPEN):
                    count = statistics.suppressed(counts.get((month, channel, category_id, outcome), 0), threshold)
                    yield writer.writerow((f"{year}-{month:02d}", channel, safe_text(category_key), outcome, count))


def _grouped_counts(year: int) -> dict[tuple, int]:
    """(month 1–12, channel, category id, outcome) → count; the month is a CASE over Amsterdam month starts."""
    month = period_of(Report.received_at, year, year, "month") - year * 100
    rows = (
        sa.select(month.label("month"), Report.channel, Report.category_id, Report.triage_outcome.label("outcome"))
        .where(in_years(Report.received_at, year))
        .subquery()
    )
    query = sa.select(rows.c.month, rows.c.channel, rows.c.category_id, rows.c.outcome, sa.func.count()).group_by(
        rows.c.month, rows.c.channel, rows.c.category_id, rows.c.outcome
    )
    return {
        (month, channel, category_id, outcome or OPEN): count
        for month, channel, category_id, outcome, count in db.session.execute(query)
    }
