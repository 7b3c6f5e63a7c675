"""Import historic registrations from CSV or XLSX (DESIGN §6 "Import format"): every row or none.

All rows are checked first and every problem is collected, so one run tells the user everything
there is to fix. Only a clean file is written: in one transaction, with bulk inserts, because a
year of 10 000 rows must take seconds. Historic rows carry their end state (referred, escalated,
closed), so they are written as such instead of being replayed through the lifecycles.
"""
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path

import openpyxl
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl.utils.exceptions import InvalidFileException

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, CaseEvent, Category, Partner, Report, ReportEvent
from gdt.models.reports import CHANNELS
from gdt.services import audit
from gdt.services.intake import DESCRIPTION_MAX
from gdt.services.references import REFERENCE_PATTERN, format_reference, next_reference, raise_counter_to
from gdt.services.transaction import unit_of_work
from gdt.validation import InvalidValue, clean_text, normalise_addition, normalise_postcode, parse_house_number
from workflows import CASE_MODES, TRIAGE_OUTCOMES

COLUMNS = ("reference", "received_at", "channel", "category", "postcode", "house_number", "description",
           "triage_outcome", "triaged_at", "referred_to", "gdt_mode", "closed_at")
REFERENCE_MAX = 40
EARLIEST_YEAR = 2000
IMPORTED_RESULT = "imported"
FILE = "(bestand)"  # the "column" of problems with the file as a whole
LOOKUP_CHUNK = 500  # references per IN (...) query
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
    table, problems = _read_table(Path(path))
    rows, row_problems = _check_rows(table, _Lookups.load())
    problems += row_problems + _check_references(rows)
    if problems:
        raise ImportFailed(sorted(problems, key=_problem_order))
    if not dry_run:
        _write(rows)
    years = {row["received_at"].astimezone(AMSTERDAM).year for row in rows}
    return ImportSummary(reports=len(rows), cases=sum(_is_escalated(row) for row in rows), years=sorted(years))


# --- reading -------------------------------------------------------------------------------------

def _read_table(path: Path) -> tuple[list[tuple[int, dict]], list[ImportProblem]]:
    """(row number, {column: raw cell}) for every non-empty data row, and rows with surplus cells.

    A file that cannot be read, a wrong header or a file without rows stops here: there is
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
    columns = _check_header(table[0])
    rows, problems = [], []
    for number, cells in enumerate(table[1:], start=2):
        if all(_text(cell) == "" for cell in cells):
            continue  # blank lines and trailing spreadsheet rows
        if any(_text(cell) != "" for cell in cells[len(columns):]):
            problems.append(ImportProblem(number, str(len(columns) + 1),
                                          str(_l("Deze rij heeft meer cellen dan de kopregel kolommen heeft."))))
        rows.append((number, dict(zip(columns, list(cells) + [None] * (len(columns) - len(cells))))))
    if not rows:
        raise ImportFailed([ImportProblem(2, FILE, str(_l("Het bestand bevat geen meldingen.")))])
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


def _check_header(cells: list) -> list[str]:
    """Exactly the DESIGN §6 columns, in any order; names are trimmed and case-insensitive."""
    names = [_text(cell).strip().lower() for cell in cells]
    while names and not names[-1]:
        names.pop()
    problems = []
    for position, name in enumerate(names):
        if not name:
            problems.append(ImportProblem(1, str(position + 1), str(_l("Deze kolom heeft geen naam."))))
        elif name not in COLUMNS:
            problems.append(ImportProblem(1, name, str(_l("Onbekende kolom. Toegestaan zijn: %(columns)s.",
                                                          columns=", ".join(COLUMNS)))))
        elif names.index(name) != position:
            problems.append(ImportProblem(1, name, str(_l("Deze kolom komt meer dan eens voor."))))
    problems += [ImportProblem(1, column, str(_l("Deze kolom ontbreekt in de kopregel.")))
                 for column in COLUMNS if column not in names]
    if problems:
        raise ImportFailed(problems)
    return names


def _file_problem(message) -> ImportFailed:
    return ImportFailed([ImportProblem(1, FILE, str(message))])


def _text(cell) -> str:
    """A cell as text: spreadsheets hand over numbers (12.0) and dates where people typed text."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell if isinstance(cell, str) else str(cell)


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

    take("reference", _reference)
    take("received_at", lambda cell: _timestamp(cell, required=True))
    take("channel", lambda cell: _choice(cell, CHANNELS, required=True))
    take("category", lambda cell: _key(cell, lookups.categories, _l("Onbekende categorie."), required=True))
    take("postcode", lambda cell: normalise_postcode(_text(cell)))
    take("house_number", _house_number)
    take("description", lambda cell: clean_text(_text(cell), max_length=DESCRIPTION_MAX))
    take("triage_outcome", lambda cell: _choice(cell, TRIAGE_OUTCOMES))
    take("triaged_at", _timestamp)
    take("referred_to", lambda cell: _key(cell, lookups.partners, _l("Onbekende ketenpartner.")))
    take("gdt_mode", lambda cell: _choice(cell, CASE_MODES))
    take("closed_at", _timestamp)
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


def _reference(cell) -> str:
    value = clean_text(_text(cell), max_length=REFERENCE_MAX, multiline=False)
    if value is None:
        raise InvalidValue(_l("Vul een kenmerk in."))
    return value


def _choice(cell, allowed: tuple[str, ...], *, required: bool = False) -> str | None:
    value = _text(cell).strip().lower()
    if not value and not required:
        return None
    if value not in allowed:
        raise InvalidValue(_l("Kies een van: %(choices)s.", choices=", ".join(allowed)))
    return value


def _key(cell, known: dict[str, int], message, *, required: bool = False) -> int | None:
    """The id behind a category or partner key. An empty cell is None; whether that is allowed is a row rule."""
    value = _text(cell).strip().lower()
    if not value and not required:
        return None
    if value not in known:
        raise InvalidValue(message)
    return known[value]


def _house_number(cell) -> tuple[int, str | None]:
    """'12', '12a', '12 A', '12-2' → number and addition; non-ASCII digits fail like the forms do."""
    text = _text(cell).strip()
    match = HOUSE_NUMBER_WITH_ADDITION.fullmatch(text)
    if match is None:
        return parse_house_number(text), None  # raises the forms' message
    return parse_house_number(match[1]), normalise_addition(match[2])


def _timestamp(cell, *, required: bool = False) -> datetime | None:
    """ISO 8601 with or without offset, or dd-mm-jjjj [uu:mm]; without an offset it is Amsterdam time."""
    if isinstance(cell, datetime):
        moment = cell
    elif isinstance(cell, date):
        moment = datetime.combine(cell, time())
    elif not _text(cell).strip():
        if required:
            raise InvalidValue(_l("Vul een datum en tijd in."))
        return None
    else:
        moment = _parse_timestamp(_text(cell).strip())
    return _checked_moment(moment)


def _parse_timestamp(text: str) -> datetime:
    match = DUTCH_TIMESTAMP.fullmatch(text)
    try:
        if match:
            day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
            return datetime(year, month, day, hour, minute, second)
        if text.isascii():  # fromisoformat would accept other digits too (REFERENCE §2.4)
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
        if local.astimezone(timezone.utc).astimezone(AMSTERDAM).replace(tzinfo=None) != moment:
            raise InvalidValue(_l("Deze tijd bestaat niet in Nederland: die nacht ging de klok vooruit."))
        moment = local
    if moment > utcnow():
        raise InvalidValue(_l("Ligt in de toekomst."))
    return moment


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


def _reserve_references(years: list[int]) -> list[str]:
    """One counter bump per year instead of one per case: take the next number, then raise past the block."""
    numbers: dict[int, Iterator[int]] = {}
    for year in sorted(set(years)):
        first = int(REFERENCE_PATTERN.fullmatch(next_reference(year))[2])
        last = first + years.count(year) - 1
        raise_counter_to(year, last)
        numbers[year] = iter(range(first, last + 1))
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


def bulk_insert(model, values: list[dict], *, key: str | None = None) -> dict:
    """Core executemany in multi-row batches; with `key` (a unique column), {key value: new id}.

    Skips the ORM's per-object bookkeeping, which is what makes 10 000 rows take seconds. Ids are
    matched by the unique key rather than by input order: ordered RETURNING needs a sentinel
    column, without which SQLAlchemy falls back to one INSERT per row. Column defaults
    (timestamps, version) still apply. The demo loader uses it too.
    """
    if not values:
        return {}
    table = model.__table__
    if key is None:
        db.session.execute(sa.insert(table), values)
        return {}
    return dict(db.session.execute(sa.insert(table).returning(table.c[key], table.c.id), values).all())
