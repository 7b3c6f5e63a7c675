"""Indicators of the safety plan (issue 6 part 3): rows × years with a target column and footnotes.

Computed sources are aggregates over GDT data, each answered by ONE query for all requested years at
once: report figures from the report tallies (gdt.services.reporting.report_tallies), cases grouped by the
Amsterdam year of `received_at` (gdt.services.reporting.periods: a CASE over the half-open year ranges, the same
on SQLite and PostgreSQL, using the `received_at` index). Python only shapes the handful of grouped rows.

A figure stored for a year (`IndicatorValue`: entered by hand or imported, e.g. police counts or
history from before the system) takes the place of the computed figure of that year. Years before
the first report or case in the system have no computed figure: "0 reports" there would be false.

Everything here is aggregates and admin-entered figures, never personal data, so managers may see it.
"""
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, Indicator, IndicatorTarget, IndicatorValue, Report, User
from gdt.models.indicators import (
    COMPARATOR_SYMBOLS,
    COMPARATORS,
    COMPUTED_SOURCES,
    INDICATOR_SOURCES,
    INDICATOR_UNITS,
    VALUE_PRECISION,
    VALUE_SCALE,
)
from gdt.services.core import audit
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed

# The file-reading half of the report import: CSV dialects, BOM, XLSX cells, the problem types.
from gdt.services.core.import_reader import ImportFailed, ImportProblem, cell_text, read_table
from gdt.services.core.transaction import unit_of_work
from gdt.services.reporting import funnel, report_tallies
from gdt.services.reporting.periods import in_years, period_of
from gdt.services.reporting.statistics import percent
from gdt.validation import InvalidValue, clean_fields, clean_text, one_of, required, single_line, slug_key

SOURCE_LABELS = {
    "reports_total": _l("Meldingen van bewoners (app, webformulier, telefoon)"),
    "share_escalated": _l("Aandeel beoordeelde meldingen in behandeling bij het GDT"),
    "cases_total": _l("GDT-casussen (uit meldingen en aanmeldingen van ketenpartners)"),
    "median_days_to_triage": _l("Mediaan aantal dagen van ontvangst tot triage"),
    "manual": _l("Handmatig ingevoerd (cijfers van elders)"),
}
SOURCE_UNITS = {"reports_total": "count", "share_escalated": "percent", "cases_total": "count",
                "median_days_to_triage": "days"}
UNIT_LABELS = {"count": _l("aantal"), "percent": _l("%"), "days": _l("dagen")}
COMPARATOR_LABELS = {
    "lt": _l("< (kleiner dan)"), "le": _l("≤ (kleiner dan of gelijk aan)"), "gt": _l("> (groter dan)"),
    "ge": _l("≥ (groter dan of gelijk aan)"), "eq": _l("= (gelijk aan)"),
}
_COMPARE = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge, "eq": operator.eq}

DECIMAL_TEXT = re.compile(r"(-?)([0-9]{1,10})(?:[.,]([0-9]+))?")  # ASCII digits only (REFERENCE §2.4)
KEY_MAX, NAME_MAX, FOOTNOTE_MAX, NOTE_MAX, POSITION_MAX = 60, 200, 1000, 500, 999
RESERVED_KEYS = {"new", "import"}  # /admin/indicators/new and /admin/indicators/import are pages
EARLIEST_YEAR = 2000
TARGET_YEARS_AHEAD = 20
MAX_YEARS = 10  # columns the table shows at most
IMPORT_COLUMNS = ("indicator", "year", "value", "note")
IMPORT_REQUIRED = ("indicator", "year", "value")


# --- the table -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    year: int
    comparator: str  # lt, le, gt, ge, eq
    value: Decimal

    @property
    def symbol(self) -> str:
        return COMPARATOR_SYMBOLS[self.comparator]

    def is_met_by(self, value: Decimal) -> bool:
        return _COMPARE[self.comparator](value, self.value)


@dataclass(frozen=True)
class Cell:
    year: int
    value: Decimal | None
    stored: bool  # True: entered by hand or imported; False: computed (or no figure)
    target: Target | None  # the target for this very year, if any
    met: bool | None  # None when there is no figure or no target for the year
    footnote: int | None  # the number of the value's note among the table's footnotes


@dataclass(frozen=True)
class Row:
    key: str
    name: str
    source: str
    unit: str
    cells: list[Cell]
    target: Target | None  # the target of the latest year shown: the "Doel" column
    footnote: int | None


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str


@dataclass(frozen=True)
class IndicatorTable:
    years: list[int]
    rows: list[Row]
    footnotes: list[Footnote]


def view_table(years: Iterable[int], *, actor: User) -> IndicatorTable:
    """The table for pages: records who looked at which years (aggregates only, like the statistics)."""
    result = table(years)
    shown = f"{result.years[0]}-{result.years[-1]}" if result.years else None
    audit.record_now(actor, "view", "indicators", shown)
    return result


def table(years: Iterable[int]) -> IndicatorTable:
    """Every active indicator (in the admin's order) × `years`, with targets, met/not met and footnotes.

    Queries: the indicators, their stored values, their targets, the system's first year, and one
    aggregate per computed source in use — never one per indicator, year or row of data.
    """
    years = sorted(set(years))
    indicators = list(db.session.scalars(
        sa.select(Indicator).where(Indicator.is_active).order_by(Indicator.position, Indicator.name, Indicator.key)))
    if not years or not indicators:
        return IndicatorTable(years=years, rows=[], footnotes=[])
    ids = [indicator.id for indicator in indicators]
    stored = {(row.indicator_id, row.year): row for row in db.session.scalars(
        sa.select(IndicatorValue).where(IndicatorValue.indicator_id.in_(ids), IndicatorValue.year.in_(years)))}
    targets = {(row.indicator_id, row.year): Target(row.year, row.comparator, row.value) for row in db.session.scalars(
        sa.select(IndicatorTarget).where(IndicatorTarget.indicator_id.in_(ids), IndicatorTarget.year.in_(years)))}
    computed = computed_values({indicator.source for indicator in indicators if indicator.is_computed}, years)
    footnotes: dict[str, int] = {}  # text → number, in order of appearance; equal texts share a number

    def number(text: str | None) -> int | None:
        if not text:
            return None
        return footnotes.setdefault(text, len(footnotes) + 1)

    rows = []
    for indicator in indicators:
        row_footnote = number(indicator.footnote)
        cells = []
        for year in years:
            saved = stored.get((indicator.id, year))
            value = saved.value if saved is not None else computed.get(indicator.source, {}).get(year)
            target = targets.get((indicator.id, year))
            met = target.is_met_by(value) if target is not None and value is not None else None
            cells.append(Cell(year, value, saved is not None, target, met, number(saved.note if saved else None)))
        rows.append(Row(indicator.key, indicator.name, indicator.source, indicator.unit, cells,
                        targets.get((indicator.id, years[-1])), row_footnote))
    return IndicatorTable(years=years, rows=rows,
                          footnotes=[Footnote(number, text) for text, number in footnotes.items()])


def computed_values(sources: Iterable[str], years: Iterable[int]) -> dict[str, dict[int, Decimal]]:
    """{source: {year: value}} for the computed sources asked for; a year without a figure is left out."""
    sources, years = set(sources) & set(COMPUTED_SOURCES), sorted(set(years))
    if not sources or not years:
        return {}
    first = first_data_year()
    years = [year for year in years if first is not None and year >= first]
    result: dict[str, dict[int, Decimal]] = {source: {} for source in sources}
    if not years:
        return result
    if sources & {"reports_total", "share_escalated"}:
        for year, total, triaged, escalated in _report_counts(years):
            if "reports_total" in sources:
                result["reports_total"][year] = Decimal(total)
            if "share_escalated" in sources and triaged:
                result["share_escalated"][year] = Decimal(str(percent(escalated, triaged)))
        if "reports_total" in sources:  # a year in the system without reports has 0 of them
            for year in years:
                result["reports_total"].setdefault(year, Decimal(0))
    if "cases_total" in sources:
        counts = dict(_case_counts(years))
        result["cases_total"] = {year: Decimal(counts.get(year, 0)) for year in years}
    if "median_days_to_triage" in sources:
        result["median_days_to_triage"] = {year: duration.median_days
                                           for year, duration in funnel.time_to_triage(years).items()
                                           if duration.median_days is not None}
    return result


def first_data_year() -> int | None:
    """The Amsterdam year of the first report or case in the system (two index lookups in one query)."""
    report_min = sa.select(sa.func.min(Report.received_at)).scalar_subquery()
    case_min = sa.select(sa.func.min(Case.received_at)).scalar_subquery()
    moments = [moment for moment in db.session.execute(sa.select(report_min, case_min)).one() if moment is not None]
    if not moments:
        return None
    return min(moments).astimezone(AMSTERDAM).year


def first_year() -> int | None:
    """The first year the table can show: of the system's data or of a stored value, whichever is earlier."""
    candidates = [first_data_year(), db.session.scalar(sa.select(sa.func.min(IndicatorValue.year)))]
    candidates = [year for year in candidates if year is not None]
    return min(candidates) if candidates else None


def current_year() -> int:
    return utcnow().astimezone(AMSTERDAM).year


def _report_counts(years: list[int]) -> list[tuple[int, int, int, int]]:
    """(year, resident reports, of which triaged, of which escalated) from the report tallies, every year at once."""
    totals: dict[int, list[int]] = {year: [0, 0, 0] for year in years}
    for year, outcome, count in report_tallies.grouped("funnel", years, ("triage_outcome",)):
        if year in totals:
            totals[year][0] += count
            totals[year][1] += count if outcome is not None else 0
            totals[year][2] += count if outcome == "escalated" else 0
    return [(year, *counts) for year, counts in totals.items() if counts[0]]


def _case_counts(years: list[int]) -> list[tuple[int, int]]:
    """(year, GDT cases) counted in the year their first report or registration came in; merged ones excluded.

    Years between requested ones are counted too and dropped afterwards (at most a few extra groups)."""
    first, last = min(years), max(years)
    rows = (sa.select(period_of(Case.received_at, first, last).label("year"))
            .where(in_years(Case.received_at, first, last), Case.status != "merged").subquery())
    query = sa.select(rows.c.year, sa.func.count()).group_by(rows.c.year)
    return [tuple(row) for row in db.session.execute(query) if row[0] in years]


def shown_years(start: int | None, end: int | None) -> tuple[list[int], list[int], bool]:
    """(years to show, years one may choose from, whether the choice was cut to MAX_YEARS).

    The choice runs from the first year with data or values to this year; by default the last
    MAX_YEARS of it. A range the wrong way round is turned around; one too long keeps its end.
    """
    last = current_year()
    first = min(first_year() or last, last)
    selectable = list(range(first, last + 1))
    end = end if end in selectable else last
    start = start if start in selectable else max(first, end - MAX_YEARS + 1)
    start, end = min(start, end), max(start, end)
    limited = end - start + 1 > MAX_YEARS
    if limited:
        start = end - MAX_YEARS + 1
    return list(range(start, end + 1)), selectable, limited


# --- admin: indicators, values, targets ----------------------------------------------------------

def list_indicators() -> list[Indicator]:
    """Every indicator, the active ones first, each group in the table's order."""
    return list(db.session.scalars(sa.select(Indicator).order_by(
        Indicator.is_active.desc(), Indicator.position, Indicator.name, Indicator.key)))


def get_indicator(key: str) -> Indicator:
    indicator = db.session.scalar(sa.select(Indicator).where(Indicator.key == key))
    if indicator is None:
        raise NotFound(_l("Deze indicator bestaat niet."))
    return indicator


def create_indicator(key: str, name: str, *, source: str, unit: str | None = None, footnote: str | None = None,
                     position: int | str | None = None, actor: User | None) -> Indicator:
    """A new indicator, shown in the table at once; without a position it goes to the end."""
    fields = _indicator_fields(key=key, name=name, source=source, unit=unit, footnote=footnote,
                               position=position if position not in (None, "") else 0)
    with unit_of_work():
        if db.session.scalar(sa.select(Indicator.id).where(Indicator.key == fields["key"])) is not None:
            raise ServiceError(_l("Er bestaat al een indicator met deze sleutel."), field="key")
        if position in (None, ""):
            last = db.session.scalar(sa.select(sa.func.max(Indicator.position)))
            fields["position"] = min((last if last is not None else -1) + 1, POSITION_MAX)
        indicator = Indicator(**fields, is_active=True)
        db.session.add(indicator)
        audit.record(actor, "create", "indicator", indicator.key)
    return indicator


def update_indicator(indicator: Indicator, *, name: str, source: str, unit: str | None = None,
                     footnote: str | None = None, position: int | str | None = 0, actor: User | None) -> Indicator:
    """Change everything but the key (imports refer to it)."""
    fields = _indicator_fields(name=name, source=source, unit=unit, footnote=footnote, position=position)
    with unit_of_work():
        changed = [field for field, value in fields.items() if getattr(indicator, field) != value]
        for field, value in fields.items():
            setattr(indicator, field, value)
        audit.record(actor, "update", "indicator", indicator.key, detail={"fields": changed})
    return indicator


def set_indicator_active(indicator: Indicator, active: bool, *, actor: User | None) -> Indicator:
    """A deactivated indicator leaves the table but keeps its values and targets."""
    with unit_of_work():
        indicator.is_active = active
        audit.record(actor, "activate" if active else "deactivate", "indicator", indicator.key)
    return indicator


def set_value(indicator: Indicator, *, year: int | str | None, value, note: str | None = None,
              actor: User | None) -> IndicatorValue:
    """Store the figure of one year (replacing a stored one); for a computed indicator it replaces the computation."""
    fields, errors = clean_fields(VALUE_RULES, {"year": year, "value": value, "note": note})
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        stored = _replace(IndicatorValue, indicator, fields)
        audit.record(actor, "set_value", "indicator", indicator.key, detail={"year": fields["year"]})
    return stored


def delete_value(indicator: Indicator, *, year: int | str | None, actor: User | None) -> None:
    """Remove the stored figure of a year: a computed indicator shows its computed figure again."""
    year = _stored_year(IndicatorValue, indicator, year)
    with unit_of_work():
        db.session.execute(sa.delete(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id,
                                                           IndicatorValue.year == year))
        audit.record(actor, "delete_value", "indicator", indicator.key, detail={"year": year})


def set_target(indicator: Indicator, *, year: int | str | None, comparator: str | None, value,
               actor: User | None) -> IndicatorTarget:
    """The target of one year, e.g. comparator 'lt' and value 80 for "< 80"; replaces a target set before."""
    fields, errors = clean_fields(TARGET_RULES, {"year": year, "comparator": comparator, "value": value})
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        target = _replace(IndicatorTarget, indicator, fields)
        audit.record(actor, "set_target", "indicator", indicator.key, detail=fields | {"value": str(fields["value"])})
    return target


def delete_target(indicator: Indicator, *, year: int | str | None, actor: User | None) -> None:
    year = _stored_year(IndicatorTarget, indicator, year)
    with unit_of_work():
        db.session.execute(sa.delete(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id,
                                                            IndicatorTarget.year == year))
        audit.record(actor, "delete_target", "indicator", indicator.key, detail={"year": year})


def _replace(model, indicator: Indicator, fields: dict):
    """The indicator's value or target of `fields["year"]`, created or overwritten (one per indicator and year)."""
    stored = db.session.scalar(sa.select(model).where(model.indicator_id == indicator.id,
                                                      model.year == fields["year"]))
    if stored is None:
        stored = model(indicator=indicator, **fields)
        db.session.add(stored)
    else:
        for name, value in fields.items():
            setattr(stored, name, value)
    return stored


def _stored_year(model, indicator: Indicator, raw) -> int:
    try:
        year = _year(raw, latest=9999)
    except InvalidValue as invalid:
        raise ValidationFailed({"year": invalid.message}) from None
    if db.session.scalar(sa.select(model.id).where(model.indicator_id == indicator.id, model.year == year)) is None:
        raise NotFound(_l("Voor dit jaar is niets vastgelegd."))
    return year


def _indicator_fields(**raw) -> dict:
    fields, errors = clean_fields(INDICATOR_RULES, raw)
    source = fields.get("source")
    if source in SOURCE_UNITS and "unit" not in errors:
        # A computed source decides its unit: an empty choice takes it, another choice is a mistake.
        if fields["unit"] in (None, SOURCE_UNITS[source]):
            fields["unit"] = SOURCE_UNITS[source]
        else:
            errors["unit"] = _l("Deze bron geeft %(unit)s; kies die eenheid of laat de keuze leeg.",
                                unit=UNIT_LABELS[SOURCE_UNITS[source]])
    elif source == "manual" and "unit" not in errors and fields["unit"] is None:
        errors["unit"] = _l("Kies een eenheid.")
    if errors:
        raise ValidationFailed(errors)
    return fields


# --- field rules (forms and import alike) ----------------------------------------------------------



def _unit(raw: str | None) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in INDICATOR_UNITS:
        raise InvalidValue(_l("Kies een eenheid."))
    return raw


def _position(raw: int | str | None) -> int:
    value = raw.strip() if isinstance(raw, str) else raw
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= POSITION_MAX:
        raise InvalidValue(_l("Vul een volgnummer in van 0 tot en met %(max)d.", max=POSITION_MAX))
    return value


def _year(raw, *, latest: int) -> int:
    text = cell_text(raw).strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise InvalidValue(_l("Vul een jaartal in van vier cijfers, zoals 2019."))
    value = int(text)
    if not EARLIEST_YEAR <= value <= latest:
        raise InvalidValue(_l("Vul een jaar in van %(first)d tot en met %(last)d.", first=EARLIEST_YEAR, last=latest))
    return value


def _value_year(raw) -> int:
    """A figure is about a year that has begun: this year at the latest."""
    return _year(raw, latest=current_year())


def _target_year(raw) -> int:
    return _year(raw, latest=current_year() + TARGET_YEARS_AHEAD)


def parse_decimal(raw) -> Decimal:
    """'365', '12,5', '12.5' or a spreadsheet number → Decimal with at most two decimals.

    There are no thousands separators: '1.234' would be either 1234 or 1,234, so it is refused
    (three decimals) rather than guessed.
    """
    text = cell_text(raw).strip()
    if not text:
        raise InvalidValue(_l("Vul een getal in."))
    match = DECIMAL_TEXT.fullmatch(text)
    if match is None:
        raise InvalidValue(_l("Vul een getal in, zoals 365 of 12,5 (zonder punt voor duizendtallen)."))
    sign, whole, fraction = match.groups()
    if fraction is not None and len(fraction.rstrip("0")) > VALUE_SCALE:
        raise InvalidValue(_l("Gebruik hoogstens %(n)d cijfers achter de komma.", n=VALUE_SCALE))
    value = Decimal(f"{sign}{whole}.{fraction or 0}").quantize(Decimal(1).scaleb(-VALUE_SCALE))
    if abs(value) >= Decimal(10) ** (VALUE_PRECISION - VALUE_SCALE):
        raise InvalidValue(_l("Dit getal is te groot."))
    return value


def _note(raw) -> str | None:
    return clean_text(cell_text(raw), max_length=NOTE_MAX, multiline=False)


INDICATOR_RULES = {
    "key": slug_key(max_length=KEY_MAX, example="meldingen-woonoverlast", reserved=frozenset(RESERVED_KEYS)),
    "name": required(single_line(NAME_MAX), _l("Vul een naam in.")),
    "source": one_of(INDICATOR_SOURCES, _l("Kies een bron.")),
    "unit": _unit,
    "footnote": lambda raw: clean_text(raw, max_length=FOOTNOTE_MAX),
    "position": _position,
}
VALUE_RULES = {"year": _value_year, "value": parse_decimal, "note": _note}
TARGET_RULES = {"year": _target_year, "comparator": one_of(COMPARATORS, _l("Kies een vergelijking.")),
                "value": parse_decimal}


# --- import of historic values --------------------------------------------------------------------

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
    take("year", "year", _value_year)
    take("value", "value", parse_decimal)
    take("note", "note", _note)
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


