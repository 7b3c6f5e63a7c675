""""Werkt het?" on the statistics page: the outcome tables for managers and coordinators, no personal data."""
import re

import pytest

from tests.services.test_outcome_statistics import build_outcomes_2025


def row(label: str, *cells: str) -> str:
    """A table row's start as `page` gives it: the label as a row header, then the numeric cells."""
    shown = "".join(f'<td class="utrecht-table__cell gdt-numeric">{cell}</td>' for cell in cells)
    return f'<th class="utrecht-table__header-cell" scope="row">{label}</th>{shown}'


def page(client, year: int = 2025) -> str:
    """The page's HTML without the white space between tags."""
    return re.sub(r">\s+<", "><", client.get(f"/statistics/{year}").text)


@pytest.mark.parametrize("role", ["manager", "coordinator"])
def test_the_page_shows_what_worked(client_as, make, role):
    build_outcomes_2025(make)
    html = page(client_as(role))
    assert '<h2 class="utrecht-heading-2" id="outcomes-heading">Werkt het?</h2>' in html
    assert '<a class="utrecht-link" href="#outcomes">Werkt het?</a>' in html
    for caption in ("Interventies per soort, 2025", "Gesloten casussen per resultaat, 2025",
                    "Opnieuw overlast: casussen gesloten in 2025",
                    "Doorlooptijd van opening tot sluiten per werkwijze, casussen gesloten in 2025",
                    "Tevredenheid van melders na het sluiten, antwoorden gegeven in 2025"):
        assert f'<caption class="utrecht-table__caption">{caption}' in html
    assert row("Gesprek", "6", "66,7&nbsp;%") in html
    assert row("Buurtbemiddeling", "&lt; 5", '<span aria-hidden="true">–</span>'
                                            '<span class="gdt-visually-hidden">niet getoond</span>') in html
    # 18 cases closed in 2025, 1 destroyed; 6 months on, 17 can be told (7 of them the durations') and 5 recurred;
    # the 12 months' column depends on today
    assert '<th class="utrecht-table__header-cell gdt-numeric" scope="col">Binnen 6 maanden</th>' in html
    for label, cell in (("Na te gaan", "17"), ("Met nieuwe melding", "5"),
                        ("Aandeel met nieuwe melding", "29,4&nbsp;%"), ("Nog te recent", "0")):
        assert row(label, cell) in html
    assert "In 2025 zijn 18 casussen gesloten." in html
    assert "1 casus is inmiddels vernietigd" in html
    assert row("Informatie/<wbr>advies aan ketenpartner", "5", "30,0") + "</tr>" in html
    assert row("5 (zeer tevreden)", "6", "50,0&nbsp;%") in html
    assert "4,3" in html


@pytest.mark.parametrize("role", ["intake", "partner", "admin"])
def test_other_roles_do_not_see_it(client_as, make, role):
    build_outcomes_2025(make)
    assert client_as(role).get("/statistics/2025").status_code == 403


def test_no_personal_data_in_the_outcomes(client_as, make):
    build_outcomes_2025(make)
    html = client_as("manager").get("/statistics/2025").text
    for personal in ("Bewoner", "Jan Jansen", "0612345678", "5611AB", "1011AA", "5622AA", "0772200000000001",
                     "GDT-T-", "GDT-C-", "Harde muziek"):
        assert personal not in html
