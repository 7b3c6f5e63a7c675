"""The statistics page as one Dutch table, for people who open the download in Excel (the default CSV and the XLSX).

A Dutch Excel reads a CSV with `;` between the cells, a decimal comma and, to know it is UTF-8, a byte order mark;
without them the file opens as one column and "80.0" becomes 800. So the default CSV has all three, and Dutch
column headers; the XLSX carries the same rows with real number formats (counts as whole numbers, shares as
percentages, days with one decimal). The machine-readable CSV for BI tools (`,`, `.`, English keys) is
gdt.services.reporting.exports.machine_csv_bytes and stays as it is.

Rows, in page order: the six tables of the statistics document for this year and the year before, the annual-report
paragraph and its exact figures, months, categories, wijken, buurten (counts below the threshold as "< 5"), the
durations and "Werkt het?" (gdt.services.reporting.outcome_rows). Text cells go through
gdt.services.reporting.spreadsheet_text, so no label can become a formula.
"""
import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from gdt.services.reporting import outcome_rows, statistics
from gdt.services.reporting.spreadsheet_text import safe_text, text_cell

COLUMNS = ("Onderdeel", "Omschrijving", "Aantal", "Aandeel (%)", "Mediaan (dagen)", "90e percentiel (dagen)")
SHEET_TITLE = "Statistieken"
BOM = "\ufeff"
COUNT_FORMAT = "#,##0"  # whole numbers; Excel shows 2.335 in Dutch
PERCENT_FORMAT = "0.0%"  # 0.8 shows as 80,0% in Dutch
DAYS_FORMAT = "0.0"
PARAGRAPH = "Tekst voor het jaarverslag"
DURATIONS = (("time_to_triage", "Ontvangst tot triage"), ("time_to_close", "Eerste melding tot sluiten casus"))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Row:
    """One line of the table: a count is a number, or "< 5" for a small buurt; a share in percent (80.0)."""

    section: str
    label: str
    count: int | str | None = None
    percent: float | None = None
    median_days: Decimal | None = None
    p90_days: Decimal | None = None


def dutch_rows(page: dict) -> list[Row]:
    """Every figure of the statistics page (gdt.services.reporting.funnel.yearly_funnel) as rows, in page order."""
    document, year = page["document"], page["document"]["year"]
    threshold = page["small_cell_threshold"]
    return [
        *_document_rows(document),
        *_document_rows(page["previous"]),
        Row(PARAGRAPH, page["paragraph"]["text"]),
        *_share_rows(f"{PARAGRAPH}: de exacte cijfers achter elke ‘ca’", page["paragraph"]["figures"]),
        *_share_rows(f"Meldingen van bewoners per maand van ontvangst, {year}", page["months"]),
        *_share_rows(f"Meldingen van bewoners per categorie, {year}", page["categories"]),
        *_share_rows(f"Meldingen van bewoners per wijk, {year}", page["wijken"]),
        *_share_rows(f"Meldingen van bewoners per buurt, {year} (aantallen onder {threshold} als ‘< {threshold}’)",
                     page["buurten"], threshold),
        *[Row(f"Doorlooptijden in dagen, {year}", label, page[key].count, None, page[key].median_days,
              page[key].p90_days) for key, label in DURATIONS],
        *[Row(*row) for row in outcome_rows.dutch_rows(page["outcomes"])],  # "Werkt het?"
    ]


def _document_rows(document: dict) -> list[Row]:
    """The statistics document's six tables, each with its total; the open reports after the triage outcome."""
    rows = []
    for section, total, items in statistics.breakdowns(document):
        title = f"{statistics.SECTION_TITLES[section]}, {document['year']}"
        rows += [Row(title, item["label"], item["count"], item["percent"]) for item in items]
        rows.append(Row(title, statistics.TOTAL_LABELS[section], total, 100.0 if total else 0.0))
        if section == "triage.by_outcome":
            rows.append(Row(title, statistics.OPEN_LABEL, document["triage"]["open"]))
    return rows


def _share_rows(section: str, items: list[dict], threshold: int | None = None) -> list[Row]:
    """Label, count and share; an item marked `suppressed` (a small buurt) as "< 5" without a share."""
    return [Row(section, item["label"], f"< {threshold}", None) if item.get("suppressed")
            else Row(section, item["label"], item["count"], item["percent"]) for item in items]


# --- CSV ---------------------------------------------------------------------------------------------

def to_csv(rows: list[Row]) -> bytes:
    """`;`-separated UTF-8 with a byte order mark, CRLF line ends, decimal commas and no thousands separators."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_text(row.section), _text(row.label), _count(row.count), _decimal(row.percent),
                         _decimal(row.median_days), _decimal(row.p90_days)])
    return out.getvalue().encode("utf-8")


def _text(value: str) -> str:
    """One line (a line break typed into a name would split the row in Excel), never a formula."""
    return safe_text(_CONTROL.sub(" ", str(value)))


def _count(count: int | str | None) -> str:
    if count is None:
        return ""
    return str(count) if isinstance(count, int) else _text(count)


def _decimal(value: float | Decimal | None) -> str:
    """80.0 → "80,0"; nothing → an empty cell."""
    return "" if value is None else f"{value:.1f}".replace(".", ",")


# --- XLSX --------------------------------------------------------------------------------------------

def to_xlsx(rows: list[Row], *, title: str) -> bytes:
    """One sheet "Statistieken" with the CSV's columns: counts as whole numbers, shares in percentage format,
    days with one decimal, "< 5" and every label as text; the header bold and frozen, with a filter."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    workbook.properties.title = title
    workbook.properties.creator = "GDT"
    workbook.properties.language = "nl-NL"
    for column, name in enumerate(COLUMNS, start=1):
        text_cell(sheet.cell(row=1, column=column), name).font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        _fill(sheet, number, row)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, name in enumerate(COLUMNS, start=1):
        longest = max([len(name), *(len(str(sheet.cell(row=r, column=column).value or ""))
                                    for r in range(2, len(rows) + 2))])
        sheet.column_dimensions[get_column_letter(column)].width = min(longest + 2, 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _fill(sheet, number: int, row: Row) -> None:
    text_cell(sheet.cell(row=number, column=1), _CONTROL.sub(" ", row.section))
    text_cell(sheet.cell(row=number, column=2), _CONTROL.sub(" ", str(row.label)))
    if isinstance(row.count, int):
        _number(sheet.cell(row=number, column=3), row.count, COUNT_FORMAT)
    elif row.count is not None:
        text_cell(sheet.cell(row=number, column=3), row.count)  # a suppressed count ("< 5") stays what it says
    if row.percent is not None:
        _number(sheet.cell(row=number, column=4), float(Decimal(str(row.percent)) / 100), PERCENT_FORMAT)
    for column, days in ((5, row.median_days), (6, row.p90_days)):
        if days is not None:
            _number(sheet.cell(row=number, column=column), float(days), DAYS_FORMAT)


def _number(cell, value: int | float, number_format: str) -> None:
    cell.value = value
    cell.number_format = number_format
