"""The names of CBS wijken and buurten, so the statistics can say "Centrum (WK077201)" instead of only the code.

Reports keep the codes the address service gave them (`Report.wijk_code`, `Report.buurt_code`); the names live in
`areas`, kept by the admin (gdt/services/admin/areas.py: the pages and `flask areas import`, README "Commands") or
filled by the demo. This module has what every feature needs: the names of codes, the rules of a code and a name,
and reading an import file (`,` or `;`, UTF-8 with or without BOM, XLSX: gdt.services.core.import_reader), every
line checked, every problem collected with its line and column.
"""
import re
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
# CBS codes: WK + 4-digit municipality + 2 digits for the wijk; BU + municipality + wijk + 2 digits for the buurt.
AREA_CODE = re.compile(r"WK[0-9]{6}|BU[0-9]{8}")


def area_names(codes) -> dict[str, str]:
    """{code: name} for those of `codes` that have a name (one query; codes without one are left out)."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    return dict(db.session.execute(sa.select(Area.code, Area.name).where(Area.code.in_(wanted))).all())


def read_area_file(path: Path) -> dict[str, str]:
    """{code: name} from a CSV or XLSX file with the columns `code` and `naam`: every row or none.

    Every row is checked and every problem collected, with its line number (the header is line 1) and column;
    ImportFailed lists them all.
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
    return names


def wijk_of(code: str) -> str:
    """The wijk a code belongs to: itself for a wijk, WK + the municipality and wijk digits for a buurt."""
    return f"WK{code[2:8]}" if code.startswith("BU") else code


def add_missing_names(names: dict[str, str], *, actor: User | None) -> int:
    """Give the codes that have no name yet the name in `names` (the demo's); a name already stored stays.

    The whole table's codes are read in one query: a filter on every code of a national list (some 17 000 wijken
    and buurten) would need more bind parameters than SQLite takes."""
    added = 0
    with unit_of_work():
        stored = set(db.session.scalars(sa.select(Area.code)))
        for code, name in names.items():
            if code not in stored:
                db.session.add(Area(code=code, name=name))
                added += 1
        audit.record(actor, "import", "area", None, detail={"added": added, "renamed": 0,
                                                              "unchanged": len(names) - added})
    return added


def _check_row(line: int, cells: dict) -> tuple[str | None, str | None, list[ImportProblem]]:
    problems = []
    code = name = None
    try:
        code = clean_code(cells.get("code"))
    except InvalidValue as invalid:
        problems.append(ImportProblem(line, "code", str(invalid.message)))
    try:
        name = clean_name(cells.get("naam"))
    except InvalidValue as invalid:
        problems.append(ImportProblem(line, "naam", str(invalid.message)))
    return code, name, problems


def clean_code(cell) -> str:
    """A CBS wijk or buurt code, upper-cased: WK + 6 digits or BU + 8 digits."""
    value = cell_text(cell).strip().upper()
    if not value:
        raise InvalidValue(_l("Vul de CBS-code van de wijk of buurt in, zoals WK077201 of BU07720110."))
    if not AREA_CODE.fullmatch(value):
        raise InvalidValue(_l("Geen CBS-wijkcode (WK + 6 cijfers, zoals WK077201) of buurtcode "
                              "(BU + 8 cijfers, zoals BU07720110)."))
    return value


def clean_name(cell) -> str:
    """A wijk's or buurt's name: one line of at most NAME_MAX characters."""
    value = clean_text(cell_text(cell), max_length=NAME_MAX, multiline=False)
    if value is None:
        raise InvalidValue(_l("Vul de naam van de wijk of buurt in."))
    return value


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1

