"""Import historic registrations from CSV or XLSX (README, "Import format"): every row or none.

All rows are checked first and every problem is collected, so one run tells the user everything
there is to fix. Only a clean file is written: in one transaction, with bulk inserts, because a
year of 10 000 rows must take seconds. Historic rows carry their end state (referred, escalated,
closed), so they are written as such instead of being replayed through the lifecycles.

Reading the file and parsing single cells is gdt.services.core.import_reader; this module holds the
rules that need the database or more than one field, and the writing.
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, CaseEvent, Category, Partner, Report, ReportEvent
from gdt.models.reports import CHANNELS
from gdt.services.core import audit
from gdt.services.core.bulk import bulk_insert
from gdt.services.core.import_reader import (
    COLUMNS,
    FILE,
    ImportFailed,
    ImportProblem,
    cell_text,
    parse_choice,
    parse_key,
    parse_reference,
    parse_timestamp,
    read_table,
    split_house_number,
)
from gdt.services.core.reference_numbers import REFERENCE_PATTERN, format_reference, raise_counter_to, reserve_numbers
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.intake.report_intake import DESCRIPTION_MAX
from gdt.validation import InvalidValue, clean_text, normalise_postcode
from workflows import CASE_MODES, TRIAGE_OUTCOMES

__all__ = ["COLUMNS", "FILE", "ImportFailed", "ImportProblem", "ImportSummary", "import_reports"]

IMPORTED_RESULT = "imported"
LOOKUP_CHUNK = 500  # references per IN (...) query


@dataclass
class ImportSummary:
    reports: int
    cases: int
    years: list[int]


@dataclass
class _Lookups:
    """Categories and partners by key, loaded once so checking a row costs no query."""

    categories: dict[str, int]
    partners: dict[str, int]

    @classmethod
    def load(cls) -> "_Lookups":
        def by_key(model) -> dict[str, int]:
            return {key.lower(): id_ for key, id_ in db.session.execute(sa.select(model.key, model.id))}

        return cls(categories=by_key(Category), partners=by_key(Partner))


def import_reports(path: Path, *, dry_run: bool) -> ImportSummary:
    """Check the whole file; write it (unless `dry_run`) only when no row has a problem."""
    table, problems = read_table(Path(path))
    rows, row_problems = _check_rows(table, _Lookups.load())
    problems += row_problems + _check_references(rows)
    if problems:
        raise ImportFailed(sorted(problems, key=_problem_order))
    if not dry_run:
        _write(rows)
    years = {row["received_at"].astimezone(AMSTERDAM).year for row in rows}
    return ImportSummary(reports=len(rows), cases=sum(_is_escalated(row) for row in rows), years=sorted(years))


# --- checking ------------------------------------------------------------------------------------

def _check_rows(table: list[tuple[int, dict]], lookups: _Lookups) -> tuple[list[dict], list[ImportProblem]]:
    rows, problems = [], []
    for number, cells in table:
        row, row_problems = _check_row(number, cells, lookups)
        rows.append(row)
        problems += row_problems
    return rows, problems


def _check_row(number: int, cells: dict, lookups: _Lookups) -> tuple[dict, list[ImportProblem]]:
    """Each field on its own (shared rules from gdt.validation), then the rules between fields."""
    row: dict = {"number": number}
    problems: list[ImportProblem] = []

    def take(column: str, parse) -> None:
        try:
            row[column] = parse(cells[column])
        except InvalidValue as invalid:
            problems.append(ImportProblem(number, column, str(invalid.message)))

    take("reference", parse_reference)
    take("received_at", lambda cell: parse_timestamp(cell, required=True))
    take("channel", lambda cell: parse_choice(cell, CHANNELS, required=True))
    take("category", lambda cell: parse_key(cell, lookups.categories, _l("Onbekende categorie."), required=True))
    take("postcode", lambda cell: normalise_postcode(cell_text(cell)))
    take("house_number", split_house_number)
    take("description", lambda cell: clean_text(cell_text(cell), max_length=DESCRIPTION_MAX))
    take("triage_outcome", lambda cell: parse_choice(cell, TRIAGE_OUTCOMES))
    take("triaged_at", parse_timestamp)
    take("referred_to", lambda cell: parse_key(cell, lookups.partners, _l("Onbekende ketenpartner.")))
    take("gdt_mode", lambda cell: parse_choice(cell, CASE_MODES))
    take("closed_at", parse_timestamp)
    problems += [ImportProblem(number, column, str(message)) for column, message in _combination_problems(row)]
    if row.get("triage_outcome") and row.get("triaged_at") is None:
        row["triaged_at"] = row.get("received_at")
    return row, problems


def _combination_problems(row: dict) -> list[tuple[str, str]]:
    """Rules between fields, checked only where the fields involved were readable themselves."""
    if "triage_outcome" not in row:
        return []
    outcome, problems = row["triage_outcome"], []
    if outcome == "referred" and "referred_to" in row and row["referred_to"] is None:
        problems.append(("referred_to", _l("Vul de ketenpartner in: verplicht bij triage_outcome 'referred'.")))
    if outcome != "referred" and row.get("referred_to"):
        problems.append(("referred_to", _l("Alleen invullen bij triage_outcome 'referred'.")))
    if outcome != "escalated" and row.get("gdt_mode"):
        problems.append(("gdt_mode", _l("Alleen invullen bij triage_outcome 'escalated'.")))
    if outcome is None and row.get("triaged_at"):
        problems.append(("triaged_at", _l("Alleen invullen als triage_outcome is ingevuld.")))
    if outcome != "escalated" and row.get("closed_at"):
        problems.append(("closed_at",
                         _l("Alleen invullen bij triage_outcome 'escalated': dan wordt de casus gesloten.")))
    received, triaged, closed = row.get("received_at"), row.get("triaged_at"), row.get("closed_at")
    if received and triaged and triaged < received:
        problems.append(("triaged_at", _l("Ligt vóór received_at.")))
    if received and closed and closed < received:
        problems.append(("closed_at", _l("Ligt vóór received_at.")))
    elif triaged and closed and closed < triaged:
        problems.append(("closed_at", _l("Ligt vóór triaged_at.")))
    return problems


def _check_references(rows: list[dict]) -> list[ImportProblem]:
    """Unique within the file, and not yet used by a report or case in the database (chunked IN)."""
    first_row: dict[str, int] = {}
    problems = []
    for row in rows:
        reference = row.get("reference")
        if reference in first_row:
            problems.append(ImportProblem(row["number"], "reference", str(
                _l("Dit kenmerk staat al in rij %(row)d.", row=first_row[reference]))))
        elif reference:
            first_row[reference] = row["number"]
    known = _known_references(list(first_row))
    problems += [ImportProblem(first_row[reference], "reference", str(_l("Dit kenmerk bestaat al in het systeem.")))
                 for reference in sorted(known, key=first_row.get)]
    return problems


def _known_references(references: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(references), LOOKUP_CHUNK):
        chunk = references[start:start + LOOKUP_CHUNK]
        for model in (Report, Case):
            known.update(db.session.scalars(sa.select(model.reference).where(model.reference.in_(chunk))))
    return known


def _problem_order(problem: ImportProblem) -> tuple[int, int]:
    return problem.row, COLUMNS.index(problem.column) if problem.column in COLUMNS else len(COLUMNS)


def _is_escalated(row: dict) -> bool:
    return row["triage_outcome"] == "escalated"


# --- writing -------------------------------------------------------------------------------------

def _write(rows: list[dict]) -> None:
    """One transaction: counters first (so case references come after imported ones), then bulk inserts."""
    with unit_of_work():
        _raise_counters(rows)
        case_ids = _insert_cases([row for row in rows if _is_escalated(row)])
        report_ids = bulk_insert(Report, [_report_values(row, case_ids.get(row["number"])) for row in rows],
                                 key="reference")
        now = utcnow()
        bulk_insert(ReportEvent, [_import_event(row, report_ids[row["reference"]], now) for row in rows])
        audit.record(None, "import", "report", None, detail={"rows": len(rows)})


@joins_unit_of_work
def _raise_counters(rows: list[dict]) -> None:
    """Imported GDT-YYYY-NNNNNN references push that year's counter up, so new ones never collide."""
    highest: dict[int, int] = {}
    for row in rows:
        match = REFERENCE_PATTERN.fullmatch(row["reference"])
        if match:
            year, number = int(match[1]), int(match[2])
            highest[year] = max(highest.get(year, 0), number)
    for year, number in sorted(highest.items()):
        raise_counter_to(year, number)


@joins_unit_of_work
def _insert_cases(rows: list[dict]) -> dict[int, int]:
    """A case per escalated row, with its history; returns {row number: case id}."""
    references = _reserve_references([row["received_at"].astimezone(AMSTERDAM).year for row in rows])
    ids = bulk_insert(Case, [_case_values(row, reference) for row, reference in zip(rows, references)],
                      key="reference")
    case_ids = [ids[reference] for reference in references]
    events = []
    for row, case_id in zip(rows, case_ids):
        events.append(dict(case_id=case_id, occurred_at=row["triaged_at"], event="open", from_status=None,
                           to_status="open", detail={"report": row["reference"], "import": True}))
        if row["closed_at"]:
            events.append(dict(case_id=case_id, occurred_at=row["closed_at"], event="close", from_status="open",
                               to_status="closed", detail={"result": IMPORTED_RESULT, "import": True}))
    bulk_insert(CaseEvent, events)
    return {row["number"]: case_id for row, case_id in zip(rows, case_ids)}


@joins_unit_of_work
def _reserve_references(years: list[int]) -> list[str]:
    """One draw per year instead of one per case, handed out in the order of `years`."""
    numbers: dict[int, Iterator[int]] = {year: iter(reserve_numbers(year, years.count(year))) for year in set(years)}
    return [format_reference(year, next(numbers[year])) for year in years]


def _case_values(row: dict, reference: str) -> dict:
    closed = row["closed_at"] is not None
    return dict(reference=reference, source="partner" if row["channel"] == "partner" else "report",
                status="closed" if closed else "open", mode=row["gdt_mode"], received_at=row["received_at"],
                opened_at=row["triaged_at"], closed_at=row["closed_at"], result=IMPORTED_RESULT if closed else None)


def _report_values(row: dict, case_id: int | None) -> dict:
    number, addition = row["house_number"]
    return dict(
        reference=row["reference"], channel=row["channel"], received_at=row["received_at"],
        status=row["triage_outcome"] or "received", category_id=row["category"], description=row["description"],
        postcode=row["postcode"], house_number=number, house_number_addition=addition,
        reporter_is_anonymous=True,  # the format has no reporter columns
        triage_outcome=row["triage_outcome"], triaged_at=row["triaged_at"], referred_partner_id=row["referred_to"],
        case_id=case_id,
    )


def _import_event(row: dict, report_id: int, now: datetime) -> dict:
    return dict(report_id=report_id, occurred_at=now, event="import", from_status=None,
                to_status=row["triage_outcome"] or "received", detail={"row": row["number"]})
