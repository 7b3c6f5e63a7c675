"""Exports of the yearly statistics: the page as CSV, XLSX and PDF, and the anonymous data for BI tools.

* `csv_bytes`, `xlsx_bytes`, `pdf_bytes`: the statistics page as a file for people, built from
  `funnel.yearly_funnel(year)`: the statistics document (docs/domain.md, "Statistics"), then last year's, the
  annual-report paragraph, the months, categories, wijken, buurten (small counts as "< 5"), durations and "Werkt
  het?" (gdt.services.reporting.outcome_rows). The CSV
  and XLSX are Dutch (`;`, decimal comma, BOM, Dutch headers; gdt.services.reporting.dutch_tables), the PDF shows
  the same figures as tables, with charts.
* `machine_csv_bytes`: the same figures for BI tools, beginning with exactly the rows of
  `statistics.render(document, "csv")`, so it can never disagree with the CLI.
* `export_rows`, `export_counts`: the anonymous rows and suppressed counts of
  gdt.services.reporting.anonymous_exports.

Text cells go through gdt.services.reporting.spreadsheet_text, so user-typed text never becomes a formula.
Every export is audit-logged (NEN 7513 "kopiëren of afdrukken") through the `export_*` functions,
which the web layer calls; the builders below them do no logging of their own.
"""
import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal

from babel.numbers import format_decimal
from flask import render_template
from flask_babel import force_locale, format_datetime
from flask_babel import lazy_gettext as _l

from gdt.db import utcnow
from gdt.models import User
from gdt.services.core import audit
from gdt.services.reporting import anonymous_exports, charts, dutch_tables, funnel, outcome_rows, statistics
from gdt.services.reporting.durations import Duration
from gdt.services.reporting.spreadsheet_text import safe_text

FORMATS = ("csv", "machine-csv", "xlsx", "pdf", "rows", "counts")
PDF_TEMPLATE = "statistics/export_pdf.html"
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SLUG = re.compile(r"[^a-z0-9]+")
PREVIOUS = "previous."  # section prefix of last year's document rows in the CSV
DURATIONS = ("time_to_triage", "time_to_close")
DURATION_ROWS = (("count", _l("Aantal")), ("median_days", _l("Mediaan (dagen)")),
                 ("p90_days", _l("90e percentiel (dagen)")))
DURATION_LABELS = {"time_to_triage": _l("Ontvangst tot triage"),
                   "time_to_close": _l("Eerste melding tot sluiten casus")}
COMPARED = (  # the page's comparison with last year: label, and where the figure sits in a statistics document
    (_l("Meldingen van bewoners"), ("reports", "total")),
    (_l("Beoordeeld"), ("triage", "triaged")),
    (_l("Nog niet beoordeeld"), ("triage", "open")),
    (_l("Casussen uit meldingen"), ("gdt", "from_reports", "total")),
    (_l("Alle GDT-casussen"), ("gdt", "all_cases", "total")),
)
NOTHING = "–"  # a duration without any case or report to measure
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "machine-csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


# --- Audited entry points (the web layer calls these) --------------------------------------------

def export_statistics(year: int, fmt: str, *, actor: User) -> bytes:
    """The year's statistics as CSV (Dutch, or "machine-csv" for BI tools), XLSX or PDF bytes, recorded as an
    export by `actor`."""
    builders = {"csv": csv_bytes, "machine-csv": machine_csv_bytes, "xlsx": xlsx_bytes, "pdf": pdf_bytes}
    if fmt not in builders:
        raise ValueError(f"unknown format {fmt!r}")
    _check_year(year)
    data = builders[fmt](funnel.yearly_funnel(year))
    record_export(actor, year, fmt)
    return data


def export_rows(year: int, *, actor: User, threshold: int) -> Iterator[str]:
    """The k-anonymous rows for BI tools (k = threshold), recorded before the first line is produced
    (streaming has no 'after'; the file's last line says how many reports were left out)."""
    _check_year(year)
    record_export(actor, year, "rows", threshold=threshold)
    return anonymous_exports.anonymous_rows(year, threshold)


def export_counts(year: int, *, actor: User, threshold: int) -> Iterator[str]:
    """The suppressed aggregate counts, recorded with the threshold used."""
    _check_year(year)
    record_export(actor, year, "counts", threshold=threshold)
    return anonymous_exports.anonymous_counts(year, threshold)


def record_export(actor: User | None, year: int, fmt: str, **detail) -> None:
    audit.record_now(actor, "export", "statistics", f"{year}:{fmt}", detail=detail or None)


def _check_year(year: int) -> None:
    statistics.check_year(year)  # the page's years: no export of a year the page would not show


# --- What the page shows -------------------------------------------------------------------------
# The builders take `funnel.yearly_funnel(year)`: the statistics document under "document" and the page's extras.

def csv_bytes(page: dict) -> bytes:
    """The page as a CSV a Dutch Excel opens as it is: `;`, decimal comma, BOM, Dutch headers (dutch_tables)."""
    return dutch_tables.to_csv(dutch_tables.dutch_rows(page))


def machine_csv_bytes(page: dict) -> bytes:
    """For BI tools: `flask stats YEAR --format csv`, then the page's other sections (header `section,key,label,count,
    percent`, `,` between cells, `.` decimals, stable English keys); UTF-8, formula-looking text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in _statistics_rows(page):
        writer.writerow([cell if _PLAIN_NUMBER.fullmatch(cell) else safe_text(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(page: dict) -> bytes:
    """The Dutch CSV's rows in one sheet "Statistieken", with number formats (dutch_tables.to_xlsx)."""
    return dutch_tables.to_xlsx(dutch_tables.dutch_rows(page), title=f"GDT-statistieken {page['document']['year']}")


def pdf_bytes(page: dict) -> bytes:
    """The page's tables and charts as a tagged (PDF/UA-1) Dutch PDF, like gdt.services.casework.meeting_pdf's summary.

    WeasyPrint is imported here only (it needs Pango) and may fetch nothing: the HTML is
    self-contained, the charts are inline SVG.
    """
    with force_locale("nl"):
        html = render_template(PDF_TEMPLATE, **_pdf_context(page),
                               made_at=format_datetime(utcnow(), "d MMMM y 'om' HH:mm"))
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher
    pdf = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    return pdf.write_pdf(pdf_variant="pdf/ua-1")


# --- The rows of the CSV and XLSX ----------------------------------------------------------------

def _statistics_rows(page: dict) -> list[list[str]]:
    """Header, the CLI's CSV rows, then the page's other sections in page order: the one table of the page.

    Control characters in keys and labels (a CR or line break typed into a partner's name) become a
    space: the CLI's CSV does not quote a lone CR, which would split the row in two.
    """
    document = page["document"]
    with force_locale("nl"):
        extra = [
            *[[PREVIOUS + section, *rest] for section, *rest in _cli_rows(page["previous"])[1:]],
            *_paragraph_rows(page["paragraph"]),
            *[["months", f"{document['year']}-{row['month']:02d}", row["label"], str(row["count"]),
               _one_decimal(row["percent"])] for row in page["months"]],
            *_share_rows("categories", page["categories"]),
            *_share_rows("wijken", page["wijken"]),
            *_buurt_rows(page["buurten"], page["small_cell_threshold"]),
            *_duration_rows(page),
            *outcome_rows.machine_rows(page["outcomes"]),
        ]
    return _cli_rows(document) + _single_line(extra)


def _cli_rows(document: dict) -> list[list[str]]:
    """The rows of `flask stats YEAR --format csv` (header first), read back from the CLI's own rendering."""
    return list(csv.reader(io.StringIO(statistics.render(_single_line(document), "csv"), newline="")))


def _single_line(value):
    """A copy with every run of control characters in its strings replaced by one space."""
    if isinstance(value, str):
        return _CONTROL.sub(" ", value)
    if isinstance(value, dict):
        return {key: _single_line(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_single_line(item) for item in value]
    return value


def _paragraph_rows(paragraph: dict) -> list[list[str]]:
    """The sentence itself (key `text`), then each exact figure behind a "ca", keyed by a slug of its label."""
    rows = [["paragraph", "text", paragraph["text"], "", ""]]
    for number, figure in enumerate(paragraph["figures"], start=1):
        key = _SLUG.sub("-", figure["label"].lower()).strip("-") or str(number)
        rows.append(["paragraph.figures", key, figure["label"], str(figure["count"]), _one_decimal(figure["percent"])])
    return rows


def _share_rows(section: str, rows: list[dict]) -> list[list[str]]:
    return [[section, row["key"], row["label"], str(row["count"]), _one_decimal(row["percent"])] for row in rows]


def _buurt_rows(rows: list[dict], threshold: int) -> list[list[str]]:
    """Key `wijk/buurt`; a count below the threshold as "< 5" without a share, as on the page."""
    return [["buurten", row["key"], row["label"], statistics.suppressed(row["count"], threshold),
             "" if row["suppressed"] else _one_decimal(row["percent"])] for row in rows]


def _duration_rows(page: dict) -> list[list[str]]:
    """Per duration: how many, the median and the 90th percentile in days (`.` decimal; empty when none)."""
    return [[section, field, str(label), _figure(getattr(page[section], field)), ""]
            for section in DURATIONS for field, label in DURATION_ROWS]


def _figure(value: int | Decimal | None) -> str:
    """A count as it is, days with one `.` decimal, nothing as an empty cell."""
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def _one_decimal(share: float) -> str:
    """A share as the CLI writes it: 66.7, 100.0, 0.0."""
    return f"{share:.1f}"


# --- What the PDF shows: display strings only, prepared here ----------------------------------------

def _pdf_context(page: dict) -> dict:
    """Everything the PDF template reads, as Dutch display strings and chart markup (call inside force_locale)."""
    document, threshold = page["document"], page["small_cell_threshold"]
    year = document["year"]
    return {
        "year": year, "previous_year": year - 1, "threshold": threshold,
        "paragraph": {"text": page["paragraph"]["text"], "figures": _shown(page["paragraph"]["figures"])},
        "sections": _pdf_sections(document),
        "open_label": statistics.OPEN_LABEL, "open_reports": charts.dutch_number(document["triage"]["open"]),
        "comparison": _comparison(page["previous"], document),
        "months": _shown(page["months"]),
        "months_chart": charts.share_chart(charts.MONTHS_TITLE.format(year=year), page["months"], f"{year}-months"),
        "categories": _shown(page["categories"]),
        "categories_chart": charts.share_chart(charts.CATEGORIES_TITLE.format(year=year), page["categories"],
                                               f"{year}-categories"),
        "wijken": _shown(page["wijken"]),
        "buurten": _shown(page["buurten"], threshold),
        "durations": [_duration_shown(DURATION_LABELS[section], page[section]) for section in DURATIONS],
        "outcomes": outcome_rows.pdf_context(page["outcomes"]),
    }


def _pdf_sections(document: dict) -> list[dict]:
    chart_for = {chart["section"]: chart for chart in charts.charts_for(document)}
    sections = []
    for section, total, items in statistics.breakdowns(document):
        sections.append({
            "key": section, "title": statistics.SECTION_TITLES[section], "rows": _shown(items),
            "total_label": statistics.TOTAL_LABELS[section], "total": charts.dutch_number(total),
            "total_percent": charts.dutch_percent(100.0 if total else 0.0),
            "open": section == "triage.by_outcome", "chart": chart_for[section]["svg"],
        })
    return sections


def _shown(rows: list[dict], threshold: int | None = None) -> list[dict]:
    """Label, count and share in Dutch; a row marked `suppressed` (a small buurt) as "< 5" without a share."""
    shown = []
    for row in rows:
        small = row.get("suppressed", False)
        shown.append({"label": row["label"],
                      "count": (statistics.suppressed(row["count"], threshold) if small
                                else charts.dutch_number(row["count"])),
                      "percent": "" if small else charts.dutch_percent(row["percent"])})
    return shown


def _comparison(previous: dict, document: dict) -> list[dict]:
    """Last year beside this one, with the difference signed ("+3", "0", "-2"), as on the page."""
    rows = []
    for label, path in COMPARED:
        old, new = _at(previous, path), _at(document, path)
        difference = charts.dutch_number(new - old)
        rows.append({"label": str(label), "previous": charts.dutch_number(old), "current": charts.dutch_number(new),
                     "difference": f"+{difference}" if new > old else difference})
    return rows


def _at(document: dict, path: tuple[str, ...]) -> int:
    for key in path:
        document = document[key]
    return document


def _duration_shown(label: str, duration: Duration) -> dict:
    return {"label": str(label), "count": charts.dutch_number(duration.count),
            "median": _days(duration.median_days), "p90": _days(duration.p90_days)}


def _days(days: Decimal | None) -> str:
    """Decimal("1234.5") → "1.234,5" (days, Dutch); "–" when there is nothing to measure."""
    if days is None:
        return NOTHING
    return format_decimal(days, format="#,##0.0", locale="nl")


