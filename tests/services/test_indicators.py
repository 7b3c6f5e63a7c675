"""Indicators: computed figures on data with known counts, stored figures, targets, footnotes,
the import."""
from datetime import datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM
from gdt.models import AuditEvent, Indicator, IndicatorTarget, IndicatorValue
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.import_reader import FILE, ImportFailed, ImportProblem
from gdt.services.reporting import indicator_import, indicator_table, indicators


def local(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def triaged(make, status: str, received_at: datetime, after: timedelta, **overrides):
    """A resident report triaged `after` its receipt."""
    report = make.report(status, received_at=received_at, **overrides)
    report.triaged_at = received_at + after
    make.session.commit()
    return report


def build(make) -> None:
    """Known counts for 2024 and 2025 (Amsterdam years).

    2024: 5 resident reports (app 2, webform 1, phone 2); triaged 3 (2 referred, 1 escalated) after 1, 2
          and 4 days; 2 open. One of them came in at 31 Dec 23:30 Amsterdam time (22:30 UTC).
          Not counted: a partner registration (its own case) — it counts as a case, not as a report.
          Cases: the escalation's, the partner registration's, and a merged one (excluded) → 2.
    2025: 4 resident reports, all triaged (3 referred, 1 escalated) after 12, 30, 36 and 144 hours, the
          first at 1 Jan 00:30 Amsterdam time (31 Dec 23:30 UTC). Median (30 + 36) / 2 = 33 h = 1.375 days → 1.4.
          Cases: the escalation's → 1.
    """
    politie = make.partner("politie")
    triaged(make, "referred", local(2024, 3, 1, 9), timedelta(days=1), channel="app")
    triaged(make, "referred", local(2024, 12, 31, 23, 30), timedelta(days=2), channel="webform",
            referred_partner=politie)
    escalated = triaged(make, "escalated", local(2024, 6, 1, 10), timedelta(days=4), channel="phone")
    make.report(received_at=local(2024, 7, 1, 10), channel="app")
    make.report(received_at=local(2024, 8, 1, 10), channel="phone")
    make.report("escalated", received_at=local(2024, 5, 5, 10), channel="partner",
                case=make.case(source="partner", received_at=local(2024, 5, 5, 10)))
    make.case(status="merged", received_at=local(2024, 9, 1), merged_into_id=escalated.case_id)

    triaged(make, "referred", local(2025, 1, 1, 0, 30), timedelta(hours=12), channel="app")
    triaged(make, "referred", local(2025, 2, 1, 9), timedelta(hours=30), channel="app")
    triaged(make, "referred", local(2025, 3, 1, 9), timedelta(hours=36), channel="webform")
    triaged(make, "escalated", local(2025, 4, 1, 9), timedelta(hours=144), channel="phone")


def indicator(key: str, source: str, *, unit=None, **fields) -> Indicator:
    return indicators.create_indicator(key, fields.pop("name", key.replace("-", " ").capitalize()), source=source,
                                       unit=unit, actor=None, **fields)


def values(result: indicator_table.IndicatorTable, key: str) -> list:
    row = next(row for row in result.rows if row.key == key)
    return [cell.value for cell in row.cells]


def test_computed_sources_give_exact_figures_per_amsterdam_year(make):
    build(make)
    assert indicator_table.computed_values(indicator_table.COMPUTED_SOURCES, [2024, 2025]) == {
        "reports_total": {2024: Decimal(5), 2025: Decimal(4)},
        "share_escalated": {2024: Decimal("33.3"), 2025: Decimal("25.0")},
        "cases_total": {2024: Decimal(2), 2025: Decimal(1)},
        "median_days_to_triage": {2024: Decimal("2.0"), 2025: Decimal("1.4")},
        # no case closed, no satisfaction answer: the outcome sources have nothing to show
        # (tests/services/test_outcome_statistics.py)
        "recurrence_6_months": {}, "recurrence_12_months": {}, "median_days_advice": {}, "median_days_regie": {},
        "share_satisfied": {},
    }


def test_the_table_puts_computed_figures_in_year_columns(make):
    build(make)
    for key, source in [("meldingen", "reports_total"), ("escalatie", "share_escalated"),
                        ("casussen", "cases_total"), ("triagetijd", "median_days_to_triage")]:
        indicator(key, source)
    result = indicator_table.table([2024, 2025])
    assert result.years == [2024, 2025]
    assert [row.key for row in result.rows] == ["meldingen", "escalatie", "casussen", "triagetijd"]
    assert [row.unit for row in result.rows] == ["count", "percent", "count", "days"]
    assert values(result, "meldingen") == [5, 4]
    assert values(result, "escalatie") == [Decimal("33.3"), Decimal("25.0")]
    assert values(result, "casussen") == [2, 1]
    assert values(result, "triagetijd") == [Decimal("2.0"), Decimal("1.4")]
    assert not any(cell.stored for row in result.rows for cell in row.cells)


def test_years_without_data_in_the_system_have_no_computed_figure(make):
    build(make)
    indicator("meldingen", "reports_total")
    indicator("escalatie", "share_escalated")
    indicator("triagetijd", "median_days_to_triage")
    result = indicator_table.table([2022, 2023, 2024, 2025, 2026])
    # Before the first report (2024) the system did not exist: no figure rather than a false zero.
    assert values(result, "meldingen") == [None, None, 5, 4, 0]
    assert values(result, "escalatie") == [None, None, Decimal("33.3"), Decimal("25.0"), None]
    assert values(result, "triagetijd") == [None, None, Decimal("2.0"), Decimal("1.4"), None]


def test_non_contiguous_years_are_answered_with_the_years_asked_for(make):
    build(make)
    assert indicator_table.computed_values({"reports_total", "cases_total"}, [2025, 2024]) == {
        "reports_total": {2024: 5, 2025: 4}, "cases_total": {2024: 2, 2025: 1}}
    indicator("meldingen", "reports_total")
    assert values(indicator_table.table([2023, 2025]), "meldingen") == [None, 4]


def test_each_computed_source_is_one_grouped_query_for_all_years(make, db):
    build(make)
    for key, source in [("meldingen", "reports_total"), ("escalatie", "share_escalated"),
                        ("casussen", "cases_total"), ("triagetijd", "median_days_to_triage")]:
        indicator(key, source)
    statements = []

    def capture(_conn, _cursor, statement, *_):
        statements.append(statement)

    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        indicator_table.table(range(2016, 2026))
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    grouped = [statement for statement in statements if "GROUP BY" in statement]
    # reports_total and share_escalated share one scan; cases one; the median three (days, hours, minutes: durations),
    # each for all years at once.
    assert len(grouped) == 5
    assert len(statements) <= 10


def test_stored_values_replace_computed_ones_and_fill_manual_indicators(make):
    build(make)
    meldingen = indicator("meldingen", "reports_total")
    politie = indicator("politie-incidenten", "manual", unit="count", name="Incidenten woonoverlast (politie)")
    indicators.set_value(meldingen, year="2023", value="365", actor=None)  # history before the system
    indicators.set_value(meldingen, year=2025, value="461", note="Inclusief meldingen per e-mail.", actor=None)
    indicators.set_value(politie, year=2024, value="120", actor=None)
    indicators.set_value(politie, year=2024, value="121,5", note="Bijgesteld.", actor=None)  # replaces

    result = indicator_table.table([2023, 2024, 2025])
    assert values(result, "meldingen") == [365, 5, 461]
    assert [cell.stored for cell in result.rows[0].cells] == [True, False, True]
    assert values(result, "politie-incidenten") == [None, Decimal("121.50"), None]
    assert [(note.number, note.text) for note in result.footnotes] == [
        (1, "Inclusief meldingen per e-mail."), (2, "Bijgesteld.")]
    assert [cell.footnote for cell in result.rows[0].cells] == [None, None, 1]


def test_deleting_a_stored_value_brings_back_the_computed_one(make, db):
    build(make)
    meldingen = indicator("meldingen", "reports_total")
    indicators.set_value(meldingen, year=2024, value="10", actor=None)
    indicators.delete_value(meldingen, year="2024", actor=None)
    assert values(indicator_table.table([2024]), "meldingen") == [5]
    with pytest.raises(NotFound):
        indicators.delete_value(meldingen, year=2024, actor=None)


@pytest.mark.parametrize("comparator, target, met", [
    ("lt", "80", [True, False, False]),   # 79, 80, 81
    ("le", "80", [True, True, False]),
    ("gt", "80", [False, False, True]),
    ("ge", "80", [False, True, True]),
    ("eq", "80", [False, True, False]),
    ("lt", "80,5", [True, True, False]),
])
def test_targets_with_each_comparator_including_equality_at_the_boundary(make, comparator, target, met):
    score = indicator("score", "manual", unit="count")
    for year, value in [(2021, "79"), (2022, "80"), (2023, "81")]:
        indicators.set_value(score, year=year, value=value, actor=None)
        indicators.set_target(score, year=year, comparator=comparator, value=target, actor=None)
    row = indicator_table.table([2021, 2022, 2023]).rows[0]
    assert [cell.met for cell in row.cells] == met
    assert (row.target.symbol, row.target.value) == (indicator_table.COMPARATOR_SYMBOLS[comparator],
                                                     Decimal(target.replace(",", ".")))


def test_computed_percentages_are_judged_on_the_shown_decimal(make):
    build(make)  # 2024: 1 of 3 escalated = 33.333… shown as 33.3
    escalatie = indicator("escalatie", "share_escalated")
    indicators.set_target(escalatie, year=2024, comparator="eq", value="33.3", actor=None)
    assert indicator_table.table([2024]).rows[0].cells[0].met is True


def test_the_target_column_is_the_target_of_the_latest_year_shown_and_cells_need_their_own_target(make):
    score = indicator("score", "manual", unit="percent")
    indicators.set_value(score, year=2022, value="70", actor=None)
    indicators.set_value(score, year=2023, value="68", actor=None)
    indicators.set_target(score, year=2023, comparator="gt", value="69", actor=None)
    indicators.set_target(score, year=2030, comparator="gt", value="75", actor=None)  # ahead: fine
    row = indicator_table.table([2022, 2023]).rows[0]
    assert (row.target.comparator, row.target.value, row.target.year) == ("gt", Decimal(69), 2023)
    assert [cell.met for cell in row.cells] == [None, False]  # 2022 has no target of its own
    assert indicator_table.table([2022]).rows[0].target is None
    indicators.set_target(score, year=2023, comparator="le", value="68", actor=None)  # replaces
    assert indicator_table.table([2022, 2023]).rows[0].cells[1].met is True


def test_footnotes_are_numbered_in_order_of_appearance_and_shared_when_equal(make):
    first = indicator("a-eerste", "manual", unit="count", footnote="Bron: politie, jaarcijfers.", position=1)
    indicator("b-tweede", "manual", unit="count", position=2)
    third = indicator("c-derde", "manual", unit="count", footnote="Bron: politie, jaarcijfers.", position=3)
    indicators.set_value(first, year=2024, value="1", note="Tot 1 oktober.", actor=None)
    indicators.set_value(third, year=2023, value="1", note="Tot 1 oktober.", actor=None)
    result = indicator_table.table([2023, 2024])
    assert [(note.number, note.text) for note in result.footnotes] == [
        (1, "Bron: politie, jaarcijfers."), (2, "Tot 1 oktober.")]
    assert [row.footnote for row in result.rows] == [1, None, 1]
    assert [cell.footnote for cell in result.rows[0].cells] == [None, 2]
    assert [cell.footnote for cell in result.rows[2].cells] == [2, None]


def test_inactive_indicators_leave_the_table_and_the_order_is_the_admins(make):
    second = indicator("tweede", "manual", unit="count", position=2)
    indicator("eerste", "manual", unit="count", position=1)
    weg = indicator("weg", "manual", unit="count", position=0)
    indicators.set_indicator_active(weg, False, actor=None)
    assert [row.key for row in indicator_table.table([2024]).rows] == ["eerste", "tweede"]
    indicators.update_indicator(second, name="Tweede", source="manual", unit="count", position=0, actor=None)
    assert [row.key for row in indicator_table.table([2024]).rows] == ["tweede", "eerste"]


def test_admin_operations_are_audited(make, db):
    admin = make.user("admin")
    item = indicators.create_indicator("meldingen", "Meldingen", source="reports_total", actor=admin)
    indicators.update_indicator(item, name="Meldingen woonoverlast", source="reports_total", position=3, actor=admin)
    indicators.set_value(item, year=2023, value="365", actor=admin)
    indicators.delete_value(item, year=2023, actor=admin)
    indicators.set_target(item, year=2024, comparator="lt", value="80", actor=admin)
    indicators.delete_target(item, year=2024, actor=admin)
    indicators.set_indicator_active(item, False, actor=admin)
    events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_ref).where(
        AuditEvent.object_type == "indicator", AuditEvent.actor_id == admin.id).order_by(AuditEvent.id)).all()
    assert [tuple(event) for event in events] == [
        ("create", "meldingen"), ("update", "meldingen"), ("set_value", "meldingen"), ("delete_value", "meldingen"),
        ("set_target", "meldingen"), ("delete_target", "meldingen"), ("deactivate", "meldingen")]


def test_a_computed_source_decides_the_unit(make):
    assert indicator("meldingen", "reports_total").unit == "count"
    assert indicator("aandeel", "share_escalated", unit="percent").unit == "percent"
    with pytest.raises(ValidationFailed) as refused:
        indicator("fout", "median_days_to_triage", unit="count")
    assert set(refused.value.errors) == {"unit"}
    with pytest.raises(ValidationFailed) as refused:
        indicator("handmatig", "manual")
    assert set(refused.value.errors) == {"unit"}


def test_bad_fields_are_refused_per_field_and_nothing_is_stored(make, db):
    with pytest.raises(ValidationFailed) as refused:
        indicators.create_indicator("Geen Sleutel!", "", source="politie", unit="liters", position="-1", actor=None)
    assert set(refused.value.errors) == {"key", "name", "source", "unit", "position"}
    for reserved in ("new", "import"):
        with pytest.raises(ValidationFailed):
            indicator(reserved, "manual", unit="count")
    indicator("meldingen", "reports_total")
    with pytest.raises(ServiceError) as clash:
        indicator("meldingen", "cases_total")
    assert clash.value.field == "key"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Indicator)) == 1


@pytest.mark.parametrize("year, value, field", [
    ("19", "10", "year"), ("٢٠٢٤", "10", "year"), ("1999", "10", "year"),
    (str(indicator_table.current_year() + 1), "10", "year"),
    ("2024", "", "value"), ("2024", "1.234", "value"), ("2024", "12,5%", "value"), ("2024", "١٢", "value"),
    ("2024", "10000000000", "value"),
])
def test_bad_values_name_their_field(make, db, year, value, field):
    item = indicator("score", "manual", unit="count")
    with pytest.raises(ValidationFailed) as refused:
        indicators.set_value(item, year=year, value=value, actor=None)
    assert set(refused.value.errors) == {field}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 0


def test_bad_targets_name_their_field(make, db):
    item = indicator("score", "manual", unit="count")
    with pytest.raises(ValidationFailed) as refused:
        indicators.set_target(item, year="2024", comparator="<", value="tachtig", actor=None)
    assert set(refused.value.errors) == {"comparator", "value"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorTarget)) == 0


def test_decimals_parse_the_dutch_and_the_english_way():
    assert indicators.parse_decimal("12,5") == Decimal("12.50")
    assert indicators.parse_decimal("12.5") == Decimal("12.50")
    assert indicators.parse_decimal(" -3 ") == Decimal("-3.00")
    assert indicators.parse_decimal(12.0) == Decimal("12.00")
    assert indicators.parse_decimal(7) == Decimal("7.00")
    assert indicators.parse_decimal("1,50") == Decimal("1.50")


def test_shown_years_run_from_the_first_data_to_this_year_at_most_ten(make):
    this_year = indicator_table.current_year()
    assert indicator_table.shown_years(None, None) == ([this_year], [this_year], False)
    score = indicator("score", "manual", unit="count")
    indicators.set_value(score, year=this_year - 14, value="1", actor=None)
    years, selectable, limited = indicator_table.shown_years(None, None)
    assert years == list(range(this_year - 9, this_year + 1)) and not limited
    assert selectable == list(range(this_year - 14, this_year + 1))
    assert indicator_table.shown_years(this_year - 14, this_year)[0] == list(range(this_year - 9, this_year + 1))
    assert indicator_table.shown_years(this_year - 14, this_year)[2] is True
    assert indicator_table.shown_years(this_year - 12, this_year - 13)[0] == [this_year - 13, this_year - 12]
    assert indicator_table.shown_years(1800, 3000)[0] == list(range(this_year - 9, this_year + 1))


def test_view_table_records_who_looked(make, db):
    manager = make.user("manager")
    indicator_table.view_table([2024, 2025], actor=manager)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "indicators"))
    assert (event.action, event.object_ref, event.actor_id) == ("view", "2024-2025", manager.id)


# --- import ------------------------------------------------------------------------------------------

def write_csv(path, lines: list[str]):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def defined(make):
    indicator("meldingen", "reports_total")
    indicator("politie", "manual", unit="count")


def stored(db) -> dict:
    db.session.expire_all()
    rows = db.session.execute(sa.select(Indicator.key, IndicatorValue.year, IndicatorValue.value, IndicatorValue.note)
                              .join(IndicatorValue.indicator).order_by(Indicator.key, IndicatorValue.year)).all()
    return {(key, year): (value, note) for key, year, value, note in rows}


def test_csv_import_stores_every_row_and_replaces_figures_already_stored(tmp_path, db, defined):
    indicators.set_value(indicators.get_indicator("meldingen"), year=2018, value="1", actor=None)
    path = write_csv(tmp_path / "historie.csv", [
        "indicator,year,value,note", "meldingen,2017,365,", "meldingen,2018,261,Eerste jaar met de app.",
        "politie,2018,\"12,5\",", "", "MELDINGEN,2019,463,"])
    summary = indicator_import.import_values(path, actor=None)
    assert (summary.values, summary.added, summary.replaced) == (4, 3, 1)
    assert stored(db) == {
        ("meldingen", 2017): (Decimal(365), None), ("meldingen", 2018): (Decimal(261), "Eerste jaar met de app."),
        ("meldingen", 2019): (Decimal(463), None), ("politie", 2018): (Decimal("12.5"), None)}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "indicator_value"))
    assert (event.action, event.detail) == ("import", {"rows": 4, "added": 3, "replaced": 1})


def test_semicolon_csv_with_bom_and_without_note_column(tmp_path, db, defined):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffyear;Indicator;value\r\n2020;politie;7,25\r\n".encode())
    indicator_import.import_values(path, actor=None)
    assert stored(db) == {("politie", 2020): (Decimal("7.25"), None)}


def test_a_bad_row_stores_nothing_and_every_problem_names_row_and_column(tmp_path, db, defined):
    path = write_csv(tmp_path / "fout.csv", [
        "indicator,year,value,note", "meldingen,2017,365,", "onbekend,2018,12,", "politie,18,veel,",
        "meldingen,2017,366,", "politie,2019,5,,extra"])
    with pytest.raises(ImportFailed) as failed:
        indicator_import.import_values(path, actor=None)
    # The surplus cell stops reading first: it is reported alone.
    assert [(problem.row, problem.column) for problem in failed.value.errors] == [(6, "5")]
    path = write_csv(tmp_path / "fout.csv", [
        "indicator,year,value,note", "meldingen,2017,365,", "onbekend,2018,12,", "politie,18,veel,",
        "meldingen,2017,366,"])
    with pytest.raises(ImportFailed) as failed:
        indicator_import.import_values(path, actor=None)
    assert [(problem.row, problem.column) for problem in failed.value.errors] == [
        (3, "indicator"), (4, "year"), (4, "value"), (5, "year")]
    assert "Onbekende indicator" in failed.value.errors[0].message
    assert "rij 2" in failed.value.errors[3].message
    assert stored(db) == {}
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "indicator_value")) is None


def test_a_wrong_header_or_file_is_refused_as_a_whole(tmp_path, db, defined):
    with pytest.raises(ImportFailed) as failed:
        indicator_import.import_values(write_csv(tmp_path / "kop.csv", ["indicator,jaar,value", "politie,2019,1"]),
                                 actor=None)
    assert [(problem.row, problem.column) for problem in failed.value.errors] == [(1, "jaar"), (1, "year")]
    with pytest.raises(ImportFailed) as failed:
        indicator_import.import_values(write_csv(tmp_path / "leeg.csv", ["indicator,year,value"]), actor=None)
    assert failed.value.errors == [ImportProblem(2, FILE, "Het bestand bevat geen waarden.")]
    with pytest.raises(ImportFailed) as failed:
        indicator_import.import_values(write_csv(tmp_path / "waarden.txt", ["indicator,year,value"]), actor=None)
    assert failed.value.errors[0].column == FILE
    (tmp_path / "kapot.xlsx").write_bytes(b"geen zip")
    with pytest.raises(ImportFailed) as failed:
        indicator_import.import_values(tmp_path / "kapot.xlsx", actor=None)
    assert failed.value.errors[0].column == FILE


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_xlsx_import_reads_numbers_from_cells(tmp_path, db, defined):
    path = write_xlsx(tmp_path / "historie.xlsx", [
        ["Indicator", "Year", "Value", "Note"], ["meldingen", 2017, 365, None], ["politie", 2018.0, 12.5, "Schatting"],
        [None, None, None, None]])
    assert indicator_import.import_values(path, actor=None).values == 2
    assert stored(db) == {("meldingen", 2017): (Decimal(365), None), ("politie", 2018): (Decimal("12.5"), "Schatting")}


def test_xlsx_with_a_bad_row_stores_nothing(tmp_path, db, defined):
    path = write_xlsx(tmp_path / "fout.xlsx", [
        ["indicator", "year", "value"], ["meldingen", 2017, 365], ["politie", 2018, "=SUM(A1)"]])
    with pytest.raises(ImportFailed) as failed:
        indicator_import.import_values(path, actor=None)
    assert [(problem.row, problem.column) for problem in failed.value.errors] == [(3, "value")]
    assert stored(db) == {}
