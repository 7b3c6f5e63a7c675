"""The location block on the report (triage) and case pages: a small map, the address in words, "In de buurt".

The pages include one template each (templates/map/_report_location.html, _case_location.html); the data comes from
here as template functions, so the pages' views stay as they are.
"""
from flask_login import current_user

from gdt.models import Case, Report
from gdt.services import geo
from gdt.services.core import access
from gdt.web.map import bp
from gdt.web.map.tiles import tile_settings


def report_location(report: Report) -> dict:
    """The report's point and the reports near it that the viewer may open (nearest first)."""
    located = report.lat is not None and report.destroyed_at is None
    return {"points": [_point(report)] if located else [], "tiles": tile_settings(),
            "nearby": geo.nearby(current_user, report) if located else [],
            "radius": geo.nearby_radius(), "may_open_map": current_user.role == "coordinator"}


def case_location(case: Case) -> dict:
    """The points of the case's reports that the viewer may open (a case can span addresses)."""
    reports = [report for report in case.reports if access.can_view_report(current_user, report)]
    located = [report for report in reports if report.lat is not None and report.destroyed_at is None]
    return {"points": [_point(report) for report in located], "tiles": tile_settings(),
            "reports": reports, "may_open_map": current_user.role == "coordinator"}


def _point(report: Report) -> dict:
    return {"lat": round(report.lat, 6), "lon": round(report.lon, 6), "label": report.reference}


@bp.app_context_processor
def _location_functions() -> dict:
    return {"map_report_location": report_location, "map_case_location": case_location}
