"""The indicators table: every active indicator × years, with a target column and footnotes.

Computed sources are aggregates over GDT data, each answered by ONE query for all requested years at
once: report figures from the report tallies (gdt.services.reporting.report_tallies), cases from the case tallies
(case_tallies), both kept per Amsterdam year by PostgreSQL and grouped from the rows themselves on SQLite. Python
only shapes the handful of grouped rows.

A figure stored for a year (`IndicatorValue`: entered by hand or imported, e.g. police counts or
history from before the system) takes the place of the computed figure of that year. Years before
the first report or case in the system have no computed figure: "0 reports" there would be false.
"""
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, Indicator, IndicatorTarget, IndicatorValue, Report, User
from gdt.models.indicators import COMPARATOR_SYMBOLS, COMPUTED_SOURCES
from gdt.services.core import audit
from gdt.services.reporting import case_tallies, funnel, outcomes, report_tallies
from gdt.services.reporting.statistics import percent

MAX_YEARS = 10  # columns the table shows at most
_COMPARE = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge, "eq": operator.eq}


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
    result |= outcomes.indicator_values(sources, years)
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
    """(year, GDT cases) counted in the year their first report or registration came in; merged ones excluded
    (gdt.services.reporting.case_tallies). Years between requested ones are dropped afterwards."""
    return [(year, count) for year, count in case_tallies.grouped("cases", years, ()) if year in years]


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
