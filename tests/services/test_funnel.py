"""The funnel beyond the document on data with known answers: months, categories, wijken, durations, the paragraph."""
import random
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import quantiles

from gdt.db import AMSTERDAM
from gdt.services.core import areas
from gdt.services.reporting import durations, funnel, report_tallies
from tests.services.test_statistics import build_2026


def local(*parts):
    return datetime(*parts, tzinfo=AMSTERDAM).astimezone(UTC)


def test_months_follow_amsterdam_time_and_keep_empty_months(make):
    make.report(received_at=local(2026, 1, 1, 0, 30))  # 31 Dec 23:30 UTC: January here
    make.report(received_at=local(2026, 1, 31, 23, 30))  # 31 Jan 22:30 UTC: still January
    make.report(received_at=local(2026, 2, 1, 0, 30))
    make.report(received_at=local(2026, 12, 31, 23, 30))  # 22:30 UTC: December, not next year
    make.report(received_at=local(2027, 1, 1, 0, 30))  # another year
    months = funnel.yearly_funnel(2026)["months"]
    assert [month["count"] for month in months] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert months[0] == {"month": 1, "label": "januari", "count": 2, "percent": 50.0}


def test_categories_and_wijken_largest_first_with_unknown_wijken_named(make):
    for _ in range(3):
        make.report(category=make.category("geluidsoverlast"), wijk_code="WK077201")
    make.report(category=make.category("vervuiling"), wijk_code=None)
    make.report(channel="partner", wijk_code="WK077299")  # partner registrations are not resident reports
    result = funnel.yearly_funnel(2026)
    assert [(row["label"], row["count"], row["percent"]) for row in result["categories"]] == [
        ("Geluidsoverlast", 3, 75.0), ("Vervuiling", 1, 25.0)]
    assert [(row["label"], row["count"]) for row in result["wijken"]] == [("WK077201", 3), ("onbekend", 1)]


def test_median_and_90th_percentile_of_time_to_triage_and_to_close(make, db):
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for days in (1, 2, 3, 4, 10):
        make.report("referred", received_at=start).triaged_at = start + timedelta(days=days)
    db.session.commit()
    make.report(received_at=start)  # untriaged: no duration yet
    for days in (30, 60):
        make.case("closed", received_at=start, opened_at=start, closed_at=start + timedelta(days=days))
    make.case(received_at=start)  # still open
    result = funnel.yearly_funnel(2026)
    assert result["time_to_triage"] == durations.Duration(5, Decimal("3.0"), Decimal("7.6"))  # p90 between 4 and 10
    assert result["time_to_close"] == durations.Duration(2, Decimal("45.0"), Decimal("57.0"))


def test_durations_count_whole_minutes_alike_on_both_databases(make, db):
    """59.9 s is 0 minutes, 60 s is 1; the median lies between the two middle minutes (percentile_cont)."""
    start = datetime(2026, 3, 2, 9, 0, 0, 500_000, tzinfo=UTC)
    for elapsed in (timedelta(seconds=59, microseconds=400_000), timedelta(minutes=1),
                    timedelta(hours=36, seconds=59), timedelta(days=3)):
        make.report("referred", received_at=start).triaged_at = start + elapsed
    db.session.commit()
    assert sorted(row[1:] for row in report_tallies.grouped("triage", [2026], ("minutes",))) == [
        (0, 1), (1, 1), (2160, 1), (4320, 1)]
    # median = (1 + 2160) / 2 minutes = 0.75 days; p90 = 2160 + 0.7 × 2160 minutes = 2.55 → 2.6 (half up)
    assert funnel.yearly_funnel(2026)["time_to_triage"] == durations.Duration(4, Decimal("0.8"), Decimal("2.6"))


def test_buurten_within_their_wijk(make):
    for _ in range(2):
        make.report(wijk_code="WK077201", buurt_code="BU07720101")
    make.report(wijk_code="WK077201", buurt_code="BU07720102")
    make.report(wijk_code=None, buurt_code=None)
    assert [(row["label"], row["count"]) for row in funnel.yearly_funnel(2026)["buurten"]] == [
        ("WK077201 · BU07720101", 2), ("WK077201 · BU07720102", 1), ("onbekend · onbekend", 1)]


def test_named_wijken_and_buurten_show_name_and_code(make):
    areas.add_missing_names({"WK077201": "Centrum", "BU07720101": "Binnenstad", "WK077202": "Stratum"}, actor=None)
    for _ in range(3):
        make.report(wijk_code="WK077201", buurt_code="BU07720101")
    make.report(wijk_code="WK077201", buurt_code="BU07720102")  # a buurt without a name
    make.report(wijk_code="WK077202", buurt_code=None)
    make.report(wijk_code="WK077203", buurt_code="BU07720301")  # no names at all
    result = funnel.yearly_funnel(2026)
    assert [(row["key"], row["label"], row.get("name"), row.get("secondary")) for row in result["wijken"]] == [
        ("WK077201", "Centrum (WK077201)", "Centrum", "(WK077201)"),
        ("WK077202", "Stratum (WK077202)", "Stratum", "(WK077202)"),
        ("WK077203", "WK077203", None, None)]
    assert [(row["key"], row["label"], row.get("secondary"), row["count"]) for row in result["buurten"]] == [
        ("WK077201/BU07720101", "Centrum · Binnenstad (BU07720101)", "(BU07720101)", 3),
        ("WK077201/BU07720102", "Centrum · BU07720102", None, 1),
        ("WK077202/onbekend", "Stratum · onbekend (WK077202)", "(WK077202)", 1),
        ("WK077203/BU07720301", "WK077203 · BU07720301", None, 1)]
    assert [row["suppressed"] for row in result["buurten"]] == [True] * 4  # the small-cell rule is unchanged


def test_the_paragraph_reads_like_the_annual_report_with_the_exact_figures_beside_it(make):
    build_2026(make)
    paragraph = funnel.yearly_funnel(2026)["paragraph"]
    assert paragraph["text"].startswith("In 2026 zijn 15 signalen van woonoverlast ontvangen. Signalen van "
                                        "woonoverlast worden ontvangen via de Woonoverlast-app (ca. 67%), het "
                                        "webformulier of telefonisch via 14040 (ca. 33%).")
    assert "Ca. 77% is doorverwezen" in paragraph["text"] and "bij ca. 23% dreigde escalatie" in paragraph["text"]
    assert (
        "ca. 67% informatie of advies" in paragraph["text"] and "ca. 33% casus- en/of procesregie" in paragraph["text"]
    )
    assert "Van 2 signalen was de beoordeling bij het opstellen nog open." in paragraph["text"]
    assert paragraph["figures"][0] == {"label": "Woonoverlast-app", "count": 10, "percent": 66.7}
    assert paragraph["figures"][2] == {"label": "doorverwezen", "count": 10, "percent": 76.9}


def test_the_paragraph_writes_counts_and_percentages_the_dutch_way():
    assert [funnel._ca(share) for share in (80.0, 80.5, 0.0, 100.0)] == ["ca. 80%", "ca. 81%", "ca. 0%", "ca. 100%"]
    assert [funnel._int(number) for number in (15, 3000, 1234567)] == ["15", "3.000", "1.234.567"]


def test_last_year_is_beside_this_one(make):
    build_2026(make)
    make.report(received_at=local(2025, 6, 1, 12))
    result = funnel.yearly_funnel(2026)
    assert (result["previous"]["reports"]["total"], result["document"]["reports"]["total"]) == (1, 15)


def test_percentiles_equal_percentile_cont_over_every_minute(make, db):
    """200 random durations: the percentiles found among the grouped minutes are those of the values themselves."""
    rng = random.Random(2019)
    start = datetime(2026, 4, 1, 9, tzinfo=UTC)
    minutes = [int(rng.random() ** 2 * 6 * 1440) for _ in range(200)]
    for value in minutes:
        make.report("referred", received_at=start).triaged_at = start + timedelta(minutes=value, seconds=30)
    db.session.commit()
    days = [Decimal(value) / 1440 for value in minutes]
    cuts = quantiles(days, n=10, method="inclusive")  # percentile_cont's interpolation
    expected = [Decimal(cut).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) for cut in (cuts[4], cuts[8])]
    assert funnel.yearly_funnel(2026)["time_to_triage"] == durations.Duration(200, *expected)
