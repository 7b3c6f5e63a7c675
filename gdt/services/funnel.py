"""The yearly funnel page beyond the DESIGN §6 document: last year beside it, the months, categories, wijken,
how long triage and closing take, and the annual-report paragraph with the exact figures behind each "ca".

Every figure is an aggregate in the database (GROUP BY); months are grouped by a CASE over the twelve
Amsterdam month boundaries, which works the same on SQLite and PostgreSQL and keeps the year's index
range scan. Durations: PostgreSQL computes the median and 90th percentile itself (percentile_cont);
SQLite, the development database, has no percentile function, so there the year's durations are
fetched as one column of numbers and the percentiles computed from it.
"""
from dataclasses import dataclass
from datetime import datetime
from statistics import quantiles

import sqlalchemy as sa
from flask_babel import force_locale

from gdt.db import AMSTERDAM, db
from gdt.models import Case, Category, Report
from gdt.models.reports import RESIDENT_CHANNELS
from gdt.services import statistics

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
UNKNOWN_WIJK = "onbekend"
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class Duration:
    count: int
    median_days: float | None
    p90_days: float | None


def yearly_funnel(year: int, document: dict | None = None) -> dict:
    """The §6 document of `year` (computed unless given) with the extra figures; Dutch labels, like the document."""
    document = document or statistics.yearly_statistics(year)
    previous = statistics.yearly_statistics(year - 1)
    with force_locale("nl"):
        return {
            "document": document,
            "previous": previous,
            "months": _months(year),
            "categories": _categories(year),
            "wijken": _by_column(year, sa.func.coalesce(Report.wijk_code, UNKNOWN_WIJK)),
            "time_to_triage": _duration(year, Report.triaged_at - Report.received_at, Report.received_at,
                                        Report.triaged_at.is_not(None), Report.channel.in_(RESIDENT_CHANNELS)),
            "time_to_close": _case_duration(year),
            "paragraph": paragraph(document),
        }


def _months(year: int) -> list[dict]:
    """Resident reports per month of receipt (Amsterdam time), all twelve months, zero included."""
    bounds = [datetime(year, month, 1, tzinfo=AMSTERDAM) for month in range(2, 13)]
    month = sa.case(*[(Report.received_at < bound, number) for number, bound in enumerate(bounds, start=1)],
                    else_=12)
    rows = dict(db.session.execute(
        sa.select(month.label("month"), sa.func.count())
        .where(statistics._in_year(Report.received_at, year), Report.channel.in_(RESIDENT_CHANNELS))
        .group_by(month)).all())
    total = sum(rows.values())
    return [{"month": number, "label": MONTHS[number - 1], "count": rows.get(number, 0),
             "percent": statistics.percent(rows.get(number, 0), total)} for number in range(1, 13)]


def _categories(year: int) -> list[dict]:
    """Grouped by id in an index-only scan first; the labels are joined to the few grouped rows afterwards."""
    grouped = (sa.select(Report.category_id, sa.func.count().label("count"))
               .where(statistics._in_year(Report.received_at, year), Report.channel.in_(RESIDENT_CHANNELS))
               .group_by(Report.category_id).subquery())
    rows = db.session.execute(sa.select(Category.label, grouped.c["count"])
                              .join(grouped, grouped.c.category_id == Category.id)).all()
    return _shares(rows)


def _by_column(year: int, column) -> list[dict]:
    """Resident reports per value of `column`, largest first."""
    rows = db.session.execute(
        sa.select(column.label("label"), sa.func.count().label("count"))
        .where(statistics._in_year(Report.received_at, year), Report.channel.in_(RESIDENT_CHANNELS))
        .group_by(column)).all()
    return _shares(rows)


def _shares(rows) -> list[dict]:
    total = sum(count for _, count in rows)
    ordered = sorted(rows, key=lambda row: (-row[1], str(row[0])))
    return [{"label": label, "count": count, "percent": statistics.percent(count, total)} for label, count in ordered]


def _duration(year: int, interval, received, *conditions) -> Duration:
    where = [statistics._in_year(received, year), *conditions]
    if db.engine.dialect.name == "postgresql":
        days = sa.extract("epoch", interval) / SECONDS_PER_DAY
        count, median, p90 = db.session.execute(sa.select(
            sa.func.count(), sa.func.percentile_cont(0.5).within_group(days),
            sa.func.percentile_cont(0.9).within_group(days)).where(*where)).one()
        return Duration(count, _rounded(median), _rounded(p90))
    seconds = _sqlite_seconds(interval)
    values = sorted(db.session.scalars(sa.select(seconds).where(*where)))
    return _from_values([value / SECONDS_PER_DAY for value in values])


def _case_duration(year: int) -> Duration:
    """From the first report or registration to closing, for cases received in `year` and closed."""
    return _duration(year, Case.closed_at - Case.received_at, Case.received_at, Case.closed_at.is_not(None),
                     Case.status != "merged")


def _sqlite_seconds(interval) -> sa.ColumnElement:
    left, right = interval.left, interval.right
    return (sa.func.julianday(left) - sa.func.julianday(right)) * SECONDS_PER_DAY


def _from_values(days: list[float]) -> Duration:
    if not days:
        return Duration(0, None, None)
    if len(days) == 1:
        return Duration(1, _rounded(days[0]), _rounded(days[0]))
    cuts = quantiles(days, n=10, method="inclusive")  # the same linear interpolation as percentile_cont
    return Duration(len(days), _rounded(quantiles(days, n=2, method="inclusive")[0]), _rounded(cuts[8]))


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 1)


def paragraph(document: dict) -> dict:
    """The annual report's sentence in the style of Eindhoven 2019, and the exact figures behind each "ca"."""
    channels = {item["key"]: item for item in document["reports"]["by_channel"]}
    outcomes = {item["key"]: item for item in document["triage"]["by_outcome"]}
    modes = {item["key"]: item for item in document["gdt"]["from_reports"]["by_mode"]}
    other = [channels[key] for key in ("webform", "phone")]
    other_share = sum(item["count"] for item in other)
    total = document["reports"]["total"]
    figures = [
        ("Woonoverlast-App", channels["app"]["count"], channels["app"]["percent"]),
        ("webformulier of telefoon (14040)", other_share, statistics.percent(other_share, total)),
        ("doorverwezen", outcomes["referred"]["count"], outcomes["referred"]["percent"]),
        ("dreigde te escaleren", outcomes["escalated"]["count"], outcomes["escalated"]["percent"]),
        ("informatie of advies", modes["advice"]["count"], modes["advice"]["percent"]),
        ("casus- en/of procesregie", modes["regie"]["count"], modes["regie"]["percent"]),
    ]
    ca = {label: _ca(share) for label, _, share in figures}
    text = (
        f"In {document['year']} zijn {_int(total)} signalen van woonoverlast ontvangen. Signalen van woonoverlast "
        f"worden ontvangen via de Woonoverlast-App (ca {ca['Woonoverlast-App']} %), het webformulier of telefonisch "
        f"via 14040 (ca {ca['webformulier of telefoon (14040)']} %). Ca {ca['doorverwezen']} % is doorverwezen "
        f"naar het Ruimtelijk Domein of ketenpartners; bij ca {ca['dreigde te escaleren']} % dreigde escalatie en "
        f"heeft het GDT de melding in behandeling genomen. Daarvan kreeg ca {ca['informatie of advies']} % "
        f"informatie of advies aan een ketenpartner en ca {ca['casus- en/of procesregie']} % casus- en/of "
        f"procesregie."
    )
    if document["triage"]["open"]:
        text += f" Van {_int(document['triage']['open'])} signalen was de beoordeling bij het opstellen nog open."
    return {"text": text, "figures": [{"label": label, "count": count, "percent": share}
                                      for label, count, share in figures]}


def _ca(share: float) -> str:
    """Whole percent for the prose ("ca 80 %"); the exact figure with one decimal is listed beside it."""
    return str(int(share + 0.5))


def _int(number: int) -> str:
    return f"{number:,}".replace(",", ".")

