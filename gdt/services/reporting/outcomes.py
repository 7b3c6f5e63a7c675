""""Werkt het?": the outcome figures of a year for the statistics page, its downloads, the indicators and
`GET /api/v1/statistics/outcomes?year=` — interventions per type, closed cases per result, recurrence after closing,
case durations per mode and satisfaction.

The counts come grouped from the database (gdt.services.reporting.outcome_counts, recurrence); here they are shaped
into one document with Dutch labels. Small cells are suppressed with the statistics' rule
(docs/decisions/0007-small-cell-suppression.md): a count of 1 … threshold − 1 in a breakdown (a type of intervention
used twice, a result, a score, the cases that recurred) has `count` None and `suppressed` True, and no share, mean or
median is given that rests on such a count or on a group that small. Totals stay exact.
"""
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from gdt.labels import MODE_LABELS
from gdt.models import User
from gdt.services.core import audit
from gdt.services.reporting import outcome_counts, recurrence, statistics
from gdt.services.reporting.durations import Duration
from gdt.services.reporting.outcome_counts import UNDECIDED
from workflows import CASE_MODES

SCORES = (1, 2, 3, 4, 5)
SATISFIED = (4, 5)
SCORE_LABELS = {1: _l("1 (zeer ontevreden)"), 2: "2", 3: "3", 4: "4", 5: _l("5 (zeer tevreden)")}


def view_outcomes(year: int, *, actor: User) -> dict:
    """For the API: refuses years the statistics do not answer for and records who looked."""
    statistics.check_year(year)
    document = yearly_outcomes(year)
    audit.record_now(actor, "view", "statistics", f"{year}:outcomes")
    return document


def yearly_outcomes(year: int) -> dict:
    """The outcome document of `year`; labels in Dutch, as the statistics document's."""
    threshold = current_app.config["EXPORT_SMALL_CELL_THRESHOLD"]
    with force_locale("nl"):
        return {
            "year": year,
            "small_cell_threshold": threshold,
            "interventions": _breakdown(outcome_counts.interventions_per_type(year), threshold),
            "closed_cases": _breakdown(outcome_counts.closed_per_result(year), threshold),
            "recurrence": recurrence_section(recurrence.recurrence([year])[year], threshold),
            "durations": durations_section(outcome_counts.durations_per_mode([year])[year], threshold),
            "satisfaction": satisfaction_section(outcome_counts.satisfaction_per_score([year])[year], threshold),
        }


def _breakdown(rows: list[tuple[str, str, int]], threshold: int) -> dict:
    total = sum(count for _, _, count in rows)
    return {"total": total, "items": [_item(key, label, count, total, threshold) for key, label, count in rows]}


def _item(key: str, label: str, count: int, total: int, threshold: int) -> dict:
    small = statistics.is_small_cell(count, threshold)
    return {"key": key, "label": str(label), "count": None if small else count,
            "percent": None if small else statistics.percent(count, total), "suppressed": small}


def recurrence_section(found: recurrence.Recurrence, threshold: int) -> dict:
    """Per window: the cases that can be told, how many recurred and the share; the share only when neither the
    group nor the count is small."""
    windows = []
    for window in found.windows:
        small = statistics.is_small_cell(window.recurred, threshold)
        shown = not small and window.measured >= threshold
        windows.append({"months": window.months, "measured": window.measured,
                        "recurred": None if small else window.recurred, "suppressed": small,
                        "percent": statistics.percent(window.recurred, window.measured) if shown else None,
                        "too_recent": window.too_recent})
    return {"closed": found.closed, "untraceable": found.untraceable, "windows": windows}


def durations_section(found: dict[str, Duration], threshold: int) -> dict:
    """Advice and regie always, `undecided` only when cases closed without a mode; days with one decimal."""
    modes = CASE_MODES + ((UNDECIDED,) if UNDECIDED in found else ())
    items = []
    for mode in modes:
        duration = found.get(mode, Duration(0, None, None))
        small = statistics.is_small_cell(duration.count, threshold)
        items.append({"key": mode, "label": str(MODE_LABELS[mode]), "count": None if small else duration.count,
                      "suppressed": small,
                      "median_days": None if small else _float(duration.median_days),
                      "p90_days": None if small else _float(duration.p90_days)})
    return {"by_mode": items}


def satisfaction_section(found: dict[int, int], threshold: int) -> dict:
    """Answers per score with their share, and the mean score (one decimal) when the answers are not too few."""
    total = sum(found.values())
    items = [_item(str(score), SCORE_LABELS[score], found.get(score, 0), total, threshold) for score in SCORES]
    return {"total": total, "mean": mean_score(found) if total >= threshold else None, "by_score": items}


def mean_score(found: dict[int, int]) -> float | None:
    """The mean of the grouped scores, one decimal, rounded half up; None without answers."""
    total = sum(found.values())
    if not total:
        return None
    mean = Decimal(sum(score * count for score, count in found.items())) / Decimal(total)
    return float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _float(days: Decimal | None) -> float | None:
    return None if days is None else float(days)


# --- Computed indicators (gdt.services.reporting.indicator_table) ---------------------------------------------------

RECURRENCE_SOURCES = {"recurrence_6_months": 6, "recurrence_12_months": 12}
DURATION_SOURCES = {"median_days_advice": "advice", "median_days_regie": "regie"}


def indicator_values(sources: set[str], years: list[int]) -> dict[str, dict[int, Decimal]]:
    """{source: {year: value}} for the outcome sources asked for, one grouped query per kind for all years; a year
    whose figure the page would not show (nothing to measure, or too few) has none."""
    threshold = current_app.config["EXPORT_SMALL_CELL_THRESHOLD"]
    result: dict[str, dict[int, Decimal]] = {}
    if sources & RECURRENCE_SOURCES.keys():
        found = recurrence.recurrence(years)
        for source, months in RECURRENCE_SOURCES.items():
            if source in sources:
                shares = {year: next(window["percent"] for window in recurrence_section(found[year], threshold)
                                     ["windows"] if window["months"] == months) for year in years}
                result[source] = _present(shares)
    if sources & DURATION_SOURCES.keys():
        found = outcome_counts.durations_per_mode(years)
        for source, mode in DURATION_SOURCES.items():
            if source in sources:
                medians = {year: next(item["median_days"] for item in durations_section(found[year], threshold)
                                      ["by_mode"] if item["key"] == mode) for year in years}
                result[source] = _present(medians)
    if "share_satisfied" in sources:
        found = outcome_counts.satisfaction_per_score(years)
        result["share_satisfied"] = _present({year: _satisfied_share(found[year], threshold) for year in years})
    return result


def _satisfied_share(found: dict[int, int], threshold: int) -> float | None:
    """The share of answers with score 4 or 5; none when the answers or the satisfied ones are too few."""
    total, satisfied = sum(found.values()), sum(found.get(score, 0) for score in SATISFIED)
    if total < threshold or statistics.is_small_cell(satisfied, threshold):
        return None
    return statistics.percent(satisfied, total)


def _present(values: dict[int, float | None]) -> dict[int, Decimal]:
    return {year: Decimal(str(value)) for year, value in values.items() if value is not None}
