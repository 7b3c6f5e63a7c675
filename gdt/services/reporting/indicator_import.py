"""Import of historic indicator figures from CSV or XLSX (columns indicator, year, value[, note]): all or nothing.

Reading the file is gdt.services.core.import_reader's (dialects, BOM, XLSX cells, problems with row and column);
the cells are checked with the admin form's field rules (gdt.services.reporting.indicators).
"""
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Indicator, IndicatorValue, User
from gdt.services.core import audit
from gdt.services.core.import_reader import ImportFailed, ImportProblem, cell_text, read_table
from gdt.services.core.transaction import unit_of_work
from gdt.services.reporting.indicators import clean_note, parse_decimal, value_year
from gdt.validation import InvalidValue

IMPORT_COLUMNS = ("indicator", "year", "value", "note")
IMPORT_REQUIRED = ("indicator", "year", "value")


@dataclass
class ImportSummary:
    values: int
    added: int
    replaced: int


def import_values(path: Path, *, actor: User | None) -> ImportSummary:
    """CSV or XLSX with columns indicator, year, value[, note]: every row or none.

    Every row is checked first and every problem collected (row number as in the spreadsheet,
    header = row 1; the column by name). Only a clean file is written, in one transaction; a
    figure already stored for that indicator and year is replaced.
    """
    rows = _read_values(Path(path))
    known = dict(db.session.execute(sa.select(Indicator.key, Indicator.id)).all())
    checked, problems, first_row = [], [], {}
    for number, cells in rows:
        row, row_problems = _check_value_row(number, cells, known)
        problems += row_problems
        if row_problems:
            continue
        pair = (row["indicator_id"], row["year"])
        if pair in first_row:
            problems.append(ImportProblem(number, "year", str(
                _l("Deze indicator en dit jaar staan al in rij %(row)d.", row=first_row[pair]))))
            continue
        first_row[pair] = number
        checked.append(row)
    if problems:
        raise ImportFailed(sorted(problems, key=lambda problem: (
            problem.row, IMPORT_COLUMNS.index(problem.column) if problem.column in IMPORT_COLUMNS else 99)))
    return _write_values(checked, actor)


def _read_values(path: Path) -> list[tuple[int, dict]]:
    rows, problems = read_table(path, columns=IMPORT_COLUMNS, required=IMPORT_REQUIRED,
                                empty=_l("Het bestand bevat geen waarden."))
    if problems:
        raise ImportFailed(problems)
    return rows


def _check_value_row(number: int, cells: dict, known: dict[str, int]) -> tuple[dict, list[ImportProblem]]:
    row: dict = {"number": number}
    problems: list[ImportProblem] = []

    def take(column: str, field: str, parse) -> None:
        try:
            row[field] = parse(cells.get(column))
        except InvalidValue as invalid:
            problems.append(ImportProblem(number, column, str(invalid.message)))

    take("indicator", "indicator_id", lambda cell: _known_indicator(cell, known))
    take("year", "year", value_year)
    take("value", "value", parse_decimal)
    take("note", "note", clean_note)
    return row, problems


def _known_indicator(cell, known: dict[str, int]) -> int:
    key = cell_text(cell).strip().lower()
    if not key:
        raise InvalidValue(_l("Vul de sleutel van de indicator in."))
    if key not in known:
        raise InvalidValue(_l("Onbekende indicator. Gebruik de sleutel uit het overzicht van de indicatoren."))
    return known[key]


def _write_values(rows: list[dict], actor: User | None) -> ImportSummary:
    """Upsert in one transaction: the stored figures of the indicators in the file are read in one query."""
    with unit_of_work():
        ids = {row["indicator_id"] for row in rows}
        existing = {(value.indicator_id, value.year): value for value in db.session.scalars(
            sa.select(IndicatorValue).where(IndicatorValue.indicator_id.in_(ids)))}
        added = 0
        for row in rows:
            stored = existing.get((row["indicator_id"], row["year"]))
            if stored is None:
                db.session.add(IndicatorValue(indicator_id=row["indicator_id"], year=row["year"], value=row["value"],
                                              note=row["note"]))
                added += 1
            else:
                stored.value, stored.note = row["value"], row["note"]
        audit.record(actor, "import", "indicator_value", None,
                     detail={"rows": len(rows), "added": added, "replaced": len(rows) - added})
    return ImportSummary(values=len(rows), added=added, replaced=len(rows) - added)
