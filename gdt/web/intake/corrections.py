"""The correction page of a report before triage ("Corrigeren" on the report and triage pages)."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.core import access, reference_data
from gdt.services.core.errors import Conflict
from gdt.services.intake import report_corrections, report_intake
from gdt.services.triage import report_triage
from gdt.web.access import role_required
from gdt.web.forms import choices, form_page, submit
from gdt.web.intake import bp
from gdt.web.intake.forms import ReportCorrectionForm


@bp.route("/intake/reports/<reference>/correct", methods=["GET", "POST"])
@role_required("intake", "coordinator")  # the service narrows this to who may see the report
def correct(reference: str):
    report = report_triage.view_report(reference, actor=current_user)
    try:
        report_corrections.check_correctable(report, actor=current_user)
    except Conflict as refused:  # triaged meanwhile: say so, with the way back, instead of a form
        return render_template("intake/correct.html", report=report, refused=refused.message,
                               back=_report_page(reference)), 409
    form = _with_categories(ReportCorrectionForm(data=None if request.method == "POST" else _as_is(report)), report)
    form.mark_as_is(report)
    if form.lookup.data:  # "Zoek adres": what the BAG has at the typed address; nothing is saved
        lookup = report_intake.lookup_address(form.postcode.data, form.house_number.data,
                                              addition=form.house_number_addition.data, bag_id=form.bag_id.data)
        form.show_lookup(lookup)
        return form_page("intake/correct.html", form=form, report=report, lookup=lookup, back=_report_page(reference))
    done = submit(form, lambda: report_corrections.correct_report(report, _input(form), actor=current_user,
                                                                  seen_version=form.version.data),
                  success=_("Melding %(reference)s is gecorrigeerd.", reference=reference),
                  next_url=_report_page(reference))
    return done or form_page("intake/correct.html", form=form, report=report, lookup=None,
                             back=_report_page(reference))


def _as_is(report) -> dict:
    """The form's first values: the report as it is now, and the version seen."""
    return {"category": report.category.key, "postcode": report.display_postcode,
            "house_number": str(report.house_number), "house_number_addition": report.house_number_addition,
            "street": report.street, "city": report.city, "bag_id": report.bag_id,
            "description": report.description_corrected or report.description, "version": report.version}


def _with_categories(form: ReportCorrectionForm, report) -> ReportCorrectionForm:
    """The active categories, and the report's own when it was retired since: correcting the address keeps it."""
    offered = [(category.key, category.label) for category in reference_data.active_categories()]
    if not report.category.is_active:
        offered.insert(0, (report.category.key, _("%(label)s (niet meer in gebruik)", label=report.category.label)))
    form.category.choices = choices(offered)
    return form


def _input(form: ReportCorrectionForm) -> report_corrections.CorrectionInput:
    return report_corrections.CorrectionInput(
        **{name: form[name].data for name in report_corrections.CorrectionInput.__dataclass_fields__})


def _report_page(reference: str) -> str:
    """Back to where a correction is offered: the triage page for a coordinator, the intake view otherwise."""
    return url_for("triage.show" if access.can_triage(current_user) else "intake.show", reference=reference)
