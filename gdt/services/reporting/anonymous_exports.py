"""Anonymous data for BI tools: one row per report, or counts with small cells suppressed.

* `anonymous_rows(year)`: one CSV line per report received in the year (Amsterdam time) with keys,
  area codes and durations only — no names, contact details, addresses, descriptions or
  references — streamed from a server-side cursor, so a million rows take constant memory.
* `anonymous_counts(year, threshold)`: the aggregate per month × channel × category × triage
  outcome, with every count from 1 to threshold − 1 written as "< threshold" (statistical
  disclosure control as CBS does it; docs/decisions/0007-small-cell-suppression.md). Zeros stay 0.

Both are audit-logged by their callers in gdt.services.reporting.exports.
"""
import csv
from bisect import bisect_right
from collections.abc import Iterator
from datetime import UTC, datetime

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Case, Category, Partner, Report
from gdt.models.reports import CHANNELS
from gdt.services.reporting import statistics
from gdt.services.reporting.periods import in_years, month_start, period_of, year_bounds
from gdt.services.reporting.spreadsheet_text import safe_text
from workflows import TRIAGE_OUTCOMES

OPEN = "open"  # the triage outcome of a report nobody has triaged yet
YIELD_PER = 5000  # rows per fetch from the server-side cursor
ROW_COLUMNS = ("received_month", "channel", "category", "wijk_code", "triage_outcome", "referred_to",
               "days_to_triage", "case_mode", "case_source")
COUNT_COLUMNS = ("month", "channel", "category", "triage_outcome", "count")


class _Line:
    """A file for csv.writer whose write() hands the formatted line back (one line per writerow)."""

    def write(self, line: str) -> str:
        return line


def month_bounds(year: int) -> list[datetime]:
    """The first moment of February … December and of next January, Amsterdam time."""
    return [month_start(year, month) for month in range(2, 14)]


def anonymous_rows(year: int) -> Iterator[str]:
    """CSV lines (header first): one per report received in `year`, without any personal data.

    Columns: received_month (YYYY-MM, Amsterdam), channel, category (key), wijk_code (never the buurt: in a
    small neighbourhood a category like verward gedrag points at a household), triage_outcome
    (referred|escalated|open), referred_to (partner key), days_to_triage (one decimal; empty while open),
    case_mode (advice|regie|undecided; empty without a case), case_source. Partner registrations are
    included (channel "partner").

    Rows come from a server-side cursor YIELD_PER at a time, in order of receipt; nothing is
    collected, so memory stays flat whatever the year holds. Close the generator to stop early.
    """
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(ROW_COLUMNS)
    start, end = year_bounds(year)
    # Per row, the cost is Python's: the timestamps are read as the naive UTC they are stored as and the keys as
    # plain strings (no per-value conversion), and the month is found among naive UTC bounds (a cheap compare).
    bounds = [bound.astimezone(UTC).replace(tzinfo=None) for bound in month_bounds(year)]
    months = [f"{year}-{month:02d}" for month in range(1, 13)]
    stored = lambda column, type_: sa.type_coerce(column, type_).label(column.key)  # noqa: E731
    query = (
        sa.select(
            stored(Report.received_at, sa.DateTime()),
            stored(Report.channel, sa.String()),
            Category.key.label("category"),
            Report.wijk_code,
            stored(Report.triage_outcome, sa.String()),
            Partner.key.label("partner"),
            stored(Report.triaged_at, sa.DateTime()),
            stored(Case.mode, sa.String()),
            stored(Case.source, sa.String()),
        )
        .join(Category, Category.id == Report.category_id)
        .outerjoin(Partner, Partner.id == Report.referred_partner_id)
        .outerjoin(Case, Case.id == Report.case_id)
        .where(Report.received_at >= start, Report.received_at < end)
        .order_by(Report.received_at, Report.id)
        .execution_options(yield_per=YIELD_PER)
    )
    result = db.session.execute(query)
    try:
        for received, channel, category, wijk, outcome, partner, triaged, mode, source in result:
            days = f"{(triaged - received).total_seconds() / 86400:.1f}" if outcome is not None else ""
            case_mode = (mode or statistics.UNDECIDED) if source is not None else ""
            yield writer.writerow(
                (
                    months[bisect_right(bounds, received)],
                    channel,
                    safe_text(category),
                    safe_text(wijk or ""),
                    outcome or OPEN,
                    safe_text(partner or ""),
                    days,
                    case_mode,
                    source or "",
                )
            )
    finally:
        result.close()


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
