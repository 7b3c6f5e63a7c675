from flask import render_template

from gdt.web.access import role_required
from gdt.web.statistics import bp


@bp.route("/statistics")
@role_required("manager", "coordinator")
def index():
    return render_template("statistics/index.html")
