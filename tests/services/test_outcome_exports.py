""""Werkt het?" in the statistics downloads: the Dutch CSV and XLSX, the CSV for BI tools and the PDF, with the page's
figures and its small-cell rule, and nothing personal."""
import pytest

from gdt.services.reporting import exports, funnel
from tests.services.test_exports import _csv, _dutch_csv, _pdf_text, _sheet
from tests.services.test_outcome_statistics import build_outcomes_2025


@pytest.fixture
def page(make, db):
    build_outcomes_2025(make)
    return funnel.yearly_funnel(2025)


def test_the_csv_for_bi_tools_has_the_outcomes(page):
    rows = [row for row in _csv(exports.machine_csv_bytes(page)) if row[0].startswith("outcomes.")]
    assert ["outcomes.interventions", "gesprek", "Gesprek", "6", "66.7"] in rows
    assert ["outcomes.interventions", "buurtbemiddeling", "Buurtbemiddeling", "< 5", ""] in rows
    assert ["outcomes.interventions", "total", "Totaal", "9", "100.0"] in rows
    assert ["outcomes.closed_cases", "total", "Totaal", "18", "100.0"] in rows
    assert [row for row in rows if row[0] == "outcomes.recurrence.6_months"] == [
        ["outcomes.recurrence.6_months", "measured", "Binnen 6 maanden: na te gaan", "17", ""],
        ["outcomes.recurrence.6_months", "recurred", "Binnen 6 maanden: met nieuwe melding", "5", "29.4"],
        ["outcomes.recurrence.6_months", "too_recent", "Binnen 6 maanden: nog te recent", "0", ""]]
    assert ["outcomes.recurrence", "untraceable", "Inmiddels vernietigd", "1", ""] in rows
    assert [row[3] for row in rows if row[0] == "outcomes.durations.advice"] == ["5", "30.0", "46.0"]
    assert [row[3] for row in rows if row[0] == "outcomes.durations.regie"] == ["< 5", "", ""]
    assert ["outcomes.satisfaction", "1", "1 (zeer ontevreden)", "< 5", ""] in rows
    assert ["outcomes.satisfaction", "mean", "Gemiddelde score", "4.3", ""] in rows


def test_the_dutch_csv_and_xlsx_have_the_outcomes(page):
    rows = {(row[0].split(",")[0], row[1]): row[2:] for row in _dutch_csv(exports.csv_bytes(page))[1:]}
    assert rows[("Interventies per soort", "Gesprek")] == ["6", "66,7", "", ""]
    assert rows[("Interventies per soort", "Waarschuwing")] == ["< 5", "", "", ""]
    assert rows[("Opnieuw overlast na sluiten", "Binnen 6 maanden: met nieuwe melding")] == ["5", "29,4", "", ""]
    assert rows[("Doorlooptijd van opening tot sluiten per werkwijze", "Informatie/advies aan ketenpartner")] == [
        "5", "", "30,0", "46,0"]
    assert rows[("Tevredenheid van melders", "Gemiddelde score")] == ["4,3", "", "", ""]
    sheet = {(row[0].split(",")[0], row[1]): row[2:] for row in _sheet(exports.xlsx_bytes(page))
             .iter_rows(min_row=2, values_only=True)}
    assert sheet[("Interventies per soort", "Gesprek")][:2] == (6, pytest.approx(0.667))
    assert sheet[("Interventies per soort", "Buurtbemiddeling")][:2] == ("< 5", None)
    assert sheet[("Doorlooptijd van opening tot sluiten per werkwijze", "Casus-/procesregie")] == (
        "< 5", None, None, None)


def test_the_pdf_has_the_outcomes(page):
    squashed = "".join(_pdf_text(exports.pdf_bytes(page)).split())

    def shows(phrase: str) -> bool:
        return "".join(phrase.split()) in squashed

    assert shows("Werkt het?") and shows("Interventies per soort, 2025")
    assert shows("Gesprek 6 66,7 %") and shows("Buurtbemiddeling < 5 –")
    assert shows("Binnen 6 maanden 17 5 29,4 % 0")
    assert shows("Informatie/advies aan ketenpartner 5 30,0 46,0") and shows("Casus-/procesregie < 5 – –")
    assert shows("Gemiddelde score: 4,3.")


def test_no_download_shows_personal_data(page):
    texts = [exports.machine_csv_bytes(page).decode(), exports.csv_bytes(page).decode("utf-8-sig"),
             _pdf_text(exports.pdf_bytes(page))]
    for text in texts:
        for personal in ("Bewoner", "Jan Jansen", "0612345678", "5611AB", "1011AA", "0772200000000001", "GDT-C-"):
            assert personal not in text
