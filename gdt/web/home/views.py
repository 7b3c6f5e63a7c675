"""The start page sends each role to where its work is."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from gdt.services.casework import worklist
from gdt.services.core.access import STAFF_ROLES
from gdt.web.access import public, role_required
from gdt.web.home import bp

START_PAGES = {"intake": "intake.queue", "coordinator": "home.start", "manager": "statistics.index",
               "admin": "admin.users", "partner": "referrals.partner_index"}


@bp.route("/")
@role_required(*STAFF_ROLES, "partner")
def index():
    return redirect(url_for(START_PAGES[current_user.role]))


@bp.route("/health")
@public
def health():
    return {"status": "ok"}


@bp.route("/start")
@role_required("coordinator")
def start():
    return render_template("home/start.html", sections=worklist.for_coordinator(current_user),
                           my_cases=worklist.my_open_cases(current_user))
