"""Reading an import file (README, "Import format") into header-checked rows, and parsing its cells.

This is the part of the import that knows about files and spreadsheets: CSV dialects, XLSX cell
types, Dutch dates. It never touches the database, so gdt.services.intake.historic_import can check rows against
categories, partners and references without caring where a cell came from. The problem types live
here because reading is where the first problems are found; imports re-exports them.
"""
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import openpyxl
from flask_babel import lazy_gettext as _l
from openpyxl.utils.exceptions import InvalidFileException

from gdt.db import AMSTERDAM, utcnow
from gdt.validation import InvalidValue, clean_text, normalise_addition, parse_house_number

COLUMNS = ("reference", "received_at", "channel", "category", "postcode", "house_number", "description",
           "triage_outcome", "triaged_at", "referred_to", "gdt_mode", "closed_at")
REFERENCE_MAX = 40
EARLIEST_YEAR = 2000
FILE = "(bestand)"  # the "column" of problems with the file as a whole
DUTCH_TIMESTAMP = re.compile(
    r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})(?:[ T]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?")
HOUSE_NUMBER_WITH_ADDITION = re.compile(r"([0-9]+)(.*)", re.DOTALL)


@dataclass(frozen=True)
class ImportProblem:
    row: int  # spreadsheet row number; the header is row 1
    column: str
    message: str


class ImportFailed(Exception):
    """The file was refused; `errors` lists every problem found. Nothing was written."""

    def __init__(self, errors: list[ImportProblem]):
        super().__init__(f"{len(errors)} problem(s) in the import file")
        self.errors = errors


# --- reading -------------------------------------------------------------------------------------

def read_table(path: Path, *, columns: tuple[str, ...] = COLUMNS, required: tuple[str, ...] = COLUMNS,
               empty=_l("Het bestand bevat geen meldingen.")) -> tuple[list[tuple[int, dict]], list[ImportProblem]]:
    """(row number, {column: raw cell}) for every non-empty data row, and rows with surplus cells.

    `columns` are the names the header may use, `required` those it must; the report import's by
    default. A file that cannot be read, a wrong header or a file without rows stops here: there is
    nothing sensible to check further.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _csv_table(path)
    elif suffix == ".xlsx":
        table = _xlsx_table(path)
    else:
        raise _file_problem(_l("Gebruik een .csv- of .xlsx-bestand."))
    if not table:
        raise _file_problem(_l("Het bestand is leeg; de eerste rij moet de kolomnamen bevatten."))
    names = _check_header(table[0], columns, required)
    rows, problems = [], []
    for number, cells in enumerate(table[1:], start=2):
        if all(cell_text(cell).strip() == "" for cell in cells):
            continue  # blank lines and trailing spreadsheet rows
        if any(cell_text(cell).strip() != "" for cell in cells[len(names):]):
            problems.append(ImportProblem(number, str(len(names) + 1),
                                          str(_l("Deze rij heeft meer cellen dan de kopregel kolommen heeft."))))
        rows.append((number, dict(zip(names, list(cells) + [None] * (len(names) - len(cells))))))
    if not rows:
        raise ImportFailed([ImportProblem(2, FILE, str(empty))])
    return rows, problems


def _csv_table(path: Path) -> list[list[str]]:
    """UTF-8 with or without BOM; the header line decides between ',' and ';' (Dutch Excel uses ';')."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_problem(_l("Het bestand is geen UTF-8-tekst. Sla het op als 'CSV UTF-8'.")) from None
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise _file_problem(_l("Het bestand is geen geldig CSV-bestand.")) from None


def _xlsx_table(path: Path) -> list[list]:
    """The first sheet's cell values; dates stay datetimes, numbers stay numbers."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
        raise _file_problem(_l("Het bestand is geen geldig Excel-bestand (.xlsx).")) from None
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _check_header(cells: list, columns: tuple[str, ...], required: tuple[str, ...]) -> list[str]:
    """Known columns in any order, the required ones present; names are trimmed and case-insensitive."""
    names = [cell_text(cell).strip().lower() for cell in cells]
    while names and not names[-1]:
        names.pop()
    problems = []
    for position, name in enumerate(names):
        if not name:
            problems.append(ImportProblem(1, str(position + 1), str(_l("Deze kolom heeft geen naam."))))
        elif name not in columns:
            problems.append(ImportProblem(1, name, str(_l("Onbekende kolom. Toegestaan zijn: %(columns)s.",
                                                          columns=", ".join(columns)))))
        elif names.index(name) != position:
            problems.append(ImportProblem(1, name, str(_l("Deze kolom komt meer dan eens voor."))))
    problems += [ImportProblem(1, column, str(_l("Deze kolom ontbreekt in de kopregel.")))
                 for column in required if column not in names]
    if problems:
        raise ImportFailed(problems)
    return names


def _file_problem(message) -> ImportFailed:
    return ImportFailed([ImportProblem(1, FILE, str(message))])


# --- parsing cells: each returns the value or raises InvalidValue with the user's message ----------

def cell_text(cell) -> str:
    """A cell as text: spreadsheets hand over numbers (12.0) and dates where people typed text."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell if isinstance(cell, str) else str(cell)


def parse_reference(cell) -> str:
    value = clean_text(cell_text(cell), max_length=REFERENCE_MAX, multiline=False)
    if value is None:
        raise InvalidValue(_l("Vul een kenmerk in."))
    return value


def parse_choice(cell, allowed: tuple[str, ...], *, required: bool = False) -> str | None:
    value = cell_text(cell).strip().lower()
    if not value and not required:
        return None
    if value not in allowed:
        raise InvalidValue(_l("Kies een van: %(choices)s.", choices=", ".join(allowed)))
    return value


def parse_key(cell, known: dict[str, int], message, *, required: bool = False) -> int | None:
    """The id behind a category or partner key. An empty cell is None; whether that is allowed is a row rule."""
    value = cell_text(cell).strip().lower()
    if not value and not required:
        return None
    if value not in known:
        raise InvalidValue(message)
    return known[value]


def split_house_number(cell) -> tuple[int, str | None]:
    """'12', '12a', '12 A', '12-2' → number and addition; non-ASCII digits fail like the forms do."""
    text = cell_text(cell).strip()
    match = HOUSE_NUMBER_WITH_ADDITION.fullmatch(text)
    if match is None:
        return parse_house_number(text), None  # raises the forms' message
    return parse_house_number(match[1]), normalise_addition(match[2])


def parse_timestamp(cell, *, required: bool = False) -> datetime | None:
    """ISO 8601 with or without offset, or dd-mm-jjjj [uu:mm]; without an offset it is Amsterdam time."""
    if isinstance(cell, datetime):
        moment = cell
    elif isinstance(cell, date):
        moment = datetime.combine(cell, time())
    elif not cell_text(cell).strip():
        if required:
            raise InvalidValue(_l("Vul een datum en tijd in."))
        return None
    else:
        moment = _timestamp_from_text(cell_text(cell).strip())
    return _checked_moment(moment)


def _timestamp_from_text(text: str) -> datetime:
    match = DUTCH_TIMESTAMP.fullmatch(text)
    try:
        if match:
            day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
            return datetime(year, month, day, hour, minute, second)
        if text.isascii():  # fromisoformat would accept Arabic-Indic or full-width digits too
            return datetime.fromisoformat(text)
    except ValueError:
        pass
    raise InvalidValue(_l("Geen geldige datum en tijd. Gebruik bijvoorbeeld 2025-03-14 09:30 of 14-03-2025 09:30."))


def _checked_moment(moment: datetime) -> datetime:
    """Aware, in a plausible range, and (for Amsterdam time) a time that exists on the clock."""
    if moment.year < EARLIEST_YEAR:
        raise InvalidValue(_l("Ligt vóór %(year)d.", year=EARLIEST_YEAR))
    if moment.tzinfo is None:
        local = moment.replace(tzinfo=AMSTERDAM)
        if local.astimezone(UTC).astimezone(AMSTERDAM).replace(tzinfo=None) != moment:
            raise InvalidValue(_l("Deze tijd bestaat niet in Nederland: die nacht ging de klok vooruit."))
        moment = local
    if moment > utcnow():
        raise InvalidValue(_l("Ligt in de toekomst."))
    return moment
