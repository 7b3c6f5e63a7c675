"""Yearly statistics (docs/domain.md, "Statistics"): the funnel from resident report to GDT case, as aggregates only.

The database counts: resident reports from the tallies the database keeps per month
(gdt.services.reporting.report_tallies), cases from the tallies it keeps per year (case_tallies);
Python only shapes the handful of grouped rows into the document. The
document holds keys, labels and counts, never personal data, so managers may see all of it.
"""
import csv
import io
import json
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from babel.numbers import format_decimal
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db, utcnow
from gdt.labels import CHANNEL_LABELS, MODE_LABELS, OUTCOME_LABELS, SOURCE_LABELS
from gdt.models import Case, Partner, Report, User
from gdt.models.cases import CASE_SOURCES
from gdt.models.reports import RESIDENT_CHANNELS
from gdt.services.core import audit
from gdt.services.core.errors import NotFound
from gdt.services.reporting import case_tallies, report_tallies
from gdt.services.reporting.periods import in_years
from workflows import CASE_MODES, TRIAGE_OUTCOMES

UNDECIDED = "undecided"  # the by_mode key for cases whose mode is not decided yet (mode IS NULL)
FORMATS = ("json", "csv", "text")


def view_statistics(year: int, *, actor: User) -> dict:
    """The document for pages and the API: refuses years outside `statistics_years()` and records who looked."""
    check_year(year)
    document = yearly_statistics(year)
    audit.record_now(actor, "view", "statistics", str(year))
    return document


def yearly_statistics(year: int) -> dict:
    """The statistics document for reports and cases received in `year` (Amsterdam time).

    Labels are Dutch by contract, whatever language the person asking reads the pages in.
    """
    reports = _report_counts(year)
    cases = _case_counts(year)
    with force_locale("nl"):
        return _document(year, reports, cases)


def _document(year: int, reports: list[dict], cases: list[dict]) -> dict:
    return {
        "year": year,
        "reports": _reports_section(reports),
        "triage": _triage_section(reports),
        "gdt": {
            "from_reports": _cases_section([row for row in cases if row["source"] == "report"]),
            "all_cases": _cases_section(cases, by_source=True),
        },
    }


def _report_counts(year: int) -> list[dict]:
    """Resident reports per channel × outcome × partner (gdt.services.reporting.report_tallies), partner names
    joined to the grouped rows, in one statement."""
    grouped = report_tallies.query("funnel", [year], ("channel", "triage_outcome", "referred_partner_id")).subquery()
    query = (
        sa.select(grouped.c.channel, grouped.c.triage_outcome.label("outcome"), Partner.key.label("partner"),
                  Partner.name.label("partner_name"), grouped.c["count"])
        .outerjoin(Partner, Partner.id == grouped.c.referred_partner_id)
    )
    return [dict(row._mapping) for row in db.session.execute(query)]


def _case_counts(year: int) -> list[dict]:
    """Cases per source × mode, counted in the year their first report or registration came in
    (gdt.services.reporting.case_tallies).

    A case merged into another is not a case of its own any more: its reports count with the target.
    """
    return [{"source": source, "mode": mode, "count": count}
            for _, source, mode, count in case_tallies.grouped("cases", [year], ("source", "mode"))]


def _reports_section(rows: list[dict]) -> dict:
    by_channel = _sum_by(rows, "channel")
    return {"total": sum(by_channel.values()), "by_channel": _items(by_channel, RESIDENT_CHANNELS, CHANNEL_LABELS)}


def _triage_section(rows: list[dict]) -> dict:
    by_outcome = _sum_by([row for row in rows if row["outcome"] is not None], "outcome")
    referred = [row for row in rows if row["outcome"] == "referred"]
    partner_counts = _sum_by(referred, "partner")
    partner_names = {row["partner"]: row["partner_name"] for row in referred}
    destinations = sorted(partner_counts, key=lambda key: (-partner_counts[key], key))
    return {
        "triaged": sum(by_outcome.values()),
        "open": sum(row["count"] for row in rows if row["outcome"] is None),
        "by_outcome": _items(by_outcome, TRIAGE_OUTCOMES, OUTCOME_LABELS),
        "referred_to": _items(partner_counts, destinations, partner_names),
    }


def _cases_section(rows: list[dict], *, by_source: bool = False) -> dict:
    by_mode = _sum_by([row | {"mode": row["mode"] or UNDECIDED} for row in rows], "mode")
    modes = CASE_MODES + ((UNDECIDED,) if by_mode.get(UNDECIDED) else ())
    section = {"total": sum(by_mode.values())}
    if by_source:
        section["by_source"] = _items(_sum_by(rows, "source"), CASE_SOURCES, SOURCE_LABELS)
    section["by_mode"] = _items(by_mode, modes, MODE_LABELS)
    return section


def _sum_by(rows: list[dict], key: str) -> dict:
    """Add up already-grouped rows by one of their keys (a few dozen rows, never data rows)."""
    totals: dict = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + row["count"]
    return totals


def _items(counts: dict, keys, labels: dict) -> list[dict]:
    """One item per key, in the given order, with zero counts kept so every group is complete."""
    total = sum(counts.get(key, 0) for key in keys)
    return [{"key": key, "label": str(labels[key]), "count": counts.get(key, 0),
             "percent": percent(counts.get(key, 0), total)} for key in keys]


def is_small_cell(count: int, threshold: int) -> bool:
    """1 … threshold − 1: too few to show as they are, they could point at a household
    (docs/decisions/0007-small-cell-suppression.md).

    Zero stays visible: an empty cell reveals nobody."""
    return 0 < count < threshold


def suppressed(count: int, threshold: int) -> str:
    """'< 5' for 1 … 4 with threshold 5; the count itself for 0 and from the threshold on."""
    return f"< {threshold}" if is_small_cell(count, threshold) else str(count)


def percent(count: int, total: int) -> float:
    """Share of `total`, one decimal, rounded half up as people do (66.65 → 66.7); 0.0 for an empty group."""
    if not total:
        return 0.0
    return float((Decimal(count * 100) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def statistics_years() -> list[int]:
    """The years the statistics answer for, oldest first: from the first year with a report or case up to this
    year (Amsterdam), or up to the last year with data when that is later. Without data: this year only.

    A year in between without data has statistics (all zeros, shown as "no data for this year"); any other year
    is not found, on the page, in the API and in the exports. Two index lookups per table (min and max).
    """
    this_year = utcnow().astimezone(AMSTERDAM).year
    first, last = _received_range()
    if first is None:
        return [this_year]
    first_year = min(first.astimezone(AMSTERDAM).year, this_year)
    return list(range(first_year, max(last.astimezone(AMSTERDAM).year, this_year) + 1))


def check_year(year: int) -> None:
    """NotFound unless `year` is one of `statistics_years()`."""
    years = statistics_years()
    if year not in years:
        raise NotFound(_l("Voor %(year)d zijn geen statistieken. Kies een jaar van %(first)d tot en met %(last)d.",
                          year=year, first=years[0], last=years[-1]))


def has_data(document: dict) -> bool:
    """Whether anything came in that year: a resident report or a case."""
    return bool(document["reports"]["total"] or document["gdt"]["all_cases"]["total"])


def available_years() -> list[int]:
    """Every Amsterdam year with at least one report or case, oldest first.

    SQLite cannot convert time zones, so the database gives the first and last moment and then
    answers one EXISTS probe per candidate year (each an index lookup), all in one query.
    """
    first, last = _received_range()
    if first is None:
        return []
    candidates = range(first.astimezone(AMSTERDAM).year, last.astimezone(AMSTERDAM).year + 1)
    probes = [
        sa.select(sa.literal(year).label("year")).where(sa.or_(
            sa.exists().where(in_years(Report.received_at, year)), sa.exists().where(in_years(Case.received_at, year))))
        for year in candidates
    ]
    return sorted(db.session.scalars(sa.union_all(*probes)))


def _received_range() -> tuple[datetime | None, datetime | None]:
    """The first and last `received_at` over reports and cases (each min/max is one index lookup)."""
    bounds = [sa.select(func(column)).scalar_subquery()
              for column in (Report.received_at, Case.received_at) for func in (sa.func.min, sa.func.max)]
    report_min, report_max, case_min, case_max = db.session.execute(sa.select(*bounds)).one()
    starts = [moment for moment in (report_min, case_min) if moment is not None]
    ends = [moment for moment in (report_max, case_max) if moment is not None]
    return (min(starts), max(ends)) if starts else (None, None)


# --- Rendering for `flask stats YEAR --format json|csv|text` -------------------------------------

SECTION_TITLES = {
    "reports.by_channel": "Meldingen van bewoners per kanaal",
    "triage.by_outcome": "Uitkomst van de triage",
    "triage.referred_to": "Doorverwezen naar",
    "gdt.from_reports.by_mode": "GDT-casussen uit meldingen, per werkwijze",
    "gdt.all_cases.by_source": "Alle GDT-casussen, per bron",
    "gdt.all_cases.by_mode": "Alle GDT-casussen, per werkwijze",
}
TOTAL_LABELS = {
    "reports.by_channel": "Totaal meldingen van bewoners",
    "triage.by_outcome": "Totaal beoordeeld",
    "triage.referred_to": "Totaal doorverwezen",
    "gdt.from_reports.by_mode": "Totaal casussen uit meldingen",
    "gdt.all_cases.by_source": "Totaal casussen",
    "gdt.all_cases.by_mode": "Totaal casussen",
}
OPEN_LABEL = "Nog niet beoordeeld"


def render(document: dict, fmt: str) -> str:
    """The document as JSON (the API's exact shape), a flat CSV table, or a Dutch plain-text report."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False)
    if fmt == "csv":
        return _render_csv(document)
    if fmt == "text":
        return _render_text(document)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def breakdowns(document: dict) -> list[tuple[str, int, list[dict]]]:
    """Every breakdown in the document as (section, group total, items), in funnel order."""
    triage, gdt = document["triage"], document["gdt"]
    referred = next(item["count"] for item in triage["by_outcome"] if item["key"] == "referred")
    return [
        ("reports.by_channel", document["reports"]["total"], document["reports"]["by_channel"]),
        ("triage.by_outcome", triage["triaged"], triage["by_outcome"]),
        ("triage.referred_to", referred, triage["referred_to"]),
        ("gdt.from_reports.by_mode", gdt["from_reports"]["total"], gdt["from_reports"]["by_mode"]),
        ("gdt.all_cases.by_source", gdt["all_cases"]["total"], gdt["all_cases"]["by_source"]),
        ("gdt.all_cases.by_mode", gdt["all_cases"]["total"], gdt["all_cases"]["by_mode"]),
    ]


def _render_csv(document: dict) -> str:
    """section,key,label,count,percent: one row per item plus a `total` row per section.

    Plain `.` decimals and no thousands separators, so spreadsheets and scripts read it as numbers.
    The `triage,open` row has no percent: open reports are outside the triaged group.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "label", "count", "percent"])
    for section, total, items in breakdowns(document):
        for item in items:
            writer.writerow([section, item["key"], item["label"], item["count"], f"{item['percent']:.1f}"])
        writer.writerow([section, "total", TOTAL_LABELS[section], total, f"{100.0 if total else 0.0:.1f}"])
        if section == "triage.by_outcome":
            writer.writerow(["triage", "open", OPEN_LABEL, document["triage"]["open"], ""])
    return out.getvalue().rstrip("\n")


def _render_text(document: dict) -> str:
    lines = [f"GDT-statistieken {document['year']} (ontvangen in {document['year']}, Nederlandse tijd)"]
    for section, total, items in breakdowns(document):
        lines += ["", SECTION_TITLES[section]]
        lines += [_text_row(item["label"], item["count"], item["percent"]) for item in items]
        lines.append(_text_row(TOTAL_LABELS[section], total, 100.0 if total else 0.0))
        if section == "triage.by_outcome":
            lines.append(_text_row(OPEN_LABEL, document["triage"]["open"], None))
    return "\n".join(lines)


def _text_row(label: str, count: int, share: float | None) -> str:
    shown = f"{share:.1f} %".replace(".", ",") if share is not None else ""
    return f"  {label:<45} {_dutch_int(count):>10} {shown:>8}".rstrip()


def _dutch_int(number: int) -> str:
    """1234567 → 1.234.567 (Babel's Dutch notation)."""
    return format_decimal(number, locale="nl")
