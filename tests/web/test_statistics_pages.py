"""The statistics pages: funnel tables and a year selector for managers and coordinators, no personal data."""
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM, utcnow
from gdt.models import AuditEvent
from gdt.services.core import areas
from tests.services.test_statistics import build_2026
from tests.support.pages import without_session_warning


def test_manager_sees_the_funnel_tables_and_the_year_selector(client_as, make):
    build_2026(make)
    page = client_as("manager").get("/statistics/2026")
    assert page.status_code == 200
    html = page.text
    # the document's six tables, the paragraph's figures, last year, months, categories, wijken, buurten, durations,
    # and the five of "Werkt het?" (tests/web/test_statistics_outcomes.py)
    assert html.count('<table class="utrecht-table') == 18
    assert html.count("<caption") == 18
    # beside the document's tables, the months and the categories
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="gdt-chart" role="img"') == 8
    assert "/statistics/2026/export.xlsx" in html and "/statistics/indicators" in html
    assert '<select class="utrecht-select utrecht-select--html-select" id="year" name="year">' in html
    assert '<option value="2026" selected>2026</option>' in html
    assert 'type="submit"' in html and "<script" not in without_session_warning(html)
    assert "Woonoverlast-app" in html and "66,7&nbsp;%" in html and "13,3&nbsp;%" in html
    assert "Ruimtelijk Domein (gemeente)" in html and "70,0&nbsp;%" in html
    assert "Nog niet bepaald" in html and "25,0&nbsp;%" in html
    assert re.search(r'<td class="utrecht-table__cell gdt-numeric">10</td>', html)
    assert '<th class="utrecht-table__header-cell" scope="row">Woonoverlast-app</th>' in html


def test_coordinator_may_see_the_statistics(client_as):
    assert client_as("coordinator").get("/statistics/2026").status_code == 200


@pytest.mark.parametrize("role", ["intake", "admin"])
def test_other_roles_are_refused(client_as, role):
    client = client_as(role)
    assert client.get("/statistics").status_code == 403
    assert client.get("/statistics/2026").status_code == 403


def test_without_login_the_page_sends_to_login(app, db):
    response = app.test_client().get("/statistics/2026")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_never_shows_personal_data(client_as, make):
    build_2026(make)
    make.report(channel="app", reporter_name="Geheime Melder", postcode="9999ZZ", description="Zeer persoonlijk")
    html = client_as("manager").get("/statistics/2026").text
    for personal in ("Jan Jansen", "Geheime Melder", "0612345678", "5611AB", "5611 AB", "9999ZZ", "9999 ZZ",
                     "GDT-T-", "GDT-C-", "Harde muziek", "Zeer persoonlijk"):
        assert personal not in html


def test_index_goes_to_the_latest_year_with_data(client_as, make):
    make.report()  # 2026
    response = client_as("manager").get("/statistics")
    assert response.status_code == 302 and response.headers["Location"].endswith("/statistics/2026")


def test_the_year_selector_submits_to_the_chosen_year(client_as):
    response = client_as("manager").get("/statistics?year=2024")
    assert response.status_code == 302 and response.headers["Location"].endswith("/statistics/2024")


def test_index_without_data_shows_an_empty_state(client_as):
    page = client_as("manager").get("/statistics")
    assert page.status_code == 200
    assert "Er zijn nog geen meldingen of casussen." in page.text
    this_year = utcnow().astimezone(AMSTERDAM).year
    assert f'<option value="{this_year}"' in page.text


def test_a_year_without_data_says_so_instead_of_showing_zeros(client_as, make):
    make.report(received_at=datetime(2024, 6, 1, tzinfo=UTC))
    make.report()  # 2026
    page = client_as("manager").get("/statistics/2025")
    assert page.status_code == 200
    html = page.text
    assert "Geen gegevens voor dit jaar." in html
    assert "In 2025 zijn geen meldingen of casussen binnengekomen. Kies hierboven een ander jaar." in html
    assert "<table" not in html and "<svg" not in html and "0,0&nbsp;%" not in html
    assert "export.csv" not in html and "gdt-toc" not in html  # no downloads of nothing, no table of contents
    assert '<option value="2025" selected>2025</option>' in html


def test_this_year_without_data_says_so(client_as):
    this_year = utcnow().astimezone(AMSTERDAM).year
    page = client_as("manager").get(f"/statistics/{this_year}")
    assert page.status_code == 200 and "Geen gegevens voor dit jaar." in page.text


@pytest.mark.parametrize("year", [0, 1899, 1999, 3000])
def test_years_outside_the_data_are_not_found(client_as, make, year):
    make.report()
    page = client_as("manager").get(f"/statistics/{year}")
    assert page.status_code == 404
    assert f"Voor {year} zijn geen statistieken. Kies een jaar van 2026 tot en met" in page.text


def test_the_year_before_the_first_year_with_data_and_next_year_are_not_found(client_as, make, db):
    make.report(received_at=datetime(2024, 6, 1, tzinfo=UTC))
    this_year = utcnow().astimezone(AMSTERDAM).year
    client = client_as("manager")
    assert client.get("/statistics/2023").status_code == 404
    assert client.get(f"/statistics/{this_year + 1}").status_code == 404
    html = client.get("/statistics/2024").text
    options = re.findall(r'<option value="(\d+)"', html)
    assert options == [str(year) for year in range(this_year, 2023, -1)]  # every year that answers, newest first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.object_ref.in_(["2023", str(this_year + 1)]))) == 0


def test_the_table_of_contents_links_to_every_section(client_as, make):
    build_2026(make)
    html = client_as("manager").get("/statistics/2026").text
    toc = re.search(r'<nav class="gdt-toc[^"]*" aria-labelledby="toc-heading">(.*?)</nav>', html, re.S).group(1)
    anchors = re.findall(r'<a class="utrecht-link" href="#([a-z-]+)">([^<]+)</a>', toc)
    assert [title for _, title in anchors] == [
        "Downloads", "Tekst voor het jaarverslag", "Meldingen van bewoners", "Triage", "GDT-casussen",
        "Vergelijking met 2025", "Verloop per maand", "Per categorie, wijk en buurt", "Doorlooptijden", "Werkt het?"]
    for anchor, title in anchors:
        section = re.search(rf'<section class="gdt-section" id="{anchor}" aria-labelledby="{anchor}-heading">\s*'
                            rf'<h2 class="utrecht-heading-2" id="{anchor}-heading">([^<]+)</h2>', html)
        assert section and section.group(1) == title


def test_each_chart_sits_beside_its_table(client_as, make):
    build_2026(make)
    html = client_as("manager").get("/statistics/2026").text
    figures = re.findall(r'<div class="gdt-figure">\s*<div class="gdt-figure__table">.*?<caption class="utrecht-table__'
                         r'caption">([^<]+)</caption>.*?</table>\s*</div>\s*<div class="gdt-figure__chart"><svg[^>]*>'
                         r'<title id="[^"]+">([^<]+)</title>', html, re.S)
    assert [(caption.split(",")[0], title) for caption, title in figures] == [
        ("Meldingen van bewoners per kanaal", "Meldingen van bewoners per kanaal, 2026"),
        ("Uitkomst van de triage", "Uitkomst van de triage, 2026"),
        ("Doorverwezen meldingen per ketenpartner", "Doorverwezen naar, 2026"),
        ("GDT-casussen uit meldingen", "GDT-casussen uit meldingen, per werkwijze, 2026"),
        ("Alle GDT-casussen", "Alle GDT-casussen, per bron, 2026"),
        ("Alle GDT-casussen", "Alle GDT-casussen, per werkwijze, 2026"),
        ("Meldingen van bewoners per maand van ontvangst", "Meldingen van bewoners per maand van ontvangst, 2026"),
        ("Meldingen van bewoners per categorie", "Meldingen van bewoners per categorie, 2026"),
    ]


def test_wijken_and_buurten_are_named_with_the_code_beside_the_name(client_as, make):
    areas.add_missing_names({"WK077201": "Centrum", "BU07720102": "Witte Dame"}, actor=None)
    for _ in range(5):
        make.report(wijk_code="WK077201", buurt_code="BU07720102")
    make.report(wijk_code="WK077209", buurt_code="BU07720901")
    html = client_as("manager").get("/statistics/2026").text
    assert ('<th class="utrecht-table__header-cell" scope="row">Centrum <span class="gdt-code">(WK077201)</span></th>'
            in html)
    assert re.search(r'scope="row">Centrum · Witte Dame <span class="gdt-code">\(BU07720102\)</span></th>\s*'
                     r'<td[^>]*>5</td>', html)
    assert re.search(r'scope="row">WK077209 · BU07720901</th>\s*<td[^>]*>&lt; 5</td><td[^>]*></td>', html)


def test_viewing_the_page_is_audited(client_as, make, db):
    manager = make.user("manager")
    client_as(user=manager).get("/statistics/2026")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "statistics"))
    assert (event.actor_id, event.action, event.object_ref) == (manager.id, "view", "2026")


def test_small_buurt_counts_are_shown_as_below_the_threshold(client_as, make):
    for _ in range(5):
        make.report(wijk_code="WK077201", buurt_code="BU07720101")
    make.report(wijk_code="WK077201", buurt_code="BU07720102")
    html = client_as("manager").get("/statistics/2026").text
    row = re.search(r"WK077201 · BU07720102</th>\s*<td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>", html)
    assert row and row.groups() == ("&lt; 5", "")
    assert re.search(r"WK077201 · BU07720101</th>\s*<td[^>]*>5</td>", html)
