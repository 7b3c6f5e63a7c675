"""Importing historic registrations: counts, states, times, counters, and all-or-nothing errors."""
import csv
from datetime import UTC, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Case, CaseEvent, Report, ReportEvent
from gdt.services.core.reference_numbers import next_reference
from gdt.services.intake import historic_import
from gdt.services.intake.historic_import import COLUMNS, ImportFailed

UTC = UTC


def row(ref: str, **fields) -> dict:
    """A valid referred row; keyword overrides change single cells (the reference too)."""
    return {"reference": ref, "received_at": "2025-03-14 09:30", "channel": "app", "category": "geluidsoverlast",
            "postcode": "5611 ab", "house_number": "12", "description": "Harde muziek.", "triage_outcome": "referred",
            "triaged_at": "", "referred_to": "ruimtelijk-domein", "gdt_mode": "", "closed_at": ""} | fields


def write_csv(path, rows, *, delimiter=",", bom=False, columns=COLUMNS):
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(columns)
        writer.writerows([[values.get(column, "") for column in columns] for values in rows])
    return path


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def report(db, reference: str) -> Report:
    return db.session.scalar(sa.select(Report).where(Report.reference == reference))


@pytest.fixture
def defaults(make):
    make.defaults()


MIXED_YEAR = [
    row("H-1"),
    row("H-2", referred_to="politie", channel="webform", triaged_at="2025-03-15T10:00:00+01:00"),
    row("H-3", channel="phone", triage_outcome="escalated", referred_to="", gdt_mode="advice",
        triaged_at="2025-03-14 10:00", closed_at="2025-05-01 12:00"),
    row("H-4", triage_outcome="escalated", referred_to="", gdt_mode="regie"),
    row("H-5", channel="partner", triage_outcome="escalated", referred_to="", gdt_mode="regie"),
    row("H-6", triage_outcome="", referred_to="", description=""),
]


def test_csv_import_writes_reports_cases_history_and_one_audit_event(tmp_path, db, defaults):
    summary = historic_import.import_reports(write_csv(tmp_path / "historie.csv", MIXED_YEAR), dry_run=False)

    assert (summary.reports, summary.cases, summary.years) == (6, 3, [2025])
    statuses = dict(db.session.execute(sa.select(Report.reference, Report.status)).all())
    assert statuses == {"H-1": "referred", "H-2": "referred", "H-3": "escalated", "H-4": "escalated",
                        "H-5": "escalated", "H-6": "received"}
    assert report(db, "H-2").referred_partner.key == "politie"
    assert report(db, "H-1").triaged_at == report(db, "H-1").received_at  # defaults to the received time
    assert all(r.reporter_is_anonymous and r.reporter_name is None for r in db.session.scalars(sa.select(Report)))
    assert report(db, "H-6").description is None and report(db, "H-6").triage_outcome is None

    advice, regie, partner = (report(db, ref).case for ref in ("H-3", "H-4", "H-5"))
    assert (advice.status, advice.mode, advice.result, advice.source) == ("closed", "advice", "imported", "report")
    assert advice.closed_at == datetime(2025, 5, 1, 10, tzinfo=UTC)
    assert advice.opened_at == datetime(2025, 3, 14, 9, tzinfo=UTC)
    assert (regie.status, regie.mode, regie.closed_at, regie.result) == ("open", "regie", None, None)
    assert partner.source == "partner" and partner.received_at == report(db, "H-5").received_at
    assert [event.event for event in advice.events] == ["open", "close"]
    assert [event.event for event in regie.events] == ["open"]
    assert count(db, ReportEvent) == 6
    assert set(db.session.scalars(sa.select(ReportEvent.event))) == {"import"}
    audit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert [(event.object_type, event.detail) for event in audit] == [("report", {"rows": 6})]


def test_semicolon_csv_with_bom_dutch_dates_and_house_number_additions(tmp_path, db, defaults):
    rows = [row("S-1", received_at="14-03-2025 09:30", house_number="12a", postcode="5611AB"),
            row("S-2", received_at="1-4-2025", house_number="12-2", postcode=" 5611  ab ")]
    summary = historic_import.import_reports(
        write_csv(tmp_path / "excel.csv", rows, delimiter=";", bom=True), dry_run=False
    )

    assert summary.reports == 2
    first, second = report(db, "S-1"), report(db, "S-2")
    assert first.received_at == datetime(2025, 3, 14, 8, 30, tzinfo=UTC)
    assert second.received_at == datetime(2025, 3, 31, 22, 0, tzinfo=UTC)  # midnight, summer time
    assert (first.house_number, first.house_number_addition) == (12, "A")
    assert (second.house_number, second.house_number_addition, second.postcode) == (12, "2", "5611AB")


def test_times_without_offset_are_amsterdam_time_and_decide_the_year(tmp_path, db, defaults):
    rows = [
        row("T-1", received_at="2026-01-01 00:30"),
        row("T-2", received_at="2025-06-01T10:00:00Z"),
        row("T-3", received_at="2025-06-01T10:00:00+02:00"),
    ]
    summary = historic_import.import_reports(write_csv(tmp_path / "tijden.csv", rows), dry_run=False)

    assert report(db, "T-1").received_at == datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert report(db, "T-2").received_at == datetime(2025, 6, 1, 10, tzinfo=UTC)
    assert report(db, "T-3").received_at == datetime(2025, 6, 1, 8, tzinfo=UTC)
    assert summary.years == [2025, 2026]


def test_xlsx_import_reads_dates_and_numbers_from_cells(tmp_path, db, defaults):
    path = tmp_path / "historie.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(reversed(COLUMNS)))  # column order is free
    cells = [
        row("X-1", received_at=datetime(2025, 7, 1, 14, 0), house_number=7, postcode="5612 CD"),
        row(
            "X-2",
            received_at=datetime(2025, 7, 2, 9, 15),
            house_number=9.0,
            triage_outcome="escalated",
            referred_to=None,
            gdt_mode="regie",
            closed_at=datetime(2025, 8, 1),
            description=None,
        ),
    ]
    for values in cells:
        sheet.append([values[column] or None for column in reversed(COLUMNS)])
    workbook.save(path)

    summary = historic_import.import_reports(path, dry_run=False)

    assert (summary.reports, summary.cases) == (2, 1)
    assert report(db, "X-1").received_at == datetime(2025, 7, 1, 12, tzinfo=UTC)
    assert report(db, "X-1").house_number == 7 and report(db, "X-2").house_number == 9
    case = report(db, "X-2").case
    assert (case.mode, case.status, case.closed_at) == ("regie", "closed", datetime(2025, 7, 31, 22, tzinfo=UTC))


def test_imported_references_raise_the_counter_so_new_ones_never_collide(tmp_path, db, defaults):
    rows = [
        row("GDT-2025-000500"),
        row("GDT-2025-000042"),
        row("GDT-2024-000007", received_at="2024-05-01 10:00", triage_outcome="escalated", referred_to=""),
    ]
    historic_import.import_reports(write_csv(tmp_path / "kenmerken.csv", rows), dry_run=False)

    assert report(db, "GDT-2024-000007").case.reference == "GDT-2024-000008"
    assert next_reference(2025) == "GDT-2025-000501"
    assert next_reference(2024) == "GDT-2024-000009"


def test_dry_run_checks_and_counts_but_writes_nothing(tmp_path, db, defaults):
    summary = historic_import.import_reports(write_csv(tmp_path / "proef.csv", MIXED_YEAR), dry_run=True)

    assert (summary.reports, summary.cases, summary.years) == (6, 3, [2025])
    assert count(db, Report) == count(db, Case) == count(db, AuditEvent) == 0


BAD_CELLS = [
    ({"postcode": "1234SA"}, "postcode"),
    ({"house_number": "١٢"}, "house_number"),
    ({"channel": "email"}, "channel"),
    ({"category": "lawaai"}, "category"),
    ({"referred_to": "brandweer"}, "referred_to"),
    ({"referred_to": ""}, "referred_to"),
    ({"gdt_mode": "regie"}, "gdt_mode"),
    ({"triage_outcome": "escalated", "referred_to": "", "closed_at": "2025-03-01 10:00"}, "closed_at"),
    ({"received_at": "2026-02-30"}, "received_at"),
    ({"received_at": "2025-03-30 02:30"}, "received_at"),  # does not exist: clocks go forward
    ({"received_at": ""}, "received_at"),
    ({"reference": "X" * 41}, "reference"),
    ({"triage_outcome": "gesloten"}, "triage_outcome"),
]


@pytest.mark.parametrize(("cells", "column"), BAD_CELLS)
def test_a_bad_cell_is_reported_with_row_and_column_and_nothing_is_written(tmp_path, db, defaults, cells, column):
    path = write_csv(tmp_path / "fout.csv", [row("OK-1"), row("BAD-1", **cells), row("OK-2")])

    with pytest.raises(ImportFailed) as failed:
        historic_import.import_reports(path, dry_run=False)

    assert [(problem.row, problem.column) for problem in failed.value.errors] == [(3, column)]
    assert failed.value.errors[0].message
    assert count(db, Report) == count(db, AuditEvent) == 0


def test_every_problem_in_the_file_is_reported_at_once_in_row_order(tmp_path, db, defaults):
    rows = [row("A", postcode="1234 ss", house_number="0"), row("B"), row("A", channel="fax")]

    with pytest.raises(ImportFailed) as failed:
        historic_import.import_reports(write_csv(tmp_path / "fouten.csv", rows), dry_run=False)

    assert [(p.row, p.column) for p in failed.value.errors] == [
        (2, "postcode"),
        (2, "house_number"),
        (4, "reference"),
        (4, "channel"),
    ]
    assert "rij 2" in failed.value.errors[2].message  # the duplicate names where the reference came first
    assert count(db, Report) == count(db, AuditEvent) == 0


def test_a_row_with_more_cells_than_the_header_is_reported_with_the_other_problems(tmp_path, db, defaults):
    path = write_csv(tmp_path / "cellen.csv", [row("E-1", postcode="1234SA"), row("E-2")])
    path.write_text(path.read_text().rstrip() + ",extra\n")  # a thirteenth cell on the last row

    with pytest.raises(ImportFailed) as failed:
        historic_import.import_reports(path, dry_run=False)

    assert [(p.row, p.column) for p in failed.value.errors] == [(2, "postcode"), (3, "13")]


def test_a_reference_already_in_the_database_is_refused(tmp_path, db, make, defaults):
    make.report(reference="BESTAAT-1")
    make.case(reference="CASUS-1")
    path = write_csv(tmp_path / "dubbel.csv", [row("NIEUW-1"), row("BESTAAT-1"), row("CASUS-1")])

    with pytest.raises(ImportFailed) as failed:
        historic_import.import_reports(path, dry_run=True)

    assert [(p.row, p.column) for p in failed.value.errors] == [(3, "reference"), (4, "reference")]
    assert count(db, Report) == 1


def test_a_missing_or_unknown_column_is_named(tmp_path, db, defaults):
    columns = [column for column in COLUMNS if column != "gdt_mode"] + ["opmerking"]
    path = write_csv(tmp_path / "kolommen.csv", [row("K-1")], columns=columns)

    with pytest.raises(ImportFailed) as failed:
        historic_import.import_reports(path, dry_run=False)

    assert {(p.row, p.column) for p in failed.value.errors} == {(1, "opmerking"), (1, "gdt_mode")}
    assert count(db, Report) == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("meldingen.txt", b"reference\n"),
        ("leeg.csv", b""),
        ("latin1.csv", "reference;caf\xe9\n".encode("latin-1")),
        ("kapot.xlsx", b"geen zip"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message(tmp_path, db, defaults, name, content):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(ImportFailed) as failed:
        historic_import.import_reports(path, dry_run=False)

    assert [(p.row, p.column) for p in failed.value.errors] == [(1, historic_import.FILE)]


def test_ten_thousand_rows_import_in_one_go(tmp_path, db, defaults):
    rows = [
        row(
            f"GDT-2025-{n:06d}",
            received_at=f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d} {n % 24:02d}:15",
            house_number=str(n % 400 + 1),
            **({"triage_outcome": "escalated", "referred_to": "", "gdt_mode": "regie"} if n % 16 == 0 else {}),
        )
        for n in range(1, 10_001)
    ]

    summary = historic_import.import_reports(write_csv(tmp_path / "groot.csv", rows), dry_run=False)

    assert (summary.reports, summary.cases) == (10_000, 625)
    assert count(db, Report) == count(db, ReportEvent) == 10_000
    assert count(db, Case) == count(db, CaseEvent) == 625
    assert next_reference(2025) == "GDT-2025-010626"


def test_cli_imports_and_dry_runs(tmp_path, runner, db):
    path = write_csv(tmp_path / "historie.csv", MIXED_YEAR)

    dry = runner.invoke(args=["import-reports", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "Would import 6 reports and 3 cases." in dry.output
    assert count(db, Report) == 0

    done = runner.invoke(args=["import-reports", str(path)])
    assert done.exit_code == 0 and "Imported 6 reports and 3 cases." in done.output
    assert count(db, Report) == 6


def test_cli_names_row_and_column_and_exits_non_zero(tmp_path, runner, db):
    path = write_csv(tmp_path / "fout.csv", [row("C-1"), row("C-2", postcode="1234SA", channel="fax")])

    result = runner.invoke(args=["import-reports", str(path)])

    assert result.exit_code == 1
    assert "row 3, column channel" in result.output and "row 3, column postcode" in result.output
    assert "2 error(s); nothing was imported" in result.output
    assert count(db, Report) == 0
