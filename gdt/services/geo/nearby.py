"""Reports near another ("In de buurt" on the triage page): a box on the RD index, then the exact distance."""
from flask import current_app

from gdt.db import db
from gdt.models import Report, User
from gdt.services.core import access

MAX_NEARBY = 20


def nearby_radius() -> float:
    return float(current_app.config["MAP_NEARBY_METRES"])


def nearby(viewer: User, report: Report, *, metres: float | None = None, limit: int = MAX_NEARBY
           ) -> list[tuple[Report, float]]:
    """Other reports within `metres` (MAP_NEARBY_METRES) that `viewer` may open, nearest first, with the distance.

    A report without coordinates has no neighbours (an empty list): the page says the location is unknown.
    """
    if report.rd_x is None or report.rd_y is None:
        return []
    metres = nearby_radius() if metres is None else metres
    dx, dy = Report.rd_x - report.rd_x, Report.rd_y - report.rd_y
    squared = (dx * dx + dy * dy).label("squared")
    query = (access.visible_reports(viewer).add_columns(squared)
             .where(Report.id != report.id,
                    Report.rd_x.between(report.rd_x - metres, report.rd_x + metres),
                    Report.rd_y.between(report.rd_y - metres, report.rd_y + metres),
                    squared <= metres * metres)
             .order_by(squared, Report.received_at.desc()).limit(limit))
    return [(found, squared_distance ** 0.5) for found, squared_distance in db.session.execute(query)]
