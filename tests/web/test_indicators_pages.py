"""Indicator pages: the table for managers and coordinators; the admin's definitions, figures, targets, import."""
import html as html_text
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Indicator, IndicatorTarget, IndicatorValue
from gdt.services.reporting import indicator_table, indicators
from tests.services.test_indicators import build
from tests.support.pages import without_session_warning

NEW = {"key": "meldingen", "name": "Meldingen woonoverlast", "source": "reports_total", "unit": "", "position": "",
       "footnote": "Meldingen via app, webformulier en 14040."}


def define_delft(make) -> None:
    """Two years of data (tests.services.test_indicators.build) and indicators with targets and footnotes.

    meldingen: 5 (2024), 4 (2025); target 2025 "< 5" → met; 2024 "< 5" → not met (equal).
    escalatie: 33.3 (2024), 25.0 (2025); target 2025 "> 30" → not met.
    politie (manual): 2024 stored 121, no figure 2025; footnotes on the row and on the stored figure.
    """
    build(make)
    meldingen = indicators.create_indicator("meldingen", "Meldingen woonoverlast", source="reports_total",
                                            footnote="Meldingen via app, webformulier en 14040.", actor=None)
    escalatie = indicators.create_indicator("escalatie", "Aandeel in behandeling GDT", source="share_escalated",
                                            actor=None)
    politie = indicators.create_indicator("politie", "Incidenten woonoverlast (politie)", source="manual",
                                          unit="count", footnote="Bron: politie, basisteam.", actor=None)
    indicators.set_target(meldingen, year=2024, comparator="lt", value="5", actor=None)
    indicators.set_target(meldingen, year=2025, comparator="lt", value="5", actor=None)
    indicators.set_target(escalatie, year=2025, comparator="gt", value="30", actor=None)
    indicators.set_value(politie, year=2024, value="1234", note="Tot 1 oktober.", actor=None)


@pytest.fixture
def admin(make):
    return make.user("admin")


@pytest.fixture
def client(client_as, admin):
    return client_as(user=admin)


def _cells(html: str, name: str) -> list[str]:
    """The text of the cells in the row headed `name`, tags removed and white space collapsed."""
    row = re.search(rf'<tr class="utrecht-table__row">\s*<th[^>]*scope="row">{re.escape(name)}.*?</tr>', html, re.S)
    assert row, name
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    return [" ".join(html_text.unescape(re.sub(r"<[^>]+>", " ", cell)).replace("\xa0", " ").split()) for cell in cells]


def test_manager_sees_years_targets_met_marking_and_footnotes(client_as, make):
    define_delft(make)
    page = client_as("manager").get("/statistics/indicators?from=2024&to=2025")
    assert page.status_code == 200
    html = page.text
    assert "Indicatoren 2024–2025, met het doel voor 2025" in html
    assert re.findall(r'<th class="utrecht-table__header-cell gdt-numeric" scope="col">([^<]+)</th>', html) == [
        "2024", "2025", "Doel 2025"]
    # Met or not is a word and a symbol, with the target for screen readers: never colour alone.
    assert _cells(html, "Meldingen woonoverlast") == [
        "aantal", "5 ✗ niet gehaald (doel < 5)", "4 ✓ gehaald (doel < 5)", "< 5"]
    assert _cells(html, "Aandeel in behandeling GDT") == [
        "%", "33,3", "25,0 ✗ niet gehaald (doel > 30)", "> 30"]
    assert _cells(html, "Incidenten woonoverlast (politie)") == ["aantal", "1.234 3", "– geen cijfer", "– geen doel"]
    assert '<span aria-hidden="true">✓</span> gehaald' in html
    assert '<span class="gdt-visually-hidden"> (doel' in html
    footnotes = re.findall(r'<li class="utrecht-ordered-list__item" id="voetnoot-(\d)" value="\d">([^<]+)</li>', html)
    assert footnotes == [("1", "Meldingen via app, webformulier en 14040."), ("2", "Bron: politie, basisteam."),
                         ("3", "Tot 1 oktober.")]
    assert 'href="#voetnoot-1" aria-label="voetnoot 1"' in html
    assert "<script" not in without_session_warning(html)


def test_the_table_reads_in_english_too(client_as, make):
    define_delft(make)
    client = client_as("manager")
    client.post("/language", data={"locale": "en", "next": "/statistics/indicators"})
    html = client.get("/statistics/indicators?from=2024&to=2025").text
    assert _cells(html, "Aandeel in behandeling GDT")[1:3] == ["33.3", "25.0 ✗ not met (target > 30)"]
    assert "1,234" in html


def test_a_figure_entered_for_a_computed_indicator_is_marked(client_as, make):
    define_delft(make)
    indicators.set_value(indicators.get_indicator("meldingen"), year=2023, value="365", actor=None)
    html = client_as("manager").get("/statistics/indicators?from=2023&to=2025").text
    assert _cells(html, "Meldingen woonoverlast")[1] == "365 * (ingevoerd cijfer)"
    assert "* Ingevoerd of geïmporteerd cijfer" in html


def test_coordinator_may_see_the_table_and_the_view_is_audited(client_as, make, db):
    define_delft(make)
    coordinator = make.user("coordinator")
    assert client_as(user=coordinator).get("/statistics/indicators?from=2024&to=2025").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "indicators"))
    assert (event.actor_id, event.action, event.object_ref) == (coordinator.id, "view", "2024-2025")


@pytest.mark.parametrize("role", ["intake", "partner", "admin"])
def test_other_roles_may_not_see_the_table(client_as, role):
    assert client_as(role).get("/statistics/indicators").status_code == 403


@pytest.mark.parametrize("role", ["intake", "partner", "manager", "coordinator"])
def test_only_admins_manage_indicators(client_as, make, role):
    indicators.create_indicator("meldingen", "Meldingen", source="reports_total", actor=None)
    client = client_as(role)
    for url in ("/admin/indicators", "/admin/indicators/new", "/admin/indicators/import",
                "/admin/indicators/meldingen"):
        assert client.get(url).status_code == 403, url
    for url in ("/admin/indicators/new", "/admin/indicators/import", "/admin/indicators/meldingen",
                "/admin/indicators/meldingen/values", "/admin/indicators/meldingen/values/delete",
                "/admin/indicators/meldingen/targets", "/admin/indicators/meldingen/targets/delete",
                "/admin/indicators/meldingen/deactivate", "/admin/indicators/meldingen/activate"):
        assert client.post(url, data={}).status_code == 403, url


def test_without_login_the_pages_send_to_login(app, db):
    for url in ("/statistics/indicators", "/admin/indicators"):
        response = app.test_client().get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_table_never_shows_personal_data(client_as, make):
    define_delft(make)
    make.report(channel="app", reporter_name="Geheime Melder", postcode="9999ZZ", description="Zeer persoonlijk")
    html = client_as("manager").get("/statistics/indicators?from=2024&to=2025").text
    for personal in ("Jan Jansen", "Geheime Melder", "0612345678", "5611AB", "5611 AB", "9999ZZ", "9999 ZZ",
                     "GDT-T-", "GDT-C-", "Harde muziek", "Zeer persoonlijk"):
        assert personal not in html


def test_years_default_to_the_last_ten_and_a_longer_range_is_cut(client_as, make):
    this_year = indicator_table.current_year()
    score = indicators.create_indicator("score", "Score", source="manual", unit="count", actor=None)
    indicators.set_value(score, year=this_year - 12, value="7", actor=None)
    client = client_as("manager")
    html = client.get("/statistics/indicators").text
    shown = re.findall(r'scope="col">(\d{4})</th>', html)
    assert shown == [str(year) for year in range(this_year - 9, this_year + 1)]
    assert f'<option value="{this_year - 12}" >' in html or f'<option value="{this_year - 12}">' in html
    html = client.get(f"/statistics/indicators?from={this_year - 12}&to={this_year}").text
    assert "De tabel toont hoogstens 10 jaren" in html
    html = client.get(f"/statistics/indicators?from={this_year - 12}&to={this_year - 11}").text
    assert re.findall(r'scope="col">(\d{4})</th>', html) == [str(this_year - 12), str(this_year - 11)]
    assert _cells(html, "Score")[1].startswith("7")


def test_without_indicators_the_table_says_so(client_as):
    page = client_as("manager").get("/statistics/indicators")
    assert page.status_code == 200 and "Er zijn nog geen indicatoren." in page.text


# --- admin ------------------------------------------------------------------------------------------

def _audited(db, actor) -> list[tuple[str, str]]:
    return [tuple(row) for row in db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_ref).where(
        AuditEvent.object_type == "indicator", AuditEvent.actor_id == actor.id).order_by(AuditEvent.id))]


def test_admin_creates_an_indicator_and_sees_it_listed(client, admin, db):
    assert client.get("/admin/indicators/new").status_code == 200
    response = client.post("/admin/indicators/new", data=NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/indicators/meldingen"
    page = client.get("/admin/indicators/meldingen")
    assert page.status_code == 200 and "Indicator Meldingen woonoverlast is toegevoegd." in page.text
    listing = client.get("/admin/indicators").text
    assert 'href="/admin/indicators/meldingen"' in listing and "Meldingen van bewoners" in listing
    assert 'href="/admin/indicators/new"' in listing and 'href="/admin/indicators/import"' in listing
    item = db.session.scalar(sa.select(Indicator))
    assert (item.source, item.unit, item.position, item.is_active) == ("reports_total", "count", 0, True)
    assert _audited(db, admin) == [("create", "meldingen")]


def test_a_bad_new_indicator_is_shown_again_with_field_errors_and_nothing_is_stored(client, db):
    response = client.post("/admin/indicators/new", data=NEW | {"key": "Geen Sleutel", "name": "",
                                                                "source": "manual"})
    assert response.status_code == 422
    for field in ("key", "name", "unit"):
        assert f'id="{field}-error"' in response.text
    assert 'id="error-summary"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Indicator)) == 0


def test_admin_edits_an_indicator(client, admin, db):
    client.post("/admin/indicators/new", data=NEW)
    page = client.get("/admin/indicators/meldingen").text
    assert 'value="Meldingen woonoverlast"' in page and '<option selected value="reports_total">' in page
    response = client.post("/admin/indicators/meldingen", data={
        "name": "Woonoverlast-meldingen", "source": "manual", "unit": "count", "position": "4", "footnote": ""})
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.scalar(sa.select(Indicator))
    assert (item.name, item.source, item.unit, item.position, item.footnote) == (
        "Woonoverlast-meldingen", "manual", "count", 4, None)
    response = client.post("/admin/indicators/meldingen", data={
        "name": "X", "source": "median_days_to_triage", "unit": "count", "position": "x"})
    assert response.status_code == 422
    assert 'id="unit-error"' in response.text and 'id="position-error"' in response.text


def test_admin_sets_and_removes_values_and_targets(client, admin, db):
    client.post("/admin/indicators/new", data=NEW)
    response = client.post("/admin/indicators/meldingen/values",
                           data={"value-year": "2017", "value-value": "365", "value-note": "Delft, 2017."})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/indicators/meldingen#values-heading"
    response = client.post("/admin/indicators/meldingen/targets",
                           data={"target-year": "2021", "target-comparator": "lt", "target-value": "80"})
    assert response.status_code == 302
    page = client.get("/admin/indicators/meldingen").text
    assert "Het doel voor 2021 is opgeslagen." in page
    assert re.search(r'scope="row">2017</th>\s*<td class="utrecht-table__cell gdt-numeric">365</td>', page)
    assert "Delft, 2017." in page and "&lt;&nbsp;80" in page
    assert db.session.scalar(sa.select(IndicatorTarget.comparator)) == "lt"

    assert client.post("/admin/indicators/meldingen/values/delete",
                       data={"delete-value-year": "2017"}).status_code == 302
    assert client.post("/admin/indicators/meldingen/targets/delete",
                       data={"delete-target-year": "2021"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorTarget)) == 0
    assert _audited(db, admin) == [("create", "meldingen"), ("set_value", "meldingen"), ("set_target", "meldingen"),
                                   ("delete_value", "meldingen"), ("delete_target", "meldingen")]


def test_bad_values_and_targets_are_shown_next_to_their_fields(client, db):
    client.post("/admin/indicators/new", data=NEW)
    response = client.post("/admin/indicators/meldingen/values",
                           data={"value-year": "17", "value-value": "1.234"})
    assert response.status_code == 422
    assert 'id="value-year-error"' in response.text and 'id="value-value-error"' in response.text
    assert 'value="1.234"' in response.text  # the input is kept
    response = client.post("/admin/indicators/meldingen/targets",
                           data={"target-year": "2021", "target-comparator": "", "target-value": "80"})
    assert response.status_code == 422 and 'id="target-comparator-error"' in response.text
    response = client.post("/admin/indicators/meldingen/values/delete", data={"delete-value-year": "2017"})
    assert response.status_code == 422 and "Voor dit jaar is niets vastgelegd." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 0


def test_admin_deactivates_and_reactivates_an_indicator(client, client_as, admin, db):
    client.post("/admin/indicators/new", data=NEW)
    assert client.post("/admin/indicators/meldingen/deactivate").status_code == 302
    assert "Indicator weer activeren" in client.get("/admin/indicators/meldingen").text
    assert "Meldingen woonoverlast" not in client_as("manager").get("/statistics/indicators").text
    assert client.post("/admin/indicators/meldingen/activate").status_code == 302
    assert "Meldingen woonoverlast" in client_as("manager").get("/statistics/indicators").text
    assert _audited(db, admin)[-2:] == [("deactivate", "meldingen"), ("activate", "meldingen")]


def test_an_unknown_indicator_is_not_found(client):
    assert client.get("/admin/indicators/bestaat-niet").status_code == 404
    assert client.post("/admin/indicators/bestaat-niet/values", data={}).status_code == 404


def _upload(client, name: str, content: bytes):
    return client.post("/admin/indicators/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_admin_imports_historic_figures_from_csv(client, admin, db):
    client.post("/admin/indicators/new", data=NEW)
    assert client.get("/admin/indicators/import").status_code == 200
    response = _upload(client, "delft.csv", b"indicator,year,value\nmeldingen,2018,365\nmeldingen,2019,261\n")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/indicators"
    assert "2 cijfers zijn geïmporteerd." in client.get("/admin/indicators").text
    assert sorted(db.session.execute(sa.select(IndicatorValue.year, IndicatorValue.value)).all()) == [
        (2018, 365), (2019, 261)]


def test_a_bad_row_imports_nothing_and_the_page_lists_row_and_column(client, db):
    client.post("/admin/indicators/new", data=NEW)
    response = _upload(client, "fout.csv", b"indicator,year,value\nmeldingen,2018,365\nonbekend,2019,12\n"
                                           b"meldingen,2020,veel\n")
    assert response.status_code == 422
    assert "Er is niets geïmporteerd" in response.text and "Het bestand heeft 2 problemen." in response.text
    problems = re.findall(r'<td class="utrecht-table__cell gdt-numeric">(\d+)</td>\s*'
                          r'<td class="utrecht-table__cell">([^<]+)</td>', response.text)
    assert problems == [("3", "indicator"), ("4", "value")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 0


def test_admin_imports_xlsx_and_an_upload_without_file_is_refused(client, db):
    client.post("/admin/indicators/new", data=NEW)
    workbook = openpyxl.Workbook()
    for row in (["indicator", "year", "value", "note"], ["meldingen", 2019, 463, "Schatting"]):
        workbook.active.append(row)
    content = io.BytesIO()
    workbook.save(content)
    assert _upload(client, "delft.xlsx", content.getvalue()).status_code == 302
    assert db.session.execute(sa.select(IndicatorValue.year, IndicatorValue.note)).one() == (2019, "Schatting")
    response = client.post("/admin/indicators/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Kies een bestand." in response.text
    response = _upload(client, "cijfers.pdf", b"%PDF-1.4")
    assert response.status_code == 422 and "Gebruik een .csv- of .xlsx-bestand." in response.text
