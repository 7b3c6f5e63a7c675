"""Statistics exports and charts: exact figures in every format, no personal data,
formula-looking text kept as text, small cells suppressed, the Amsterdam year."""
import csv
import inspect
import io
import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import openpyxl
import pypdf
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services.core import areas
from gdt.services.core.errors import NotFound
from gdt.services.reporting import anonymous_exports, charts, exports, funnel, spreadsheet_text, statistics
from tests.services.test_statistics import build_2026 as build_statistics_2026

RD_NAME = "Ruimtelijk Domein (gemeente)"
FORMULA = '=HYPERLINK("http://evil.example","klik")'
SVG = "{http://www.w3.org/2000/svg}"
PERSONAL = ("Jan Jansen", "Geheime Melder", "melder@example.org", "0612345678", "0687654321", "Harde muziek",
            "Zeer persoonlijk", "Kerkstraat", "5611AB", "5611 AB", "9999ZZ", "GDT-T-", "GDT-C-", "Eindhoven")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def build_2026(make) -> None:
    """10 resident reports in 2026: 8 app, 1 webform, 1 phone.

    Triage: 8 referred (6 Ruimtelijk Domein, 2 politie), 1 escalated (a regie case), 1 app report open.
    """
    politie = make.partner("politie", name="Politie")
    for _ in range(5):
        make.report(status="referred", channel="app")
    make.report(status="referred", channel="app", referred_partner=politie)
    make.report(status="escalated", channel="app", case=make.case(mode="regie"))
    make.report(channel="app")
    make.report(status="referred", channel="webform")
    make.report(status="referred", channel="phone", referred_partner=politie)


EXPECTED_ROWS = [
    ["reports.by_channel", "app", "Woonoverlast-app", "8", "80.0"],
    ["reports.by_channel", "webform", "Webformulier", "1", "10.0"],
    ["reports.by_channel", "phone", "Telefoon (14040)", "1", "10.0"],
    ["reports.by_channel", "total", "Totaal meldingen van bewoners", "10", "100.0"],
    ["triage.by_outcome", "referred", "Doorverwezen", "8", "88.9"],
    ["triage.by_outcome", "escalated", "In behandeling GDT", "1", "11.1"],
    ["triage.by_outcome", "total", "Totaal beoordeeld", "9", "100.0"],
    ["triage", "open", "Nog niet beoordeeld", "1", ""],
    ["triage.referred_to", "ruimtelijk-domein", RD_NAME, "6", "75.0"],
    ["triage.referred_to", "politie", "Politie", "2", "25.0"],
    ["triage.referred_to", "total", "Totaal doorverwezen", "8", "100.0"],
    ["gdt.from_reports.by_mode", "advice", "Informatie/advies aan ketenpartner", "0", "0.0"],
    ["gdt.from_reports.by_mode", "regie", "Casus-/procesregie", "1", "100.0"],
    ["gdt.all_cases.by_source", "report", "Melding", "1", "100.0"],
    ["gdt.all_cases.by_source", "partner", "Aanmelding ketenpartner", "0", "0.0"],
    ["gdt.all_cases.by_mode", "regie", "Casus-/procesregie", "1", "100.0"],
]


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _sheet(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Statistieken"]
    return workbook["Statistieken"]


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _rows(year: int, threshold: int = 1) -> list[dict]:
    """The row export's data lines (without its footer); k = 1 generalises nothing, so each report shows as it is."""
    lines = anonymous_exports.anonymous_rows(year, threshold)
    return list(csv.DictReader(io.StringIO("".join(line for line in lines if not line.startswith("#")))))


def _counts(year: int, threshold: int = 5) -> dict[tuple, str]:
    reader = csv.DictReader(io.StringIO("".join(anonymous_exports.anonymous_counts(year, threshold))))
    return {(row["month"], row["channel"], row["category"], row["triage_outcome"]): row["count"] for row in reader}


# --- CSV, XLSX, PDF: what the page shows ---------------------------------------------------------

def test_the_machine_csv_has_the_exact_counts_and_percentages(make):
    build_2026(make)
    rows = _csv(exports.machine_csv_bytes(funnel.yearly_funnel(2026)))
    assert rows[0] == ["section", "key", "label", "count", "percent"]
    for expected in EXPECTED_ROWS:
        assert expected in rows


def test_the_machine_csv_begins_with_the_cli_csv(make):
    build_2026(make)
    page = funnel.yearly_funnel(2026)
    data = exports.machine_csv_bytes(page)
    assert data.decode("utf-8").startswith(statistics.render(page["document"], "csv") + "\n")
    assert data.startswith(b"section,key,label,count,percent\n") and b"\r\n" not in data  # no BOM, LF line ends


# --- The Dutch CSV and XLSX: what a Dutch Excel opens as it is -------------------------------------

DUTCH_HEADER = ["Onderdeel", "Omschrijving", "Aantal", "Aandeel (%)", "Mediaan (dagen)", "90e percentiel (dagen)"]
CHANNELS_2026 = "Meldingen van bewoners per kanaal, 2026"


def _dutch_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    text = data.decode("utf-8")[1:]
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_the_csv_is_dutch_semicolons_a_bom_decimal_commas_and_dutch_headers(make):
    build_2026(make)
    rows = _dutch_csv(exports.csv_bytes(funnel.yearly_funnel(2026)))
    assert rows[0] == DUTCH_HEADER
    assert all(len(row) == 6 for row in rows)
    assert [CHANNELS_2026, "Woonoverlast-app", "8", "80,0", "", ""] in rows
    assert [CHANNELS_2026, "Totaal meldingen van bewoners", "10", "100,0", "", ""] in rows
    assert ["Uitkomst van de triage, 2026", "In behandeling GDT", "1", "11,1", "", ""] in rows
    assert ["Uitkomst van de triage, 2026", "Nog niet beoordeeld", "1", "", "", ""] in rows
    assert ["Doorverwezen naar, 2026", "Politie", "2", "25,0", "", ""] in rows
    assert ["Meldingen van bewoners per kanaal, 2025", "Woonoverlast-app", "0", "0,0", "", ""] in rows
    assert not any("." in cell for row in rows[1:] for cell in row[2:])  # no decimal points, no thousands dots


def test_the_dutch_csv_has_every_figure_of_the_machine_csv(make, db):
    build_page_2026(make, db)
    page = funnel.yearly_funnel(2026)
    machine = _csv(exports.machine_csv_bytes(page))[1:]
    dutch = _dutch_csv(exports.csv_bytes(page))[1:]
    shares = [(row[3], row[4]) for row in machine if row[0] not in ("paragraph",) and row[0][:5] != "time_"
              and not row[0].startswith("outcomes.durations")]
    assert sorted(shares) == sorted((row[2], row[3].replace(",", ".")) for row in dutch
                                    if row[1] != page["paragraph"]["text"] and not row[0].startswith("Doorloop"))


def test_the_dutch_csv_carries_the_whole_page(make, db):
    areas.add_missing_names({"WK077201": "Centrum", "BU07720101": "Binnenstad"}, actor=None)
    build_page_2026(make, db)
    page = funnel.yearly_funnel(2026)
    rows = _dutch_csv(exports.csv_bytes(page))
    sections = list(dict.fromkeys(row[0] for row in rows[1:]))
    assert sections[:6] == ["Meldingen van bewoners per kanaal, 2026", "Uitkomst van de triage, 2026",
                            "Doorverwezen naar, 2026", "GDT-casussen uit meldingen, per werkwijze, 2026",
                            "Alle GDT-casussen, per bron, 2026", "Alle GDT-casussen, per werkwijze, 2026"]
    assert sections[6] == "Meldingen van bewoners per kanaal, 2025" and sections[12:] == [
        "Tekst voor het jaarverslag", "Tekst voor het jaarverslag: de exacte cijfers achter elke ‘ca’",
        "Meldingen van bewoners per maand van ontvangst, 2026", "Meldingen van bewoners per categorie, 2026",
        "Meldingen van bewoners per wijk, 2026",
        "Meldingen van bewoners per buurt, 2026 (aantallen onder 5 als ‘< 5’)", "Doorlooptijden in dagen, 2026",
        # "Werkt het?" (tests/services/test_outcome_exports.py)
        "Interventies per soort, 2026", "Gesloten casussen per resultaat, 2026",
        "Opnieuw overlast na sluiten, casussen gesloten in 2026",
        "Doorlooptijd van opening tot sluiten per werkwijze, casussen gesloten in 2026 (dagen)",
        "Tevredenheid van melders, antwoorden gegeven in 2026 (score 1 tot en met 5)"]
    by_label = {(row[0].split(",")[0], row[1]): row[2:] for row in rows[1:]}
    assert by_label[("Tekst voor het jaarverslag", page["paragraph"]["text"])] == ["", "", "", ""]
    assert by_label[("Meldingen van bewoners per maand van ontvangst", "juni")] == ["7", "30,4", "", ""]
    assert by_label[("Meldingen van bewoners per wijk", "Centrum (WK077201)")] == ["8", "34,8", "", ""]
    assert by_label[("Meldingen van bewoners per buurt", "Centrum · Binnenstad (BU07720101)")] == ["5", "21,7", "", ""]
    assert by_label[("Meldingen van bewoners per buurt", "Centrum · BU07720102")] == ["< 5", "", "", ""]
    assert by_label[("Doorlooptijden in dagen", "Ontvangst tot triage")] == ["20", "", "0,0", "1,3"]
    assert by_label[("Doorlooptijden in dagen", "Eerste melding tot sluiten casus")] == ["1", "", "20,0", "20,0"]


def test_formula_looking_labels_get_an_apostrophe_in_the_dutch_csv(make):
    make.report(status="referred", channel="app", referred_partner=make.partner("=cmd", name=FORMULA))
    make.report(status="referred", channel="app", referred_partner=make.partner("@x", name="\r+1;2"))
    rows = _dutch_csv(exports.csv_bytes(funnel.yearly_funnel(2026)))
    assert ["Doorverwezen naar, 2026", "'" + FORMULA, "1", "50,0", "", ""] in rows
    assert ["Doorverwezen naar, 2026", "' +1;2", "1", "50,0", "", ""] in rows  # the ";" quoted, the row whole
    assert all(len(row) == 6 for row in rows)


def test_the_xlsx_has_dutch_headers_whole_counts_and_percentages(make):
    build_2026(make)
    page = funnel.yearly_funnel(2026)
    sheet = _sheet(exports.xlsx_bytes(page))
    header = list(next(sheet.iter_rows(max_row=1)))
    assert [cell.value for cell in header] == DUTCH_HEADER and all(cell.font.bold for cell in header)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    assert sheet.max_row == len(_dutch_csv(exports.csv_bytes(page)))
    app = next(row for row in sheet.iter_rows(min_row=2) if (row[0].value, row[1].value) == (
        CHANNELS_2026, "Woonoverlast-app"))
    assert (app[2].value, app[2].data_type, app[2].number_format) == (8, "n", "#,##0")
    assert isinstance(app[2].value, int)
    assert (app[3].value, app[3].data_type, app[3].number_format) == (0.8, "n", "0.0%")
    triage = {row[1].value: row for row in sheet.iter_rows(min_row=2) if row[0].value == "Uitkomst van de triage, 2026"}
    assert triage["In behandeling GDT"][3].value == pytest.approx(0.111)
    assert triage["Nog niet beoordeeld"][2].value == 1 and triage["Nog niet beoordeeld"][3].value is None


@pytest.mark.parametrize(("name", "shown"), [
    (FORMULA, FORMULA), ("+31 6 1234", "+31 6 1234"), ("-2+3", "-2+3"), ("@SUM(A1:A2)", "@SUM(A1:A2)"),
    ("  =1+1", "  =1+1"), ("\t=1+1", " =1+1"), ("\r=1+1", " =1+1"), ("\r\n=1+1", " =1+1"),
])
def test_formula_looking_labels_stay_text_in_xlsx(make, name, shown):
    make.report(status="referred", channel="app", referred_partner=make.partner("kwaadwillend", name=name))
    sheet = _sheet(exports.xlsx_bytes(funnel.yearly_funnel(2026)))
    cells = [row for row in sheet.iter_rows(min_row=2) if row[0].value == "Doorverwezen naar, 2026"]
    assert [(row[1].value, row[2].value) for row in cells] == [(shown, 1), ("Totaal doorverwezen", 1)]
    cell = cells[0][1]
    assert cell.data_type == "s" and cell.value == shown
    assert cell.quotePrefix is True
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_formula_looking_keys_and_labels_get_an_apostrophe_in_the_machine_csv(make):
    make.report(status="referred", channel="app", referred_partner=make.partner("=cmd", name=FORMULA))
    make.report(status="referred", channel="app", referred_partner=make.partner("@x", name="\r+1"))
    rows = _csv(exports.machine_csv_bytes(funnel.yearly_funnel(2026)))
    assert ["triage.referred_to", "'=cmd", "'" + FORMULA, "1", "50.0"] in rows
    assert ["triage.referred_to", "'@x", "' +1", "1", "50.0"] in rows
    assert all(len(row) == 5 for row in rows)
    assert not any(spreadsheet_text.looks_like_formula(cell) for row in rows for cell in row if not cell[-1:].isdigit())


def test_control_characters_in_a_label_do_not_break_the_workbook(make):
    make.report(status="referred", referred_partner=make.partner("vreemd", name="Naam\x01met\x1bstuurteken"))
    sheet = _sheet(exports.xlsx_bytes(funnel.yearly_funnel(2026)))
    assert any(row[1] == "Naam met stuurteken" for row in sheet.iter_rows(values_only=True))


def test_pdf_has_the_tables_and_charts_in_dutch(make):
    build_2026(make)
    text = _pdf_text(exports.pdf_bytes(funnel.yearly_funnel(2026)))
    squashed = "".join(text.split())  # pypdf may split a word at a kerning gap ("T elefoon")

    def shows(phrase: str) -> bool:
        return "".join(phrase.split()) in squashed

    assert shows("GDT-statistieken 2026") and shows("Meldingen van bewoners per kanaal")
    assert shows("Woonoverlast-app 8 80,0 %")
    assert shows("Webformulier 1 10,0 %") and shows("Telefoon (14040) 1 10,0 %")
    assert shows("Totaal meldingen van bewoners 10 100,0 %")
    assert shows("Doorverwezen 8 88,9 %") and shows("In behandeling GDT 1 11,1 %")
    assert shows("Nog niet beoordeeld 1 n.v.t.")
    assert shows(f"{RD_NAME} 6 75,0 %") and shows("Politie 2 25,0 %")
    assert shows("Casus-/procesregie 1 100,0 %")
    assert shows("Woonoverlast-app 8 (80,0 %)")  # the chart's label and value
    assert shows("Meldingen van bewoners per kanaal, 2026")  # the chart's visible title


def test_pdf_is_tagged_and_dutch(make):
    data = exports.pdf_bytes(funnel.yearly_funnel(2026))
    reader = pypdf.PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nl" and "/StructTreeRoot" in catalog
    assert reader.metadata.title == "GDT-statistieken 2026"


def test_pdf_never_shows_personal_data(make):
    build_2026(make)
    _personal_reports(make)
    text = _pdf_text(exports.pdf_bytes(funnel.yearly_funnel(2026)))
    for personal in PERSONAL:
        assert personal not in text


# --- The rest of the page: last year, the paragraph, months, areas, durations --------------------

def build_page_2026(make, db) -> None:
    """test_statistics' 15 resident reports (March) and a few more with areas, triage times and a closed case.

    June: 5 app reports in buurt BU07720101 triaged after 1 day, 2 webform reports in BU07720102 after 4 days
    (both Vervuiling, wijk WK077201); the personal-data report in BU07720111 (March, open); one 2025 report;
    a case received 1 April 2026 and closed 20 days later.
    """
    build_statistics_2026(make)
    june = at(2026, 6, 10, 9)
    vervuiling = make.category("vervuiling")
    for count, buurt, days, channel in ((5, "BU07720101", 1, "app"), (2, "BU07720102", 4, "webform")):
        for _ in range(count):
            report = make.report("referred", channel=channel, category=vervuiling, received_at=june,
                                 wijk_code="WK077201", buurt_code=buurt)
            report.triaged_at = june + timedelta(days=days)
    _personal_reports(make)
    make.report("referred", channel="webform", received_at=at(2025, 11, 5, 10))
    make.case("closed", mode="advice", received_at=at(2026, 4, 1, 9), closed_at=at(2026, 4, 21, 9))
    db.session.commit()


PAGE_SECTIONS = [
    *[f"previous.{section}" for section in ("reports.by_channel", "triage.by_outcome", "triage", "triage.referred_to",
                                            "gdt.from_reports.by_mode", "gdt.all_cases.by_source",
                                            "gdt.all_cases.by_mode")],
    "paragraph", "paragraph.figures", "months", "categories", "wijken", "buurten", "time_to_triage", "time_to_close",
    # "Werkt het?" (tests/services/test_outcome_exports.py)
    "outcomes.interventions", "outcomes.closed_cases", "outcomes.recurrence", "outcomes.recurrence.6_months",
    "outcomes.recurrence.12_months", "outcomes.durations.advice", "outcomes.durations.regie", "outcomes.satisfaction",
]
MONTH_NAMES = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
               "november", "december"]


def _extra_rows(page: dict) -> list[list[str]]:
    """The CSV's rows after the CLI's (which are checked to come first, unchanged)."""
    text = exports.machine_csv_bytes(page).decode("utf-8")
    cli = statistics.render(page["document"], "csv") + "\n"
    assert text.startswith(cli)
    return _csv(text[len(cli):].encode("utf-8"))


def _section(rows: list[list[str]], section: str) -> list[list[str]]:
    return [row for row in rows if row[0] == section]


def test_csv_carries_the_whole_page_after_the_cli_rows(make, db):
    build_page_2026(make, db)
    rows = _extra_rows(funnel.yearly_funnel(2026))
    assert list(dict.fromkeys(row[0] for row in rows)) == PAGE_SECTIONS
    assert all(len(row) == 5 for row in rows)
    assert _section(rows, "months") == [
        ["months", f"2026-{number:02d}", name, *{3: ["16", "69.6"], 6: ["7", "30.4"]}.get(number, ["0", "0.0"])]
        for number, name in enumerate(MONTH_NAMES, start=1)]
    assert _section(rows, "categories") == [["categories", "geluidsoverlast", "Geluidsoverlast", "16", "69.6"],
                                            ["categories", "vervuiling", "Vervuiling", "7", "30.4"]]
    assert _section(rows, "wijken") == [["wijken", "onbekend", "onbekend", "15", "65.2"],
                                        ["wijken", "WK077201", "WK077201", "8", "34.8"]]
    assert _section(rows, "buurten") == [
        ["buurten", "onbekend/onbekend", "onbekend · onbekend", "15", "65.2"],
        ["buurten", "WK077201/BU07720101", "WK077201 · BU07720101", "5", "21.7"],
        ["buurten", "WK077201/BU07720102", "WK077201 · BU07720102", "< 5", ""],
        ["buurten", "WK077201/BU07720111", "WK077201 · BU07720111", "< 5", ""],
    ]
    # triage: 13 at once (build_2026), 5 after a day, 2 after four: p90 = 1 + 0.1 × 3 days
    assert _section(rows, "time_to_triage") + _section(rows, "time_to_close") == [
        ["time_to_triage", "count", "Aantal", "20", ""],
        ["time_to_triage", "median_days", "Mediaan (dagen)", "0.0", ""],
        ["time_to_triage", "p90_days", "90e percentiel (dagen)", "1.3", ""],
        ["time_to_close", "count", "Aantal", "1", ""],
        ["time_to_close", "median_days", "Mediaan (dagen)", "20.0", ""],
        ["time_to_close", "p90_days", "90e percentiel (dagen)", "20.0", ""],
    ]


def test_csv_has_last_year_and_the_paragraph(make, db):
    build_page_2026(make, db)
    page = funnel.yearly_funnel(2026)
    rows = _extra_rows(page)
    previous = [row for row in rows if row[0].startswith("previous.")]
    assert previous == [["previous." + section, *rest] for section, *rest in _csv(
        (statistics.render(statistics.yearly_statistics(2025), "csv")).encode("utf-8"))[1:]]
    assert ["previous.reports.by_channel", "webform", "Webformulier", "1", "100.0"] in previous
    assert ["previous.reports.by_channel", "total", "Totaal meldingen van bewoners", "1", "100.0"] in previous
    assert ["previous.triage", "open", "Nog niet beoordeeld", "0", ""] in previous
    text, *figures = _section(rows, "paragraph") + _section(rows, "paragraph.figures")
    assert text == ["paragraph", "text", page["paragraph"]["text"], "", ""]
    assert text[2].startswith("In 2026 zijn 23 signalen van woonoverlast ontvangen.")
    assert figures == [
        ["paragraph.figures", "woonoverlast-app", "Woonoverlast-app", "16", "69.6"],
        ["paragraph.figures", "webformulier-of-telefoon-14040", "webformulier of telefoon (14040)", "7", "30.4"],
        ["paragraph.figures", "doorverwezen", "doorverwezen", "17", "85.0"],
        ["paragraph.figures", "dreigde-te-escaleren", "dreigde te escaleren", "3", "15.0"],
        ["paragraph.figures", "informatie-of-advies", "informatie of advies", "3", "75.0"],
        ["paragraph.figures", "casus-en-of-procesregie", "casus- en/of procesregie", "1", "25.0"],
    ]


def test_xlsx_keeps_suppressed_counts_as_text_and_figures_as_numbers(make, db):
    build_page_2026(make, db)
    page = funnel.yearly_funnel(2026)
    sheet = _sheet(exports.xlsx_bytes(page))
    cells = {(row[0].value.split(",")[0], row[1].value): row for row in sheet.iter_rows(min_row=2)}
    small = cells[("Meldingen van bewoners per buurt", "WK077201 · BU07720102")]
    assert (small[2].value, small[2].data_type, small[3].value) == ("< 5", "s", None)
    large = cells[("Meldingen van bewoners per buurt", "WK077201 · BU07720101")]
    assert (large[2].value, large[2].data_type, large[2].number_format) == (5, "n", "#,##0")
    assert (large[3].value, large[3].number_format) == (pytest.approx(0.217), "0.0%")
    june = cells[("Meldingen van bewoners per maand van ontvangst", "juni")]
    assert (june[2].value, june[3].value) == (7, pytest.approx(0.304))
    triage = cells[("Doorlooptijden in dagen", "Ontvangst tot triage")]
    assert [cell.value for cell in triage[2:]] == [20, None, 0.0, 1.3]
    assert [cell.number_format for cell in triage[4:]] == ["0.0", "0.0"]
    text = cells[("Tekst voor het jaarverslag", page["paragraph"]["text"])]
    assert text[1].data_type == "s" and text[2].value is None
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize(("label", "in_csv"), [(FORMULA, "'" + FORMULA), ("\r\n-1+1", "' -1+1"), ("@A1", "'@A1")])
def test_formula_looking_category_labels_stay_text(make, db, label, in_csv):
    category = make.category("vervuiling")
    category.label = label
    db.session.commit()
    make.report(category=category, channel="app")
    page = funnel.yearly_funnel(2026)
    assert _section(_extra_rows(page), "categories") == [["categories", "vervuiling", in_csv, "1", "100.0"]]
    sheet = _sheet(exports.xlsx_bytes(page))
    cell = next(row[1] for row in sheet.iter_rows(min_row=2)
                if row[0].value == "Meldingen van bewoners per categorie, 2026")
    assert cell.data_type == "s" and cell.quotePrefix is True and cell.value == in_csv[1:]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_pdf_carries_the_whole_page(make, db):
    build_page_2026(make, db)
    page = funnel.yearly_funnel(2026)
    squashed = "".join(_pdf_text(exports.pdf_bytes(page)).split())

    def shows(phrase: str) -> bool:
        return "".join(phrase.split()) in squashed

    assert shows("Tekst voor het jaarverslag") and shows(page["paragraph"]["text"])
    assert shows("De exacte cijfers achter elke ‘ca’") and shows("webformulier of telefoon (14040) 7 30,4 %")
    assert squashed.index("Tekstvoorhetjaarverslag") < squashed.index("Meldingenvanbewonersperkanaal")
    assert shows("Vergelijking met 2025") and shows("2026 naast 2025 Cijfer 2025 2026 Verschil")
    assert shows("Meldingen van bewoners 1 23 +22") and shows("Nog niet beoordeeld 0 3 +3")
    assert shows("Verloop per maand") and shows("maart 16 69,6 % april 0 0,0 % mei 0 0,0 % juni 7 30,4 %")
    assert shows("juni 7 (30,4 %)")  # the months chart
    assert shows("Per categorie, wijk en buurt") and shows("Vervuiling 7 30,4 %")
    assert shows("Meldingen van bewoners per categorie, 2026")  # the categories chart's title
    assert shows("onbekend 15 65,2 % WK077201 8 34,8 %")
    assert shows("WK077201 · BU07720101 5 21,7 % WK077201 · BU07720102 < 5 WK077201 · BU07720111 < 5")
    assert shows("Doorlooptijden") and shows("Van … tot … Aantal Mediaan 90e percentiel")
    assert shows("Ontvangst tot triage 20 0,0 1,3") and shows("Eerste melding tot sluiten casus 1 20,0 20,0")


def test_a_year_without_durations_shows_none(db):
    page = funnel.yearly_funnel(2030)
    assert _section(_extra_rows(page), "time_to_close") == [
        ["time_to_close", "count", "Aantal", "0", ""], ["time_to_close", "median_days", "Mediaan (dagen)", "", ""],
        ["time_to_close", "p90_days", "90e percentiel (dagen)", "", ""]]
    assert _section(_extra_rows(page), "buurten") == []
    median = next(row[4] for row in _sheet(exports.xlsx_bytes(page)).iter_rows(min_row=2)
                  if row[1].value == "Ontvangst tot triage")
    assert median.value is None
    squashed = "".join(_pdf_text(exports.pdf_bytes(page)).split())
    assert "Ontvangsttottriage0––" in squashed and "Eerstemeldingtotsluitencasus0––" in squashed


@pytest.mark.parametrize("fmt", ["csv", "machine_csv", "xlsx", "pdf"])
def test_no_export_of_the_page_shows_personal_data(make, db, fmt):
    build_page_2026(make, db)
    data = getattr(exports, f"{fmt}_bytes")(funnel.yearly_funnel(2026))
    if fmt.endswith("csv"):
        text = data.decode("utf-8")
    elif fmt == "xlsx":
        text = " ".join(str(cell) for row in _sheet(data).iter_rows(values_only=True) for cell in row)
    else:
        text = _pdf_text(data)
    assert "WK077201" in text  # the areas are there, the people are not
    for personal in PERSONAL:
        assert personal not in text


# --- Audit ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "machine-csv", "xlsx", "pdf"])
def test_every_statistics_export_is_audited(make, db, fmt):
    manager = make.user("manager")
    data = exports.export_statistics(2026, fmt, actor=manager)
    assert data
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export"))
    assert (event.actor_id, event.object_type, event.object_ref) == (manager.id, "statistics", f"2026:{fmt}")


def test_the_anonymous_exports_are_audited_before_they_stream(make, db):
    manager = make.user("manager")
    lines = exports.export_rows(2026, actor=manager, threshold=5)
    counts = exports.export_counts(2026, actor=manager, threshold=7)
    events = db.session.execute(sa.select(AuditEvent.object_ref, AuditEvent.detail)
                                .where(AuditEvent.action == "export").order_by(AuditEvent.id)).all()
    assert [tuple(event) for event in events] == [("2026:rows", {"threshold": 5}), ("2026:counts", {"threshold": 7})]
    assert next(lines).startswith("received_quarter,") and next(counts).startswith("month,")


@pytest.mark.parametrize("year", [0, 1899, 3000])
def test_exports_refuse_impossible_years_and_log_nothing(make, db, year):
    manager = make.user("manager")
    with pytest.raises(NotFound):
        exports.export_statistics(year, "csv", actor=manager)
    with pytest.raises(NotFound):
        exports.export_rows(year, actor=manager, threshold=5)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "export")) == 0


# --- Anonymous rows ------------------------------------------------------------------------------

def _personal_reports(make) -> None:
    """Reports full of personal data whose figures count, but whose details must never leave."""
    make.report(channel="app", reporter_name="Geheime Melder", reporter_email="melder@example.org",
                reporter_phone="0687654321", description="Zeer persoonlijk", street="Kerkstraat", city="Eindhoven",
                postcode="9999ZZ", house_number=7, wijk_code="WK077201", buurt_code="BU07720111")


def test_rows_have_one_line_per_report_and_no_personal_data(make):
    build_2026(make)
    _personal_reports(make)
    text = "".join(anonymous_exports.anonymous_rows(2026, 1))
    for personal in PERSONAL:
        assert personal not in text
    rows = _rows(2026)
    assert len(rows) == 11 and text.endswith("# suppressed_reports=0 listed_reports=11 k=1\n")
    assert list(rows[0]) == list(anonymous_exports.ROW_COLUMNS)
    assert sum(row["channel"] == "app" for row in rows) == 9
    assert {row["received_quarter"] for row in rows} == {"2026-Q1"}
    escalated = next(row for row in rows if row["triage_outcome"] == "escalated")
    assert (escalated["case_mode"], escalated["case_source"], escalated["referred_to"]) == ("regie", "report", "")
    assert sum(row["referred_to"] == "politie" for row in rows) == 2
    personal = next(row for row in rows if row["wijk_code"])
    assert "BU07720111" not in text  # the buurt stays out
    assert personal == {"received_quarter": "2026-Q1", "channel": "app", "category": "geluidsoverlast",
                        "wijk_code": "WK077201", "triage_outcome": "open",
                        "referred_to": "", "days_to_triage": "", "case_mode": "", "case_source": ""}


def test_rows_give_days_to_triage_and_undecided_cases(make):
    received = at(2026, 5, 4, 8)
    report = make.report(status="referred", channel="webform", received_at=received)
    report.triaged_at = received + timedelta(hours=36)
    make.report(status="escalated", channel="partner", received_at=received, case=make.case(source="partner"))
    make.session.commit()
    rows = {row["channel"]: row for row in _rows(2026)}
    assert (rows["webform"]["days_to_triage"], rows["partner"]["days_to_triage"]) == ("1.5", "0.0")
    assert (rows["partner"]["case_mode"], rows["partner"]["case_source"]) == ("undecided", "partner")


def test_rows_are_a_lazy_generator_read_in_batches(make, db, monkeypatch):
    for day in range(1, 8):
        make.report(received_at=at(2026, 2, day, 12))
    monkeypatch.setattr(anonymous_exports, "YIELD_PER", 2)
    statements = []

    def capture(_conn, _cursor, statement, *_):
        statements.append(statement)

    sa.event.listen(sa.Engine, "before_cursor_execute", capture)
    try:
        lines = anonymous_exports.anonymous_rows(2026, 5)
        assert inspect.isgenerator(lines) and statements == []  # nothing runs before the first line is asked for
        assert next(lines) == ",".join(anonymous_exports.ROW_COLUMNS) + "\n"
        assert len(list(lines)) == 7 + 1  # and the footer
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", capture)
    assert sum("FROM reports" in statement for statement in statements) == 1


def test_rows_and_counts_use_the_amsterdam_year(make):
    make.report(channel="app", received_at=at(2025, 12, 31, 22, 30))  # 23:30 on 31 December in Amsterdam
    make.report(channel="app", received_at=at(2025, 12, 31, 23, 30))  # 00:30 on 1 January in Amsterdam
    make.report(channel="app", received_at=at(2026, 6, 30, 22, 30))  # 00:30 on 1 July (summer time)
    assert [row["received_quarter"] for row in _rows(2025)] == ["2025-Q4"]
    assert [row["received_quarter"] for row in _rows(2026)] == ["2026-Q1", "2026-Q3"]
    assert _counts(2025, threshold=1)[("2025-12", "app", "geluidsoverlast", "open")] == "1"
    counts = _counts(2026, threshold=1)
    assert counts[("2026-01", "app", "geluidsoverlast", "open")] == "1"
    assert counts[("2026-06", "app", "geluidsoverlast", "open")] == "0"
    assert counts[("2026-07", "app", "geluidsoverlast", "open")] == "1"
    statistics_csv = _csv(exports.machine_csv_bytes(funnel.yearly_funnel(2025)))
    assert ["reports.by_channel", "app", "Woonoverlast-app", "1", "100.0"] in statistics_csv


# --- Aggregate with small-cell suppression -------------------------------------------------------

def test_counts_suppress_one_to_four_and_keep_zero_and_five(make):
    march, april = at(2026, 3, 10, 12), at(2026, 4, 10, 12)
    for _ in range(4):
        make.report(status="referred", channel="app", received_at=march)
    for _ in range(5):
        make.report(status="referred", channel="app", received_at=april)
    make.report(channel="phone", received_at=april)
    counts = _counts(2026)
    assert counts[("2026-03", "app", "geluidsoverlast", "referred")] == "< 5"
    assert counts[("2026-04", "app", "geluidsoverlast", "referred")] == "5"
    assert counts[("2026-04", "phone", "geluidsoverlast", "open")] == "< 5"
    assert counts[("2026-03", "webform", "geluidsoverlast", "escalated")] == "0"
    assert set(counts.values()) == {"0", "< 5", "5"}


def test_counts_list_every_cell_of_the_year(make):
    make.defaults()
    categories = make.session.scalar(sa.text("SELECT count(*) FROM categories"))
    counts = _counts(2026)
    assert len(counts) == 12 * 4 * categories * 3
    assert set(counts.values()) == {"0"}


def test_the_threshold_is_configurable(make):
    for count, day in ((2, 3), (3, 4)):
        for _ in range(count):
            make.report(channel="webform", received_at=at(2026, 9, day, 12))
    counts = _counts(2026, threshold=3)
    assert counts[("2026-09", "webform", "geluidsoverlast", "open")] == "5"
    assert statistics.suppressed(2, 3) == "< 3" and statistics.suppressed(3, 3) == "3"
    assert [statistics.suppressed(n, 5) for n in range(7)] == ["0", "< 5", "< 5", "< 5", "< 5", "5", "6"]
    assert statistics.suppressed(1, 1) == "1"


def test_counts_have_no_personal_data(make):
    _personal_reports(make)
    text = "".join(anonymous_exports.anonymous_counts(2026, 5))
    for personal in PERSONAL:
        assert personal not in text


# --- Charts --------------------------------------------------------------------------------------

def _svg(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_each_breakdown_gets_an_accessible_chart(make):
    build_2026(make)
    document = statistics.yearly_statistics(2026)
    made = charts.charts_for(document)
    assert [chart["section"] for chart in made] == [section for section, _, _ in statistics.breakdowns(document)]
    first = made[0]
    root = _svg(first["svg"])
    assert root.get("role") == "img" and root.get("viewBox").startswith("0 0 640 ")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Meldingen van bewoners per kanaal, 2026"
    assert root.get("aria-labelledby") == title.get("id") and root.get("aria-describedby") == desc.get("id")
    assert "Woonoverlast-app: 8 (80,0\u00a0%)" in desc.text and "Webformulier: 1 (10,0\u00a0%)" in desc.text
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Woonoverlast-app" in texts and "8 (80,0\u00a0%)" in texts and "1 (10,0\u00a0%)" in texts
    assert "Totaal meldingen van bewoners: 10" in texts
    ids = [element.get("id") for chart in made for element in _svg(chart["svg"]).iter() if element.get("id")]
    assert len(ids) == len(set(ids)) == 12


def test_bar_lengths_follow_the_shares(make):
    build_2026(make)
    root = _svg(charts.charts_for(statistics.yearly_statistics(2026))[0]["svg"])
    bars = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect") if rect.get("fill") == charts.BAR]
    assert bars == [charts.TRACK_WIDTH * 0.8, charts.TRACK_WIDTH * 0.1, charts.TRACK_WIDTH * 0.1]


def test_chart_labels_are_escaped(make):
    make.report(status="referred", referred_partner=make.partner("xss", name='<script>alert(1)</script>"&'))
    markup = str(charts.charts_for(statistics.yearly_statistics(2026))[2]["svg"])
    assert "<script>" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&amp;" in markup
    assert _svg(markup).find(f"{SVG}desc").text.startswith("Liggend staafdiagram")


def test_charts_are_deterministic_and_handle_empty_groups(db):
    document = statistics.yearly_statistics(2030)
    first, second = charts.charts_for(document), charts.charts_for(document)
    assert first == second
    referred_to = _svg(first[2]["svg"])
    assert "Geen gegevens." in [element.text for element in referred_to.iter(f"{SVG}text")]
    assert not [rect for chart in first for rect in _svg(chart["svg"]).iter(f"{SVG}rect")
                if rect.get("fill") == charts.BAR]


def test_long_labels_wrap_inside_the_chart():
    label = "Een ketenpartner met een bijzonder lange naam die niet op één regel past " * 2
    root = _svg(charts.bar_chart("Titel", "Beschrijving", [{"label": label, "count": 3, "percent": 100.0}], total=3))
    lines = [element.text for element in root.iter(f"{SVG}text")][1:-1]
    assert len(lines) >= 3 and all(len(line) <= charts.WRAP for line in lines)
    assert re.fullmatch(r"c-[A-Za-z0-9_-]+-title", root.find(f"{SVG}title").get("id"))


def test_the_page_gets_narrow_charts_for_the_document_months_and_categories(make, db):
    build_page_2026(make, db)
    made = charts.page_charts(funnel.yearly_funnel(2026))
    assert list(made) == [section for section, _, _ in statistics.breakdowns(statistics.yearly_statistics(2026))] + [
        "months", "categories"]
    for svg in made.values():
        root = _svg(svg)
        assert (root.get("width"), root.get("viewBox").split()[2]) == (str(charts.PAGE_WIDTH), str(charts.PAGE_WIDTH))
        track = charts.PAGE_WIDTH - charts.PAGE_VALUE_WIDTH
        assert all(float(rect.get("width")) <= track for rect in root.iter(f"{SVG}rect"))
    months = _svg(made["months"])
    title_lines = [text.text for text in months.iter(f"{SVG}text") if text.get("font-weight") == "bold"][:-1]
    assert " ".join(title_lines) == "Meldingen van bewoners per maand van ontvangst, 2026" and len(title_lines) > 1
    assert "juni: 7 (30,4\u00a0%)" in months.find(f"{SVG}desc").text
    values_at = {text.get("x") for text in months.iter(f"{SVG}text") if text.get("text-anchor") == "end"}
    assert values_at == {str(charts.PAGE_WIDTH - 2)}
