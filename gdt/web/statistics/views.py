"""Yearly statistics pages for managers and coordinators: aggregates only, never personal data."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from gdt.db import AMSTERDAM, utcnow
from gdt.services.core.access import STATISTICS_ROLES
from gdt.services.reporting import funnel, statistics
from gdt.web.access import role_required
from gdt.web.statistics import bp


@bp.route("/statistics")
@role_required(*STATISTICS_ROLES)
def index():
    """The year selector submits here (GET, no JavaScript); without a choice, show the latest year with data."""
    year = request.args.get("year", type=int) or _latest_year()
    if year is None:
        return render_template("statistics/index.html", document=None, years=_selectable([]), year=None)
    return redirect(url_for("statistics.year", year=year))


@bp.route("/statistics/<int:year>")
@role_required(*STATISTICS_ROLES)
def year(year: int):
    page = funnel.view_funnel(year, actor=current_user)
    years = _selectable(statistics.available_years(), year)
    return render_template("statistics/index.html", document=page["document"], funnel=page, years=years, year=year)


def _latest_year() -> int | None:
    years = statistics.available_years()
    return years[-1] if years else None


def _selectable(years: list[int], *shown: int) -> list[int]:
    """Years with data, plus this year and the one on screen, newest first."""
    return sorted(set(years) | {utcnow().astimezone(AMSTERDAM).year, *shown}, reverse=True)
