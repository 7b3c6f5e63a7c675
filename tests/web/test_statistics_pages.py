"""The statistics pages: funnel tables and a year selector for managers and coordinators, no personal data."""
import re

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM, utcnow
from gdt.models import AuditEvent
from tests.services.test_statistics import build_2026


def test_manager_sees_the_funnel_tables_and_the_year_selector(client_as, make):
    build_2026(make)
    page = client_as("manager").get("/statistics/2026")
    assert page.status_code == 200
    html = page.text
    # the document's six tables, the paragraph's figures, last year, months, categories, wijken, buurten, durations
    assert html.count('<table class="utrecht-table') == 13
    assert html.count("<caption") == 13
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="gdt-chart" role="img"') == 6  # beside the tables
    assert "/statistics/2026/export.xlsx" in html and "/statistics/indicators" in html
    assert '<select class="utrecht-select utrecht-select--html-select" id="year" name="year">' in html
    assert '<option value="2026" selected>2026</option>' in html
    assert 'type="submit"' in html and "<script" not in html
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


def test_a_year_without_data_shows_zeros(client_as):
    html = client_as("manager").get("/statistics/2030").text
    assert "In dit jaar zijn geen meldingen of casussen binnengekomen." in html
    assert "0,0&nbsp;%" in html and "Geen doorverwijzingen." in html


@pytest.mark.parametrize("year", [0, 1899, 3000])
def test_impossible_years_are_not_found(client_as, year):
    assert client_as("manager").get(f"/statistics/{year}").status_code == 404


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
