"""What the coordinators' map shows: the filters, as one SQL condition shared by the map and its table."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from gdt.db import AMSTERDAM
from gdt.models import Category, Report
from gdt.services.geo import rd

OPEN_STATUSES = ("received", "referred", "escalated")  # a report still being handled, by the team or a partner


@dataclass(frozen=True)
class BBox:
    """The part of the map in view, in WGS84 degrees (Leaflet's getBounds)."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str | None) -> "BBox | None":
        """"west,south,east,north" as Leaflet's toBBoxString writes it; None for anything else."""
        try:
            west, south, east, north = (float(part) for part in (text or "").split(","))
        except ValueError:
            return None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            return None
        return cls(west, south, east, north)

    def __str__(self) -> str:
        return f"{self.west:.6f},{self.south:.6f},{self.east:.6f},{self.north:.6f}"

    def rd_range(self) -> tuple[float, float, float, float]:
        """The RD rectangle around the four corners (RD's grid is turned a little against the meridians)."""
        corners = [rd.to_rd(lat, lon) for lat in (self.south, self.north) for lon in (self.west, self.east)]
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        return min(xs), min(ys), max(xs), max(ys)

    def width_metres(self) -> float:
        min_x, _, max_x, _ = self.rd_range()
        return max_x - min_x


def conditions(*, categories=(), statuses=(), period: tuple[date, date] | None = None,
               bbox: BBox | None = None) -> list[sa.ColumnElement[bool]]:
    """The filters as SQL. Statuses default to the open ones; `period` is first and last day, Amsterdam time."""
    where = [Report.status.in_(tuple(statuses) or OPEN_STATUSES)]
    if categories:
        where.append(Report.category_id.in_(sa.select(Category.id).where(Category.key.in_(tuple(categories)))))
    if period is not None:
        first, last = period
        where += [Report.received_at >= datetime.combine(first, time.min, AMSTERDAM),
                  Report.received_at < datetime.combine(last + timedelta(days=1), time.min, AMSTERDAM)]
    if bbox is not None:
        min_x, min_y, max_x, max_y = bbox.rd_range()  # the index range; the degrees make it exact
        where += [Report.rd_x.between(min_x, max_x), Report.rd_y.between(min_y, max_y),
                  Report.lon.between(bbox.west, bbox.east), Report.lat.between(bbox.south, bbox.north)]
    return where
