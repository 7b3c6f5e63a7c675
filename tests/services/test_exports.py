"""Statistics exports (issue 6 part 5) and charts (part 4): exact figures in every format, no personal data,
formula-looking text kept as text, small cells suppressed, the Amsterdam year."""
import csv
import inspect
import io
import re
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree

import openpyxl
import pypdf
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services import charts, exports, statistics
from gdt.services.errors import NotFound

RD_NAME = "Ruimtelijk Domein (gemeente)"
FORMULA = '=HYPERLINK("http://evil.example","klik")'
SVG = "{http://www.w3.org/2000/svg}"
PERSONAL = ("Jan Jansen", "Geheime Melder", "melder@example.org", "0612345678", "0687654321", "Harde muziek",
            "Zeer persoonlijk", "Kerkstraat", "5611AB", "5611 AB", "9999ZZ", "GDT-T-", "GDT-C-", "Eindhoven")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


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


def _rows(year: int) -> list[dict]:
    return list(csv.DictReader(io.StringIO("".join(exports.anonymous_rows(year)))))


def _counts(year: int, threshold: int = 5) -> dict[tuple, str]:
    reader = csv.DictReader(io.StringIO("".join(exports.anonymous_counts(year, threshold))))
    return {(row["month"], row["channel"], row["category"], row["triage_outcome"]): row["count"] for row in reader}


# --- CSV, XLSX, PDF: what the page shows ---------------------------------------------------------

def test_csv_has_the_exact_counts_and_percentages(make):
    build_2026(make)
    rows = _csv(exports.csv_bytes(statistics.yearly_statistics(2026)))
    assert rows[0] == ["section", "key", "label", "count", "percent"]
    for expected in EXPECTED_ROWS:
        assert expected in rows


def test_csv_is_the_cli_csv(make):
    build_2026(make)
    document = statistics.yearly_statistics(2026)
    assert exports.csv_bytes(document).decode("utf-8").rstrip("\n") == statistics.render(document, "csv")


def test_xlsx_has_the_csv_rows_with_numbers_as_numbers(make):
    build_2026(make)
    document = statistics.yearly_statistics(2026)
    sheet = _sheet(exports.xlsx_bytes(document))
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["section", "key", "label", "count", "percent"]
    csv_rows = _csv(exports.csv_bytes(document))
    assert len(values) == len(csv_rows)
    for expected in EXPECTED_ROWS:
        count, share = int(expected[3]), float(expected[4]) if expected[4] else None
        assert expected[:3] + [count, share] in values
    app = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "app")
    assert (app[3].data_type, app[4].data_type) == ("n", "n")
    assert app[3].value == 8 and app[4].value == 80.0 and app[4].number_format == "0.0"
    assert isinstance(app[3].value, int)


@pytest.mark.parametrize(("name", "shown"), [
    (FORMULA, FORMULA), ("+31 6 1234", "+31 6 1234"), ("-2+3", "-2+3"), ("@SUM(A1:A2)", "@SUM(A1:A2)"),
    ("  =1+1", "  =1+1"), ("\t=1+1", " =1+1"), ("\r=1+1", " =1+1"), ("\r\n=1+1", " =1+1"),
])
def test_formula_looking_labels_stay_text_in_xlsx(make, name, shown):
    make.report(status="referred", channel="app", referred_partner=make.partner("kwaadwillend", name=name))
    sheet = _sheet(exports.xlsx_bytes(statistics.yearly_statistics(2026)))
    cells = [row for row in sheet.iter_rows(min_row=2) if row[0].value == "triage.referred_to"]
    assert [(row[1].value, row[3].value) for row in cells] == [("kwaadwillend", 1), ("total", 1)]
    cell = cells[0][2]
    assert cell.data_type == "s" and cell.value == shown
    assert cell.quotePrefix is True
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_formula_looking_keys_and_labels_get_an_apostrophe_in_csv(make):
    make.report(status="referred", channel="app", referred_partner=make.partner("=cmd", name=FORMULA))
    make.report(status="referred", channel="app", referred_partner=make.partner("@x", name="\r+1"))
    rows = _csv(exports.csv_bytes(statistics.yearly_statistics(2026)))
    assert ["triage.referred_to", "'=cmd", "'" + FORMULA, "1", "50.0"] in rows
    assert ["triage.referred_to", "'@x", "' +1", "1", "50.0"] in rows
    assert all(len(row) == 5 for row in rows)
    assert not any(exports.looks_like_formula(cell) for row in rows for cell in row if not cell[-1:].isdigit())


def test_control_characters_in_a_label_do_not_break_the_workbook(make):
    make.report(status="referred", referred_partner=make.partner("vreemd", name="Naam\x01met\x1bstuurteken"))
    sheet = _sheet(exports.xlsx_bytes(statistics.yearly_statistics(2026)))
    assert any(row[2] == "Naam met stuurteken" for row in sheet.iter_rows(values_only=True))


def test_pdf_has_the_tables_and_charts_in_dutch(make):
    build_2026(make)
    text = _pdf_text(exports.pdf_bytes(statistics.yearly_statistics(2026)))
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
    data = exports.pdf_bytes(statistics.yearly_statistics(2026))
    reader = pypdf.PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nl" and "/StructTreeRoot" in catalog
    assert reader.metadata.title == "GDT-statistieken 2026"


def test_pdf_never_shows_personal_data(make):
    build_2026(make)
    _personal_reports(make)
    text = _pdf_text(exports.pdf_bytes(statistics.yearly_statistics(2026)))
    for personal in PERSONAL:
        assert personal not in text


# --- Audit ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_every_statistics_export_is_audited(make, db, fmt):
    manager = make.user("manager")
    data = exports.export_statistics(2026, fmt, actor=manager)
    assert data
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export"))
    assert (event.actor_id, event.object_type, event.object_ref) == (manager.id, "statistics", f"2026:{fmt}")


def test_the_anonymous_exports_are_audited_before_they_stream(make, db):
    manager = make.user("manager")
    lines = exports.export_rows(2026, actor=manager)
    counts = exports.export_counts(2026, actor=manager, threshold=7)
    events = db.session.execute(sa.select(AuditEvent.object_ref, AuditEvent.detail)
                                .where(AuditEvent.action == "export").order_by(AuditEvent.id)).all()
    assert [tuple(event) for event in events] == [("2026:rows", None), ("2026:counts", {"threshold": 7})]
    assert next(lines).startswith("received_month,") and next(counts).startswith("month,")


@pytest.mark.parametrize("year", [0, 1899, 3000])
def test_exports_refuse_impossible_years_and_log_nothing(make, db, year):
    manager = make.user("manager")
    with pytest.raises(NotFound):
        exports.export_statistics(year, "csv", actor=manager)
    with pytest.raises(NotFound):
        exports.export_rows(year, actor=manager)
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
    text = "".join(exports.anonymous_rows(2026))
    for personal in PERSONAL:
        assert personal not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 11
    assert list(rows[0]) == list(exports.ROW_COLUMNS)
    assert sum(row["channel"] == "app" for row in rows) == 9
    assert {row["received_month"] for row in rows} == {"2026-03"}
    escalated = next(row for row in rows if row["triage_outcome"] == "escalated")
    assert (escalated["case_mode"], escalated["case_source"], escalated["referred_to"]) == ("regie", "report", "")
    assert sum(row["referred_to"] == "politie" for row in rows) == 2
    personal = next(row for row in rows if row["wijk_code"])
    assert "BU07720111" not in "".join(exports.anonymous_rows(2026))  # the buurt stays out
    assert personal == {"received_month": "2026-03", "channel": "app", "category": "geluidsoverlast",
                        "wijk_code": "WK077201", "triage_outcome": "open",
                        "referred_to": "", "days_to_triage": "", "case_mode": "", "case_source": ""}


def test_rows_give_days_to_triage_and_undecided_cases(make):
    received = at(2026, 5, 4, 8)
    report = make.report(status="referred", channel="webform", received_at=received)
    report.triaged_at = received + timedelta(hours=36)
    make.report(status="escalated", channel="partner", received_at=received, case=make.case(source="partner"))
    make.session.commit()
    rows = _rows(2026)
    assert [row["days_to_triage"] for row in rows] == ["1.5", "0.0"]
    assert (rows[1]["case_mode"], rows[1]["case_source"], rows[1]["channel"]) == ("undecided", "partner", "partner")


def test_rows_are_a_lazy_generator_read_in_batches(make, db, monkeypatch):
    for day in range(1, 8):
        make.report(received_at=at(2026, 2, day, 12))
    monkeypatch.setattr(exports, "YIELD_PER", 2)
    statements = []

    def capture(_conn, _cursor, statement, *_):
        statements.append(statement)

    sa.event.listen(sa.Engine, "before_cursor_execute", capture)
    try:
        lines = exports.anonymous_rows(2026)
        assert inspect.isgenerator(lines) and statements == []  # nothing runs before the first line is asked for
        assert next(lines) == ",".join(exports.ROW_COLUMNS) + "\n"
        assert len(list(lines)) == 7
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", capture)
    assert sum("FROM reports" in statement for statement in statements) == 1


def test_rows_and_counts_use_the_amsterdam_year(make):
    make.report(channel="app", received_at=at(2025, 12, 31, 22, 30))  # 23:30 on 31 December in Amsterdam
    make.report(channel="app", received_at=at(2025, 12, 31, 23, 30))  # 00:30 on 1 January in Amsterdam
    make.report(channel="app", received_at=at(2026, 6, 30, 22, 30))  # 00:30 on 1 July (summer time)
    assert [row["received_month"] for row in _rows(2025)] == ["2025-12"]
    assert [row["received_month"] for row in _rows(2026)] == ["2026-01", "2026-07"]
    assert _counts(2025, threshold=1)[("2025-12", "app", "geluidsoverlast", "open")] == "1"
    counts = _counts(2026, threshold=1)
    assert counts[("2026-01", "app", "geluidsoverlast", "open")] == "1"
    assert counts[("2026-06", "app", "geluidsoverlast", "open")] == "0"
    assert counts[("2026-07", "app", "geluidsoverlast", "open")] == "1"
    statistics_csv = _csv(exports.csv_bytes(statistics.yearly_statistics(2025)))
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
    assert exports.suppressed(2, 3) == "< 3" and exports.suppressed(3, 3) == "3"
    assert [exports.suppressed(n, 5) for n in range(7)] == ["0", "< 5", "< 5", "< 5", "< 5", "5", "6"]
    assert exports.suppressed(1, 1) == "1"


def test_counts_have_no_personal_data(make):
    _personal_reports(make)
    text = "".join(exports.anonymous_counts(2026, 5))
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
