from flask import render_template

from gdt.web.access import role_required
from gdt.web.admin import bp


@bp.route("/admin/users")
@role_required("admin")
def users():
    return render_template("admin/users.html")


@bp.route("/admin/partners")
@role_required("admin")
def partners():
    return render_template("admin/partners.html")
