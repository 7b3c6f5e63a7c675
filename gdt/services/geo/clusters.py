"""The map's markers: reports grouped on a grid of RD metres in the database (GROUP BY), never row by row.

The cell is a fraction of the width in view, so zooming in splits groups until each report stands alone. A group
of one carries its report's reference (the marker links to it); larger groups only a count and their centre.
"""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Category, Report, User
from gdt.services.core import access
from gdt.services.geo.view import BBox, conditions

CELLS_ACROSS = 32  # groups across the width in view: a marker every ~40 px on a 1280 px map (markercluster's radius)
MIN_CELL_METRES = 5.0  # closer than this, reports are the same building: they stay one group
DEFAULT_CELL_METRES = 250.0  # without a view (a first look at the whole town)


@dataclass(frozen=True)
class Cluster:
    lat: float
    lon: float
    count: int
    reference: str | None = None  # only for a single report
    category: str | None = None  # the single report's category label
    status: str | None = None  # the single report's status key


@dataclass(frozen=True)
class MapData:
    clusters: list[Cluster]
    located: int  # reports on the map
    unlocated: int  # reports that match the filters but have no coordinates (in any view): only in the table
    cell_metres: float

    @property
    def total(self) -> int:
        return self.located + self.unlocated


def cell_metres(bbox: BBox | None) -> float:
    return max(MIN_CELL_METRES, bbox.width_metres() / CELLS_ACROSS) if bbox is not None else DEFAULT_CELL_METRES


def map_data(viewer: User, *, categories=(), statuses=(), period: tuple[date, date] | None = None,
             bbox: BBox | str | None = None) -> MapData:
    """The groups of reports `viewer` may open, matching the filters, within `bbox` (everything without)."""
    if isinstance(bbox, str):
        bbox = BBox.parse(bbox)
    cell = cell_metres(bbox)
    where = conditions(categories=categories, statuses=statuses, period=period, bbox=bbox)
    visible = access.visible_reports(viewer).where(*where)
    gx, gy = (sa.cast(column / cell, sa.Integer) for column in (Report.rd_x, Report.rd_y))
    count = sa.func.count()
    groups = (visible.with_only_columns(gx.label("gx"), gy.label("gy"), count.label("n"),
                                        sa.func.avg(Report.lat), sa.func.avg(Report.lon),
                                        sa.func.min(Report.id), maintain_column_froms=True)
              .where(Report.rd_x.is_not(None)).group_by(gx, gy))
    rows = db.session.execute(groups).all()
    singles = _singles([row[5] for row in rows if row[2] == 1])
    clusters = [Cluster(lat=row[3], lon=row[4], count=row[2], **singles.get(row[5], {})) for row in rows]
    # Those without a place belong to no part of the map: counted whatever is in view, so the summary stays true.
    unlocated = db.session.scalar(
        access.visible_reports(viewer).where(*conditions(categories=categories, statuses=statuses, period=period))
        .with_only_columns(sa.func.count(), maintain_column_froms=True).where(Report.rd_x.is_(None)))
    return MapData(clusters=clusters, located=sum(row[2] for row in rows), unlocated=unlocated or 0,
                   cell_metres=cell)


def _singles(ids: list[int]) -> dict[int, dict]:
    """Reference, category and status of the reports standing alone, in one query."""
    if not ids:
        return {}
    found = db.session.execute(sa.select(Report.id, Report.reference, Category.label, Report.status)
                               .join(Category, Category.id == Report.category_id).where(Report.id.in_(ids)))
    return {row[0]: {"reference": row[1], "category": row[2], "status": row[3]} for row in found}


def reports_in_view(viewer: User, *, categories=(), statuses=(), period: tuple[date, date] | None = None,
                    bbox: BBox | None = None) -> sa.Select:
    """The same reports as a list for the table under the map (those without coordinates too, unless a view is
    given), newest first."""
    where = conditions(categories=categories, statuses=statuses, period=period, bbox=bbox)
    return access.visible_reports(viewer).where(*where).order_by(Report.received_at.desc(), Report.id.desc())


def focus_of(viewer: User, reference: str | None) -> dict | None:
    """Where the map opens for "Bekijk op de kaart": the report's point, if `viewer` may open it and it is located."""
    if not reference or len(reference) > 40:
        return None
    report = db.session.scalar(access.visible_reports(viewer).where(Report.reference == reference))
    if report is None or report.lat is None:
        return None
    return {"lat": report.lat, "lon": report.lon, "reference": report.reference}
