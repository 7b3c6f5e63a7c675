"""Phone intake and the intake queue."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.db import db
from gdt.services import intake, reference_data, triage
from gdt.services.errors import ServiceError
from gdt.web.access import role_required
from gdt.web.forms import choices, show_error
from gdt.web.intake import bp
from gdt.web.intake.forms import PhoneReportForm


@bp.route("/intake/reports/new", methods=["GET", "POST"])
@role_required("intake", "coordinator")
def new_report():
    form = PhoneReportForm()
    form.category.choices = choices([("", _("Kies een categorie"))] + [
        (category.key, category.label) for category in reference_data.active_categories()])
    if form.validate_on_submit():
        data = intake.ReportInput(**{name: form[name].data for name in intake.ReportInput.__dataclass_fields__})
        try:
            report = intake.register_phone_report(data, actor=current_user)
        except ServiceError as error:
            show_error(form, error)
        else:
            flash(_("Melding %(reference)s is geregistreerd.", reference=report.reference), "success")
            return redirect(url_for("intake.show", reference=report.reference))
    return render_template("intake/new_report.html", form=form), 422 if form.errors else 200


@bp.route("/intake/reports/<reference>")
@role_required("intake", "coordinator")
def show(reference: str):
    report = triage.view_report(reference, actor=current_user)
    signal = intake.address_signal(report.postcode, report.house_number, excluding=report)
    return render_template("intake/show.html", report=report, signal=signal)


@bp.route("/intake/queue")
@role_required("intake", "coordinator")
def queue():
    page = db.paginate(intake.list_intake_queue(), per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("intake/queue.html", page=page)


@bp.route("/intake/mine")
@role_required("intake", "coordinator")
def mine():
    page = db.paginate(intake.list_registered_by(current_user), per_page=current_app.config["PER_PAGE"],
                       error_out=False)
    return render_template("intake/mine.html", page=page)

