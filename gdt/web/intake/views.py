"""Phone intake and the intake queue."""
from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.db import db
from gdt.services import intake, reference_data, triage
from gdt.web.access import role_required
from gdt.web.forms import choices, submit
from gdt.web.intake import bp
from gdt.web.intake.forms import PhoneReportForm


@bp.route("/intake/reports/new", methods=["GET", "POST"])
@role_required("intake", "coordinator")
def new_report():
    form = PhoneReportForm()
    form.category.choices = choices([("", _("Kies een categorie"))] + [
        (category.key, category.label) for category in reference_data.active_categories()])
    done = submit(form, lambda: intake.register_phone_report(_report_input(form), actor=current_user),
                  success=lambda report: _("Melding %(reference)s is geregistreerd.", reference=report.reference),
                  next_url=lambda report: url_for("intake.show", reference=report.reference))
    return done or (render_template("intake/new_report.html", form=form), 422 if form.errors else 200)


def _report_input(form: PhoneReportForm) -> intake.ReportInput:
    return intake.ReportInput(**{name: form[name].data for name in intake.ReportInput.__dataclass_fields__})


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

