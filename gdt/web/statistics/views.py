"""Yearly statistics pages for managers and coordinators: aggregates only, never personal data."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from gdt.services.core.access import STATISTICS_ROLES
from gdt.services.reporting import charts, funnel, statistics
from gdt.web.access import role_required
from gdt.web.statistics import bp


@bp.route("/statistics")
@role_required(*STATISTICS_ROLES)
def index():
    """The year selector submits here (GET, no JavaScript); without a choice, show the latest year with data."""
    year = request.args.get("year", type=int) or _latest_year()
    if year is None:
        return render_template("statistics/index.html", document=None, years=_selectable(), year=None)
    return redirect(url_for("statistics.year", year=year))


@bp.route("/statistics/<int:year>")
@role_required(*STATISTICS_ROLES)
def year(year: int):
    """One year; a year outside statistics.statistics_years() is not found (raised by the service)."""
    page = funnel.view_funnel(year, actor=current_user)
    has_data = statistics.has_data(page["document"])
    return render_template("statistics/index.html", document=page["document"], funnel=page, years=_selectable(),
                           year=year, has_data=has_data, charts=charts.page_charts(page) if has_data else {},
                           outcomes=page["outcomes"])


def _latest_year() -> int | None:
    years = statistics.available_years()
    return years[-1] if years else None


def _selectable() -> list[int]:
    """Every year the statistics answer for, newest first."""
    return sorted(statistics.statistics_years(), reverse=True)
