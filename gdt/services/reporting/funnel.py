"""The yearly funnel page beyond the statistics document: last year beside it, the months, categories, wijken
and buurten, how long triage and closing take, and the annual-report paragraph with the exact figures.

Report and case figures come grouped from gdt.services.reporting.report_tallies and case_tallies (the tallies
PostgreSQL keeps exact, or the same GROUP BYs over `reports` and `cases` on SQLite), so a year of a national
deployment costs milliseconds.
Durations are grouped per whole minute in the database and their percentiles taken from the groups
(gdt.services.reporting.durations).
"""
import sqlalchemy as sa
from babel.numbers import format_decimal, format_percent
from flask import current_app
from flask_babel import force_locale

from gdt.db import db
from gdt.models import Category, User
from gdt.services.core import areas
from gdt.services.reporting import case_tallies, durations, outcomes, report_tallies, statistics
from gdt.services.reporting.durations import Duration

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
UNKNOWN_AREA = "onbekend"
NO_DURATIONS = Duration(0, None, None)


def view_funnel(year: int, *, actor: User) -> dict:
    """The statistics page of `year`: refuses impossible years and records who looked (statistics.view_statistics)."""
    return yearly_funnel(year, statistics.view_statistics(year, actor=actor))


def yearly_funnel(year: int, document: dict | None = None) -> dict:
    """The statistics document of `year` (computed unless given) with the extra figures, all with Dutch labels."""
    document = document or statistics.yearly_statistics(year)
    previous = statistics.yearly_statistics(year - 1)
    with force_locale("nl"):
        return {
            "document": document,
            "previous": previous,
            "months": _months(year),
            "categories": _categories(year),
            "wijken": _wijken(year),
            "buurten": _buurten(year),
            "small_cell_threshold": current_app.config["EXPORT_SMALL_CELL_THRESHOLD"],
            "time_to_triage": time_to_triage([year])[year],
            "time_to_close": _time_to_close(year),
            "paragraph": paragraph(document),
            "outcomes": outcomes.yearly_outcomes(year),  # "Werkt het?"
        }


def _months(year: int) -> list[dict]:
    """Resident reports per month of receipt (Amsterdam time), all twelve months, zero included."""
    rows = {period % 100: count for period, count in report_tallies.grouped("funnel", [year], (), per="month")}
    total = sum(rows.values())
    return [{"month": number, "label": MONTHS[number - 1], "count": rows.get(number, 0),
             "percent": statistics.percent(rows.get(number, 0), total)} for number in range(1, 13)]


def _categories(year: int) -> list[dict]:
    counts = {category_id: count for _, category_id, count in report_tallies.grouped("category", [year],
                                                                                      ("category_id",))}
    categories = {id_: (key, label) for id_, key, label in db.session.execute(
        sa.select(Category.id, Category.key, Category.label).where(Category.id.in_(counts)))}
    return _shares([(*categories.get(category_id, (UNKNOWN_AREA, UNKNOWN_AREA)), count)
                     for category_id, count in counts.items()])


def _wijken(year: int) -> list[dict]:
    """Per wijk, named "Centrum (WK077201)" when its name is known (gdt.services.core.areas), else by its code."""
    rows = report_tallies.grouped("area", [year], ("wijk_code",))
    names = areas.area_names(wijk for _, wijk, _ in rows)
    return _shares([(wijk or UNKNOWN_AREA, _area_label(names, wijk), count) for _, wijk, count in rows])


def _buurten(year: int) -> list[dict]:
    """Per buurt within its wijk; a buurt is small enough that a count below the threshold is `suppressed` ("< 5")."""
    rows = report_tallies.grouped("area", [year], ("wijk_code", "buurt_code"))
    names = areas.area_names(code for _, wijk, buurt, _ in rows for code in (wijk, buurt))
    threshold = current_app.config["EXPORT_SMALL_CELL_THRESHOLD"]
    return [row | {"suppressed": statistics.is_small_cell(row["count"], threshold)} for row in _shares(
        [(f"{wijk or UNKNOWN_AREA}/{buurt or UNKNOWN_AREA}", _buurt_label(names, wijk, buurt), count)
         for _, wijk, buurt, count in rows])]


def _area_label(names: dict[str, str], code: str | None) -> dict:
    """`label` as exports show it ("Centrum (WK077201)"); with a name also `name` and `secondary` ("(WK077201)"),
    so the page can show the code as secondary text."""
    if not code:
        return {"label": UNKNOWN_AREA}
    if code not in names:
        return {"label": code}
    return _named(names[code], code)


def _buurt_label(names: dict[str, str], wijk: str | None, buurt: str | None) -> dict:
    """"wijk · buurt" with names where known ("Centrum · Witte Dame (BU07720102)"), codes where not
    ("WK077201 · BU07720102"); the code in brackets is the buurt's (it holds the wijk's), or the wijk's without one."""
    shown = " · ".join(names.get(code) or code or UNKNOWN_AREA for code in (wijk, buurt))
    code = buurt or wijk
    if code is None or not (names.keys() & {wijk, buurt}) or code in shown:
        return {"label": shown}
    return _named(shown, code)


def _named(name: str, code: str) -> dict:
    return {"label": f"{name} ({code})", "name": name, "secondary": f"({code})"}


def _shares(rows: list[tuple]) -> list[dict]:
    """(key, label, count) rows as items with their share, largest first; a label may be a dict of display fields
    (`label`, and for a named area `name` and `secondary`)."""
    items = [{"key": key, **(label if isinstance(label, dict) else {"label": label}), "count": count}
             for key, label, count in rows]
    total = sum(item["count"] for item in items)
    return [item | {"percent": statistics.percent(item["count"], total)}
            for item in sorted(items, key=lambda item: (-item["count"], item["label"]))]


def time_to_triage(years: list[int]) -> dict[int, Duration]:
    """From receipt to triage for triaged resident reports received in each of `years` (every year given)."""
    found = durations.summarize(report_tallies.time_to_triage(years))
    return {year: found.get(year, NO_DURATIONS) for year in years}


def _time_to_close(year: int) -> Duration:
    """From the first report or registration to closing, for cases received in `year` and closed."""
    return durations.summarize(case_tallies.histogram("to_close", [year])).get(year, NO_DURATIONS)


def paragraph(document: dict) -> dict:
    """The annual report's sentence in the style of Eindhoven 2019, and the exact figures behind each "ca"."""
    channels = {item["key"]: item for item in document["reports"]["by_channel"]}
    outcomes = {item["key"]: item for item in document["triage"]["by_outcome"]}
    modes = {item["key"]: item for item in document["gdt"]["from_reports"]["by_mode"]}
    other = [channels[key] for key in ("webform", "phone")]
    other_share = sum(item["count"] for item in other)
    total = document["reports"]["total"]
    figures = [
        ("Woonoverlast-app", channels["app"]["count"], channels["app"]["percent"]),
        ("webformulier of telefoon (14040)", other_share, statistics.percent(other_share, total)),
        ("doorverwezen", outcomes["referred"]["count"], outcomes["referred"]["percent"]),
        ("dreigde te escaleren", outcomes["escalated"]["count"], outcomes["escalated"]["percent"]),
        ("informatie of advies", modes["advice"]["count"], modes["advice"]["percent"]),
        ("casus- en/of procesregie", modes["regie"]["count"], modes["regie"]["percent"]),
    ]
    ca = {label: _ca(share) for label, _, share in figures}
    text = (
        f"In {document['year']} zijn {_int(total)} signalen van woonoverlast ontvangen. Signalen van woonoverlast "
        f"worden ontvangen via de Woonoverlast-app ({ca['Woonoverlast-app']}), het webformulier of telefonisch "
        f"via 14040 ({ca['webformulier of telefoon (14040)']}). {ca['doorverwezen'].capitalize()} is doorverwezen "
        f"naar het Ruimtelijk Domein of ketenpartners; bij {ca['dreigde te escaleren']} dreigde escalatie en "
        f"heeft het GDT de melding in behandeling genomen. Daarvan kreeg {ca['informatie of advies']} "
        f"informatie of advies aan een ketenpartner en {ca['casus- en/of procesregie']} casus- en/of "
        f"procesregie."
    )
    if document["triage"]["open"]:
        text += f" Van {_int(document['triage']['open'])} signalen was de beoordeling bij het opstellen nog open."
    return {"text": text, "figures": [{"label": label, "count": count, "percent": share}
                                      for label, count, share in figures]}


def _ca(share: float) -> str:
    """Whole percent for the prose in Dutch notation ("ca. 80%"); the exact figure with one decimal is listed
    beside it. Rounds half up like the tables (80.5 → 81), which Babel's half-even rounding would not."""
    return f"ca. {format_percent(int(share + 0.5) / 100, locale='nl')}"


def _int(number: int) -> str:
    """A count in Dutch notation, with a thousands separator ("3.000")."""
    return format_decimal(number, locale="nl")

