"""GDT cases: the list of cases (the case page and its steps: gdt.web.cases.workspace)."""
from flask import current_app, render_template, request
from flask_babel import format_decimal
from flask_login import current_user

from gdt.services.casework import case_list
from gdt.services.core import reference_data
from gdt.web.access import role_required
from gdt.web.cases import bp


@bp.route("/cases")
@role_required("coordinator")
def index():
    coordinators, partners = case_list.coordinator_choices(), case_list.partner_choices()
    categories = reference_data.all_categories()
    case_filter = case_list.parse(request.args, coordinator_ids={user.id for user in coordinators},
                                  partner_keys={partner.key for partner in partners},
                                  category_keys={category.key for category in categories})
    sort = case_list.ORDERS.parse(request.args.get("sort"))
    page = case_list.page_of(current_user, case_filter, sort, request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("cases/index.html", page=page, rows=case_list.rows(page.items), case_filter=case_filter,
                           sort=sort, default_sort=case_list.ORDERS.default, coordinators=coordinators,
                           partners=partners, categories=categories, unassigned=case_list.UNASSIGNED,
                           total=format_decimal(page.total))
