"""The "Werkt het?" figures (gdt.services.reporting.outcomes) as the downloads write them: rows for the Dutch CSV and
XLSX (gdt.services.reporting.dutch_tables), rows for the CSV for BI tools, and display strings for the PDF.

A suppressed count is written as "< 5" with no share, a figure that rests on too few as an empty cell ("–" in the
PDF), exactly as on the page.
"""
from babel.numbers import format_decimal

from gdt.services.reporting.charts import dutch_number, dutch_percent

NOTHING = "–"
WINDOW_LABELS = {"measured": "na te gaan", "recurred": "met nieuwe melding", "too_recent": "nog te recent"}


# --- Dutch CSV and XLSX: (section, label, count, percent, median days, p90 days) -------------------------------------

def dutch_rows(outcomes: dict) -> list[tuple]:
    year, small = outcomes["year"], f"< {outcomes['small_cell_threshold']}"
    recurrence = outcomes["recurrence"]
    satisfaction = outcomes["satisfaction"]
    section = f"Opnieuw overlast na sluiten, casussen gesloten in {year}"
    rows = [
        *_shares(f"Interventies per soort, {year}", outcomes["interventions"], "Totaal interventies", small),
        *_shares(f"Gesloten casussen per resultaat, {year}", outcomes["closed_cases"], "Totaal gesloten", small),
        (section, "Gesloten", recurrence["closed"], None, None, None),
        (section, "Inmiddels vernietigd (niet meer na te gaan)", recurrence["untraceable"], None, None, None),
    ]
    for window in recurrence["windows"]:
        within = f"Binnen {window['months']} maanden"
        rows += [(section, f"{within}: {WINDOW_LABELS['measured']}", window["measured"], None, None, None),
                 (section, f"{within}: {WINDOW_LABELS['recurred']}", _count(window["recurred"], small),
                  window["percent"], None, None),
                 (section, f"{within}: {WINDOW_LABELS['too_recent']}", window["too_recent"], None, None, None)]
    durations = f"Doorlooptijd van opening tot sluiten per werkwijze, casussen gesloten in {year} (dagen)"
    rows += [(durations, item["label"], _count(item["count"], small), None, item["median_days"], item["p90_days"])
             for item in outcomes["durations"]["by_mode"]]
    satisfied = f"Tevredenheid van melders, antwoorden gegeven in {year} (score 1 tot en met 5)"
    rows += _shares(satisfied, {"items": satisfaction["by_score"], "total": satisfaction["total"]},
                    "Totaal antwoorden", small)
    mean = satisfaction["mean"]
    rows.append((satisfied, "Gemiddelde score", None if mean is None else f"{mean:.1f}".replace(".", ","),
                 None, None, None))
    return rows


def _shares(section: str, breakdown: dict, total_label: str, small: str) -> list[tuple]:
    rows = [(section, item["label"], _count(item["count"], small), item["percent"], None, None)
            for item in breakdown["items"]]
    total = breakdown["total"]
    return rows + [(section, total_label, total, 100.0 if total else 0.0, None, None)]


def _count(count: int | None, small: str) -> int | str:
    return small if count is None else count


# --- CSV for BI tools: section, key, label, count, percent ----------------------------------------------------------

def machine_rows(outcomes: dict) -> list[list[str]]:
    """Stable English keys under `outcomes.*`; "< 5" where the page shows it, empty where it shows nothing."""
    small = f"< {outcomes['small_cell_threshold']}"
    rows = []
    for name in ("interventions", "closed_cases"):
        rows += _machine_shares(f"outcomes.{name}", outcomes[name]["items"], outcomes[name]["total"], small)
    recurrence = outcomes["recurrence"]
    rows += [["outcomes.recurrence", "closed", "Gesloten", str(recurrence["closed"]), ""],
             ["outcomes.recurrence", "untraceable", "Inmiddels vernietigd", str(recurrence["untraceable"]), ""]]
    for window in recurrence["windows"]:
        months = window["months"]
        for field, label in WINDOW_LABELS.items():
            value = window[field]
            shown = small if value is None else str(value)
            share = _figure(window["percent"]) if field == "recurred" else ""
            rows.append([f"outcomes.recurrence.{months}_months", field, f"Binnen {months} maanden: {label}", shown,
                         share])
    for item in outcomes["durations"]["by_mode"]:
        section = f"outcomes.durations.{item['key']}"
        rows += [[section, "count", item["label"], small if item["count"] is None else str(item["count"]), ""],
                 [section, "median_days", item["label"], _figure(item["median_days"]), ""],
                 [section, "p90_days", item["label"], _figure(item["p90_days"]), ""]]
    satisfaction = outcomes["satisfaction"]
    rows += _machine_shares("outcomes.satisfaction", satisfaction["by_score"], satisfaction["total"], small)
    rows.append(["outcomes.satisfaction", "mean", "Gemiddelde score", _figure(satisfaction["mean"]), ""])
    return rows


def _machine_shares(section: str, items: list[dict], total: int, small: str) -> list[list[str]]:
    rows = [[section, item["key"], item["label"], small if item["count"] is None else str(item["count"]),
             _figure(item["percent"])] for item in items]
    return rows + [[section, "total", "Totaal", str(total), f"{100.0 if total else 0.0:.1f}"]]


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


# --- PDF: display strings ---------------------------------------------------------------------------------------------

def pdf_context(outcomes: dict) -> dict:
    small = f"< {outcomes['small_cell_threshold']}"
    satisfaction = outcomes["satisfaction"]
    recurrence = outcomes["recurrence"]
    return {
        "interventions": _pdf_shares(outcomes["interventions"], small),
        "closed_cases": _pdf_shares(outcomes["closed_cases"], small),
        "recurrence": {"closed": dutch_number(recurrence["closed"]),
                       "untraceable": dutch_number(recurrence["untraceable"]),
                       "windows": [{"months": window["months"], "measured": dutch_number(window["measured"]),
                                    "recurred": _pdf_count(window["recurred"], small),
                                    "percent": _pdf_percent(window["percent"]),
                                    "too_recent": dutch_number(window["too_recent"])}
                                   for window in recurrence["windows"]]},
        "durations": [{"label": item["label"], "count": _pdf_count(item["count"], small),
                       "median": _pdf_days(item["median_days"]), "p90": _pdf_days(item["p90_days"])}
                      for item in outcomes["durations"]["by_mode"]],
        "satisfaction": _pdf_shares({"items": satisfaction["by_score"], "total": satisfaction["total"]}, small)
        | {"mean": _pdf_days(satisfaction["mean"])},
    }


def _pdf_shares(breakdown: dict, small: str) -> dict:
    total = breakdown["total"]
    return {"rows": [{"label": item["label"], "count": _pdf_count(item["count"], small),
                      "percent": _pdf_percent(item["percent"])} for item in breakdown["items"]],
            "total": dutch_number(total), "total_percent": dutch_percent(100.0 if total else 0.0)}


def _pdf_count(count: int | None, small: str) -> str:
    return small if count is None else dutch_number(count)


def _pdf_percent(share: float | None) -> str:
    return NOTHING if share is None else dutch_percent(share)


def _pdf_days(value: float | None) -> str:
    return NOTHING if value is None else format_decimal(value, format="#,##0.0", locale="nl")
