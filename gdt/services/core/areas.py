"""The names of CBS wijken and buurten, so the statistics can say "Centrum (WK077201)" instead of only the code.

Reports keep the codes the address service gave them (`Report.wijk_code`, `Report.buurt_code`); the names live in
`areas`, filled from a file (`flask areas import`, README "Commands") or by the demo. Importing is idempotent: a code
already known gets the file's name, codes not in the file keep theirs, nothing is deleted. A file with any problem
changes nothing. Reading the file is gdt.services.core.import_reader's (`,` or `;`, UTF-8 with or without BOM, XLSX).
"""
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Area, User
from gdt.services.core import audit
from gdt.services.core.import_reader import ImportFailed, ImportProblem, cell_text, read_table
from gdt.services.core.transaction import unit_of_work
from gdt.validation import InvalidValue, clean_text

COLUMNS = ("code", "naam")
NAME_MAX = 100
# CBS codes: WK + 4-digit municipality + 2 for the wijk; BU + municipality + wijk + 2 for the buurt.
AREA_CODE = re.compile(r"WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4}")


@dataclass(frozen=True)
class AreaImportSummary:
    added: int
    renamed: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.added + self.renamed + self.unchanged


def area_names(codes) -> dict[str, str]:
    """{code: name} for those of `codes` that have a name (one query; codes without one are left out)."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    return dict(db.session.execute(sa.select(Area.code, Area.name).where(Area.code.in_(wanted))).all())


def import_areas(path: Path, *, actor: User | None) -> AreaImportSummary:
    """A CSV or XLSX file with the columns `code` and `naam`: every row or none.

    Every row is checked first and every problem collected, with its line number (the header is line 1) and
    column; only a clean file is written, in one transaction.
    """
    rows, problems = read_table(Path(path), columns=COLUMNS, required=COLUMNS,
                                empty=_l("Het bestand bevat geen wijken of buurten."))
    names: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for line, cells in rows:
        code, name, row_problems = _check_row(line, cells)
        problems += row_problems
        if code is None:
            continue
        if code in first_line:
            problems.append(ImportProblem(line, "code", str(
                _l("Deze code staat al in regel %(line)d.", line=first_line[code]))))
            continue
        first_line[code] = line
        if name is not None:
            names[code] = name
    if problems:
        raise ImportFailed(sorted(problems, key=lambda problem: (problem.row, _column_order(problem.column))))
    return _write(names, actor, overwrite=True)


def add_missing_names(names: dict[str, str], *, actor: User | None) -> int:
    """Give the codes that have no name yet the name in `names` (the demo's); a name already stored stays."""
    return _write(names, actor, overwrite=False).added


def _check_row(line: int, cells: dict) -> tuple[str | None, str | None, list[ImportProblem]]:
    problems = []
    code = name = None
    try:
        code = _code(cells.get("code"))
    except InvalidValue as invalid:
        problems.append(ImportProblem(line, "code", str(invalid.message)))
    try:
        name = _name(cells.get("naam"))
    except InvalidValue as invalid:
        problems.append(ImportProblem(line, "naam", str(invalid.message)))
    return code, name, problems


def _code(cell) -> str:
    value = cell_text(cell).strip().upper()
    if not value:
        raise InvalidValue(_l("Vul de CBS-code van de wijk of buurt in, zoals WK077201 of BU07720110."))
    if not AREA_CODE.fullmatch(value):
        raise InvalidValue(_l("Geen CBS-wijkcode (WK + 6 tekens, zoals WK077201) of buurtcode "
                              "(BU + 8 tekens, zoals BU07720110)."))
    return value


def _name(cell) -> str:
    value = clean_text(cell_text(cell), max_length=NAME_MAX, multiline=False)
    if value is None:
        raise InvalidValue(_l("Vul de naam van de wijk of buurt in."))
    return value


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


def _write(names: dict[str, str], actor: User | None, *, overwrite: bool) -> AreaImportSummary:
    """Upsert in one transaction. The whole table is read in one query: the Netherlands has some 17 000 wijken and
    buurten, fewer than the bind parameters a filter on every code of a national file would need on SQLite."""
    added = renamed = 0
    with unit_of_work():
        stored = {area.code: area for area in db.session.scalars(sa.select(Area))}
        for code, name in names.items():
            area = stored.get(code)
            if area is None:
                db.session.add(Area(code=code, name=name))
                added += 1
            elif overwrite and area.name != name:
                area.name = name
                renamed += 1
        summary = AreaImportSummary(added=added, renamed=renamed, unchanged=len(names) - added - renamed)
        audit.record(actor, "import", "area", None,
                     detail={"added": added, "renamed": renamed, "unchanged": summary.unchanged})
    return summary
