"""Phone intake with address lookup, and the intake queue."""
from dataclasses import asdict

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.core import access, pagination, reference_data
from gdt.services.intake import report_corrections, report_intake
from gdt.services.triage import report_lists, report_triage
from gdt.web.access import role_required
from gdt.web.forms import choices, form_page, submit
from gdt.web.intake import bp
from gdt.web.intake.forms import PhoneReportForm


@bp.route("/intake/reports/new", methods=["GET", "POST"])
@role_required("intake", "coordinator")
def new_report():
    form = PhoneReportForm()
    form.category.choices = choices([("", _("Kies een categorie"))] + [
        (category.key, category.label) for category in reference_data.active_categories()])
    if form.lookup.data:  # "Zoek adres": show what the BAG and the team know; nothing is saved
        lookup = report_intake.lookup_address(form.postcode.data, form.house_number.data,
                                       addition=form.house_number_addition.data, bag_id=form.bag_id.data)
        form.show_lookup(lookup)
        return form_page("intake/new_report.html", form=form, lookup=lookup)
    done = submit(form, lambda: report_intake.register_phone_report(_report_input(form), actor=current_user),
                  success=lambda report: _("Melding %(reference)s is geregistreerd.", reference=report.reference),
                  next_url=lambda report: url_for("intake.show", reference=report.reference))
    return done or form_page("intake/new_report.html", form=form, lookup=None)


def _report_input(form: PhoneReportForm) -> report_intake.ReportInput:
    return report_intake.ReportInput(
        **{name: form[name].data for name in report_intake.ReportInput.__dataclass_fields__}
    )


@bp.route("/intake/address", methods=["POST"])
@role_required("intake", "coordinator")
def address():
    """The lookup for intake.js. The address travels in the JSON body (never in the URL); CSRF via X-CSRFToken."""
    body = request.get_json(silent=True)
    typed = {
        name: _scalar(body.get(name)) if isinstance(body, dict) else None
        for name in ("postcode", "house_number", "house_number_addition", "bag_id")
    }
    lookup = report_intake.lookup_address(
        typed["postcode"], typed["house_number"], addition=typed["house_number_addition"], bag_id=typed["bag_id"]
    )
    html = render_template("intake/_address_result.html", lookup=lookup, selected=typed["bag_id"])
    return jsonify(_lookup_json(lookup) | {"html": html}), 422 if lookup.errors else 200


def _scalar(value) -> str | None:
    """A JSON string or number as text; anything else (lists, objects) counts as not given."""
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _lookup_json(lookup: report_intake.AddressLookup) -> dict:
    return {
        "status": lookup.status,
        "matches": [asdict(match) for match in lookup.matches],
        "chosen": asdict(lookup.chosen) if lookup.chosen else None,
        "signal": lookup.signal._asdict() if lookup.signal else None,
        "errors": {name: str(message) for name, message in lookup.errors.items()},
    }


@bp.route("/intake/reports/<reference>")
@role_required("intake", "coordinator")
def show(reference: str):
    report = report_triage.view_report(reference, actor=current_user)
    signal = report_intake.address_signal(
        report.postcode, report.house_number, report.house_number_addition, report.bag_id, excluding=report
    )
    return render_template("intake/show.html", report=report, signal=signal,
                           can_correct=report_corrections.may_correct(current_user, report))


@bp.route("/intake/queue")
@role_required("intake", "coordinator")
def queue():
    categories = reference_data.all_categories()
    queue_filter = report_lists.parse_filter(request.args, category_keys=[category.key for category in categories])
    sort = report_lists.ORDERS.parse(request.args.get("sort"))
    page = _page_of(report_lists.queue(current_user, queue_filter, sort))
    return render_template("intake/queue.html", page=page, rows=report_lists.rows(page.items, actor=current_user),
                           queue_filter=queue_filter, sort=sort, default_sort=report_lists.ORDERS.default,
                           categories=categories, link_endpoint=_report_page(),
                           waiting_elsewhere=report_lists.waiting_elsewhere(current_user))


@bp.route("/intake/mine")
@role_required("intake", "coordinator")
def mine():
    sort = report_lists.ORDERS.parse(request.args.get("sort"))
    page = _page_of(report_lists.registered_by(current_user, sort))
    return render_template("intake/mine.html", page=page, rows=report_lists.rows(page.items, actor=current_user),
                           sort=sort, default_sort=report_lists.ORDERS.default, link_endpoint=_report_page())


def _page_of(query):
    return pagination.page_of(query, request.args, per_page=current_app.config["PER_PAGE"])


def _report_page() -> str:
    """The page a listed report opens: triage for a coordinator, the intake view (own reports only) otherwise."""
    return "triage.show" if access.can_triage(current_user) else "intake.show"
