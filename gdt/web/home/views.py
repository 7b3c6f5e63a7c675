"""The start page sends each role to where its work is."""
from flask import redirect, url_for
from flask_login import current_user

from gdt.services.access import STAFF_ROLES
from gdt.web.access import public, role_required
from gdt.web.home import bp

START_PAGES = {"intake": "intake.queue", "coordinator": "intake.queue", "manager": "statistics.index",
               "admin": "admin.users", "partner": "partner.index"}


@bp.route("/")
@role_required(*STAFF_ROLES, "partner")
def index():
    return redirect(url_for(START_PAGES[current_user.role]))


@bp.route("/health")
@public
def health():
    return {"status": "ok"}
