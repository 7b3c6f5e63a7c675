"""The start page sends each role to where its work is."""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from gdt.services.casework import worklist
from gdt.services.core import pagination
from gdt.web.access import public, role_required
from gdt.web.health.views import live
from gdt.web.home import bp

START_PAGES = {"intake": "intake.queue", "coordinator": "home.start", "manager": "statistics.index",
               "admin": "admin.users", "partner": "referrals.partner_index",
               "archivist": "retention.lists", "privacy": "privacy.audit_trail"}


@bp.route("/")
@role_required(*START_PAGES)
def index():
    return redirect(url_for(START_PAGES[current_user.role]))


@bp.route("/health")
@public
def health():
    """The older address of /health/live, kept for monitors that use it."""
    return live()


@bp.route("/start")
@role_required("coordinator")
def start():
    return render_template("home/start.html", sections=worklist.for_coordinator(current_user),
                           full_lists=_full_lists())


def _full_lists() -> dict[str, str]:
    """Where each section's "toon alle N" leads: the list whose first rows the section shows."""
    sections = {section: url_for("home.section", list_name=name) for name, section in worklist.FULL_LISTS.items()}
    return sections | {
        "my_cases": url_for("cases.index", **worklist.my_cases_filter(current_user).as_args()),
        "overdue_triage": url_for("intake.queue", **worklist.OVERDUE_TRIAGE_FILTER.as_args()),
        "my_overdue_reviews": url_for("cases.index", **worklist.my_overdue_reviews_filter(current_user).as_args()),
        "unassigned_cases": url_for("cases.index", **worklist.unassigned_filter().as_args()),
    }


@bp.route("/start/<list_name>")
@role_required("coordinator")
def section(list_name: str):
    """A start-page section in full, paged: overdue actions, unacknowledged referrals, failed deliveries."""
    if list_name not in worklist.FULL_LISTS:
        abort(404)
    section = worklist.FULL_LISTS[list_name]
    page = pagination.page_of(worklist.full_list(section, current_user), request.args,
                              per_page=current_app.config["PER_PAGE"])
    return render_template("home/section.html", list_name=list_name, section=section, page=page,
                           rows=worklist.deadline_rows(page.items))
