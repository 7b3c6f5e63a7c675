"""Yearly statistics (docs/domain.md, "Statistics"): the whole document for a dataset with known counts."""
import csv
import io
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services.core.errors import NotFound
from gdt.services.reporting import statistics

RD_NAME = "Ruimtelijk Domein (gemeente)"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def build_2026(make) -> None:
    """15 resident reports (10 app, 2 webform, 3 phone) and 1 partner registration, all in 2026.

    Triage: 10 referred (7 Ruimtelijk Domein, 3 politie), 3 escalated (cases advice, advice, regie),
    2 open. The partner registration has an undecided partner case.
    """
    politie = make.partner("politie")
    for channel, referred_rd, referred_politie, modes, untriaged in [
        ("app", 6, 1, ["advice", "regie"], 1),
        ("webform", 0, 1, ["advice"], 0),
        ("phone", 1, 1, [], 1),
    ]:
        for _ in range(referred_rd):
            make.report(status="referred", channel=channel)
        for _ in range(referred_politie):
            make.report(status="referred", channel=channel, referred_partner=politie)
        for mode in modes:
            make.report(status="escalated", channel=channel, case=make.case(mode=mode))
        for _ in range(untriaged):
            make.report(channel=channel)
    make.report(status="escalated", channel="partner", case=make.case(source="partner", mode=None))


def item(key, label, count, percent):
    return {"key": key, "label": label, "count": count, "percent": percent}


def test_yearly_statistics_gives_the_whole_document(make):
    build_2026(make)
    assert statistics.yearly_statistics(2026) == {
        "year": 2026,
        "reports": {"total": 15, "by_channel": [
            item("app", "Woonoverlast-app", 10, 66.7),
            item("webform", "Webformulier", 2, 13.3),
            item("phone", "Telefoon (14040)", 3, 20.0),
        ]},
        "triage": {
            "triaged": 13, "open": 2,
            "by_outcome": [
                item("referred", "Doorverwezen", 10, 76.9),
                item("escalated", "In behandeling GDT", 3, 23.1),
            ],
            "referred_to": [item("ruimtelijk-domein", RD_NAME, 7, 70.0), item("politie", "Politie", 3, 30.0)],
        },
        "gdt": {
            "from_reports": {"total": 3, "by_mode": [
                item("advice", "Informatie/advies aan ketenpartner", 2, 66.7),
                item("regie", "Casus-/procesregie", 1, 33.3),
            ]},
            "all_cases": {
                "total": 4,
                "by_source": [item("report", "Melding", 3, 75.0), item("partner", "Aanmelding ketenpartner", 1, 25.0)],
                "by_mode": [
                    item("advice", "Informatie/advies aan ketenpartner", 2, 50.0),
                    item("regie", "Casus-/procesregie", 1, 25.0),
                    item("undecided", "Nog niet bepaald", 1, 25.0),
                ],
            },
        },
    }


def test_an_empty_year_has_every_group_with_zeros(db):
    document = statistics.yearly_statistics(2030)
    zero = lambda key, label: item(key, label, 0, 0.0)  # noqa: E731
    assert document["reports"] == {"total": 0, "by_channel": [
        zero("app", "Woonoverlast-app"), zero("webform", "Webformulier"), zero("phone", "Telefoon (14040)")]}
    assert document["triage"] == {"triaged": 0, "open": 0, "referred_to": [], "by_outcome": [
        zero("referred", "Doorverwezen"), zero("escalated", "In behandeling GDT")]}
    modes = [zero("advice", "Informatie/advies aan ketenpartner"), zero("regie", "Casus-/procesregie")]
    assert document["gdt"] == {
        "from_reports": {"total": 0, "by_mode": modes},
        "all_cases": {"total": 0, "by_source": [zero("report", "Melding"), zero("partner", "Aanmelding ketenpartner")],
                      "by_mode": modes},
    }


def test_the_year_is_the_amsterdam_year_of_receipt(make):
    make.report(channel="app", received_at=at(2025, 12, 31, 22, 59))  # 23:59 in Amsterdam: still 2025
    make.report(channel="app", received_at=at(2025, 12, 31, 23, 30))  # 00:30 on 1 January in Amsterdam: 2026
    make.case(source="partner", received_at=at(2025, 12, 31, 23, 0))  # exactly midnight in Amsterdam: 2026
    assert statistics.yearly_statistics(2025)["reports"]["total"] == 1
    assert statistics.yearly_statistics(2025)["gdt"]["all_cases"]["total"] == 0
    assert statistics.yearly_statistics(2026)["reports"]["total"] == 1
    assert statistics.yearly_statistics(2026)["gdt"]["all_cases"]["total"] == 1


def test_ties_between_partners_are_ordered_by_key(make):
    make.report(status="referred", referred_partner=make.partner("wijkteam"))
    make.report(status="referred", referred_partner=make.partner("ggz"))
    make.report(status="referred", referred_partner=make.partner("ggz"))
    make.report(status="referred", referred_partner=make.partner("politie"))
    keys = [entry["key"] for entry in statistics.yearly_statistics(2026)["triage"]["referred_to"]]
    assert keys == ["ggz", "politie", "wijkteam"]


@pytest.mark.parametrize(("count", "total", "expected"), [
    (2, 3, 66.7), (1, 3, 33.3), (1, 8, 12.5), (1, 16, 6.3), (1, 6, 16.7), (0, 5, 0.0), (0, 0, 0.0), (7, 7, 100.0),
])
def test_percent_rounds_half_up_to_one_decimal(count, total, expected):
    assert statistics.percent(count, total) == expected


def test_available_years_lists_years_with_reports_or_cases(make):
    assert statistics.available_years() == []
    make.report(received_at=at(2021, 6, 1))
    make.case(source="partner", received_at=at(2023, 12, 31, 23, 30))  # 2024 in Amsterdam
    make.report(received_at=at(2026, 1, 5))
    assert statistics.available_years() == [2021, 2024, 2026]


def test_statistics_years_run_from_the_first_year_with_data_to_this_year(make, monkeypatch):
    monkeypatch.setattr(statistics, "utcnow", lambda: at(2026, 12, 31, 23, 30))  # 1 January 2027 in Amsterdam
    assert statistics.statistics_years() == [2027]
    make.report(received_at=at(2023, 12, 31, 23, 30))  # 2024 in Amsterdam
    make.report(received_at=at(2025, 5, 1))
    assert statistics.statistics_years() == [2024, 2025, 2026, 2027]  # 2026 has no data but lies in between
    make.case(source="partner", received_at=at(2028, 2, 1))  # a clock set wrong somewhere: still shown
    assert statistics.statistics_years() == [2024, 2025, 2026, 2027, 2028]


def test_years_outside_the_data_are_not_found_and_not_logged(make, db, monkeypatch):
    monkeypatch.setattr(statistics, "utcnow", lambda: at(2026, 6, 1))
    make.report(received_at=at(2024, 6, 1))
    manager = make.user("manager")
    for year in (1999, 2023, 2027):
        with pytest.raises(NotFound) as refused:
            statistics.view_statistics(year, actor=manager)
        assert str(refused.value.message) == (f"Voor {year} zijn geen statistieken. "
                                              "Kies een jaar van 2024 tot en met 2026.")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0
    assert statistics.view_statistics(2025, actor=manager)["reports"]["total"] == 0  # in between: zeros
    assert not statistics.has_data(statistics.yearly_statistics(2025))
    assert statistics.has_data(statistics.yearly_statistics(2024))


def test_a_year_with_only_a_partner_case_has_data(make):
    make.case(source="partner")
    document = statistics.yearly_statistics(2026)
    assert document["reports"]["total"] == 0 and statistics.has_data(document)


def test_view_statistics_records_who_looked(make, db):
    manager = make.user("manager")
    statistics.view_statistics(2026, actor=manager)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "statistics"))
    assert (event.actor_id, event.action, event.object_ref) == (manager.id, "view", "2026")


@pytest.mark.parametrize("year", [0, 1899, 3000])
def test_view_statistics_refuses_impossible_years(make, year):
    with pytest.raises(NotFound):
        statistics.view_statistics(year, actor=make.user("manager"))


def test_render_json_is_the_document(make):
    build_2026(make)
    document = statistics.yearly_statistics(2026)
    assert json.loads(statistics.render(document, "json")) == document


def test_render_csv_is_a_flat_table_with_a_header(make):
    build_2026(make)
    rows = list(csv.reader(io.StringIO(statistics.render(statistics.yearly_statistics(2026), "csv"))))
    assert rows[0] == ["section", "key", "label", "count", "percent"]
    assert ["reports.by_channel", "app", "Woonoverlast-app", "10", "66.7"] in rows
    assert ["reports.by_channel", "total", "Totaal meldingen van bewoners", "15", "100.0"] in rows
    assert ["triage.referred_to", "ruimtelijk-domein", RD_NAME, "7", "70.0"] in rows
    assert ["gdt.all_cases.by_mode", "undecided", "Nog niet bepaald", "1", "25.0"] in rows
    assert ["triage", "open", "Nog niet beoordeeld", "2", ""] in rows
    assert all(len(row) == 5 for row in rows)


def test_render_text_is_dutch(make):
    build_2026(make)
    text = statistics.render(statistics.yearly_statistics(2026), "text")
    assert text.startswith("GDT-statistieken 2026")
    assert "Meldingen van bewoners per kanaal" in text
    assert "66,7 %" in text and "Nog niet beoordeeld" in text


def test_render_refuses_unknown_formats():
    with pytest.raises(ValueError):
        statistics.render({}, "xml")


def test_the_document_never_holds_personal_data(make):
    build_2026(make)
    rendered = statistics.render(statistics.yearly_statistics(2026), "json")
    for personal in ("Jan Jansen", "0612345678", "5611AB", "GDT-T-", "GDT-C-", "Harde muziek"):
        assert personal not in rendered
