"""The managers' heat map: reports per buurt, counted in SQL, small cells hidden as in the statistics
(docs/decisions/0007-small-cell-suppression.md). No reference, address or point of a single report leaves here."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from gdt.db import db
from gdt.models import Report
from gdt.services.core import areas
from gdt.services.geo.view import conditions
from gdt.services.reporting import statistics

ALL_STATUSES = ("received", "referred", "escalated", "closed")


@dataclass(frozen=True)
class BuurtCount:
    code: str
    name: str | None
    count: int | None  # None: a small cell, shown as "< threshold"
    shown: str  # the count as the table writes it ("12", "< 5")
    lat: float | None  # the centre (average of the reports' points) — only for a shown count
    lon: float | None


@dataclass(frozen=True)
class HeatMap:
    buurten: list[BuurtCount]  # the largest first, small cells last
    threshold: int
    highest: int  # the largest shown count: the map's scale

    @property
    def hidden(self) -> int:
        return sum(1 for buurt in self.buurten if buurt.count is None)


def heat_map(*, categories=(), statuses=(), period: tuple[date, date] | None = None) -> HeatMap:
    """Reports per buurt (any status unless given), with the buurt's centre from its reports' coordinates."""
    threshold = int(current_app.config["EXPORT_SMALL_CELL_THRESHOLD"])
    where = conditions(categories=categories, statuses=tuple(statuses) or ALL_STATUSES, period=period)
    rows = db.session.execute(
        sa.select(Report.buurt_code, sa.func.count(), sa.func.avg(Report.lat), sa.func.avg(Report.lon))
        .where(Report.buurt_code.is_not(None), *where).group_by(Report.buurt_code)).all()
    names = areas.area_names(row[0] for row in rows)
    buurten = []
    for code, count, lat, lon in rows:
        small = statistics.is_small_cell(count, threshold)
        buurten.append(BuurtCount(code=code, name=names.get(code), count=None if small else count,
                                  shown=statistics.suppressed(count, threshold),
                                  lat=None if small else lat, lon=None if small else lon))
    buurten.sort(key=lambda buurt: (buurt.count is None, -(buurt.count or 0), buurt.code))
    return HeatMap(buurten=buurten, threshold=threshold,
                   highest=max((buurt.count for buurt in buurten if buurt.count), default=0))
