"""Statistics downloads: roles, headers, exact figures, streaming, audit, and the charts partial."""
import csv
import io
import re

import openpyxl
import pypdf
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from tests.services.test_exports import PERSONAL, _personal_reports, build_2026
from tests.support.pages import without_session_warning

DOWNLOADS = ["export.csv", "export.xlsx", "export.pdf", "rows.csv", "counts.csv"]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


@pytest.mark.parametrize("role", ["manager", "coordinator"])
@pytest.mark.parametrize("download", DOWNLOADS)
def test_managers_and_coordinators_may_download(client_as, make, role, download):
    build_2026(make)
    response = client_as(role).get(f"/statistics/2026/{download}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ["intake", "admin", "partner"])
@pytest.mark.parametrize("download", DOWNLOADS)
def test_other_roles_are_refused_and_nothing_is_logged(client_as, make, db, role, download):
    build_2026(make)
    assert client_as(role).get(f"/statistics/2026/{download}").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "export")) == 0


def test_without_login_a_download_sends_to_login(app, db):
    response = app.test_client().get("/statistics/2026/export.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("year", [0, 1899, 3000])
def test_impossible_years_are_not_found(client_as, year):
    assert client_as("manager").get(f"/statistics/{year}/export.csv").status_code == 404
    assert client_as("manager").get(f"/statistics/{year}/rows.csv").status_code == 404


def test_the_csv_download_is_dutch_by_default(client_as, make):
    build_2026(make)
    response = client_as("manager").get("/statistics/2026/export.csv")
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="gdt-statistieken-2026.csv"'
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Onderdeel", "Omschrijving", "Aantal", "Aandeel (%)", "Mediaan (dagen)",
                       "90e percentiel (dagen)"]
    assert ["Meldingen van bewoners per kanaal, 2026", "Woonoverlast-app", "8", "80,0", "", ""] in rows
    assert ["Uitkomst van de triage, 2026", "In behandeling GDT", "1", "11,1", "", ""] in rows
    assert ["Meldingen van bewoners per maand van ontvangst, 2026", "maart", "10", "100,0", "", ""] in rows


def test_the_csv_for_bi_tools_is_the_machine_form(client_as, make):
    build_2026(make)
    response = client_as("manager").get("/statistics/2026/export.csv?format=machine")
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="gdt-statistieken-2026-bi.csv"'
    assert response.data.startswith(b"section,key,label,count,percent\n")
    rows = _csv(response)
    assert ["reports.by_channel", "app", "Woonoverlast-app", "8", "80.0"] in rows
    assert ["triage.by_outcome", "escalated", "In behandeling GDT", "1", "11.1"] in rows
    assert ["triage.referred_to", "politie", "Politie", "2", "25.0"] in rows
    assert ["months", "2026-03", "maart", "10", "100.0"] in rows  # the page beyond the document comes along
    assert ["time_to_triage", "count", "Aantal", "9", ""] in rows


def test_an_unknown_csv_form_is_not_found_and_not_logged(client_as, make, db):
    response = client_as("manager").get("/statistics/2026/export.csv?format=excel")
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "export")) == 0


def test_the_page_offers_both_csv_forms_and_says_which_files_are_for_bi_tools(client_as, make):
    build_2026(make)
    html = client_as("manager").get("/statistics/2026").text
    assert '<a class="utrecht-link" href="/statistics/2026/export.csv">CSV voor Excel</a>' in html
    assert '<a class="utrecht-link" href="/statistics/2026/export.csv?format=machine">' in html
    assert "Deze bestanden zijn machineleesbaar: komma’s tussen de velden, een punt als decimaalteken" in html
    downloads = html[html.index('id="downloads"'):html.index('id="annual-report"')]
    assert downloads.index("format=machine") < downloads.index("rows.csv") < downloads.index("machineleesbaar")


def test_the_xlsx_download_reads_back(client_as, make):
    build_2026(make)
    response = client_as("coordinator").get("/statistics/2026/export.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Statistieken"]
    assert ("Meldingen van bewoners per kanaal, 2026", "Webformulier", 1, 0.1, None, None) in set(
        sheet.iter_rows(values_only=True))


def test_the_pdf_download_has_the_figures(client_as, make):
    build_2026(make)
    response = client_as("manager").get("/statistics/2026/export.pdf")
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert "Woonoverlast-app880,0%" in text and "Doorverwezen888,9%" in text
    assert "Tekstvoorhetjaarverslag" in text and "maart10100,0%" in text and "Doorlooptijden" in text


def test_the_rows_download_streams_without_personal_data(client_as, make):
    build_2026(make)
    _personal_reports(make)
    response = client_as("manager").get("/statistics/2026/rows.csv")
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="gdt-meldingen-2026-anoniem.csv"'
    text = response.get_data(as_text=True)
    for personal in PERSONAL:
        assert personal not in text
    rows = _csv(response)
    assert rows[0][0] == "received_quarter" and rows[-1] == ["# suppressed_reports=3 listed_reports=8 k=5"]


def test_the_counts_download_uses_the_configured_threshold(app, client_as, make):
    for _ in range(3):
        make.report(channel="webform")
    client = client_as("manager")
    counts = {tuple(row[:4]): row[4] for row in _csv(client.get("/statistics/2026/counts.csv"))[1:]}
    assert counts[("2026-03", "webform", "geluidsoverlast", "open")] == "< 5"
    app.config["EXPORT_SMALL_CELL_THRESHOLD"] = 3
    try:
        response = client.get("/statistics/2026/counts.csv")
    finally:
        app.config["EXPORT_SMALL_CELL_THRESHOLD"] = 5
    assert response.is_streamed
    counts = {tuple(row[:4]): row[4] for row in _csv(response)[1:]}
    assert counts[("2026-03", "webform", "geluidsoverlast", "open")] == "3"


def test_every_download_is_audited(client_as, make, db):
    manager = make.user("manager")
    client = client_as(user=manager)
    for download in [*DOWNLOADS, "export.csv?format=machine"]:
        response = client.get(f"/statistics/2026/{download}")
        response.get_data()  # a streamed body runs to the end
    events = db.session.execute(sa.select(AuditEvent.actor_id, AuditEvent.object_ref)
                                .where(AuditEvent.action == "export").order_by(AuditEvent.id)).all()
    assert [tuple(event) for event in events] == [
        (manager.id, f"2026:{fmt}") for fmt in ("csv", "xlsx", "pdf", "rows", "counts", "machine-csv")]


def test_the_charts_on_the_page_are_accessible_and_need_nothing_the_csp_blocks(client_as, make):
    build_2026(make)
    html = client_as("manager").get("/statistics/2026").text
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="gdt-chart" role="img".*?</svg>', html, re.S)
    assert len(charts) == 8
    assert all("<title id=" in chart and "<desc id=" in chart for chart in charts)
    assert "8 (80,0\u00a0%)" in charts[0]
    assert "<script" not in without_session_warning(html) and "style=" not in html  # nothing the CSP would block
