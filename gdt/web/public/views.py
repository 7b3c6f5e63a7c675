"""The public webform (/melden): no login, one report per form, a confirmation with the reference."""
import logging

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from gdt.extensions import limiter
from gdt.services.core import reference_data
from gdt.services.core.errors import ServiceError
from gdt.services.intake import report_intake, webform_intake
from gdt.web.access import public
from gdt.web.forms import choices, form_page, show_error
from gdt.web.public import bp
from gdt.web.public.forms import PublicReportForm
from gdt.web.responses import private  # the form's CSRF token and one-time key, the reference: never cached

log = logging.getLogger(__name__)

SESSION_KEY = "gdt.webform.reference"  # the confirmation page shows only what this browser sent


def _post_limit() -> str:
    return current_app.config.get("WEBFORM_RATE_LIMIT", "10 per hour")


@bp.route("/melden", methods=["GET", "POST"])
@public
@limiter.limit(_post_limit, methods=["POST"])
def report():
    form = PublicReportForm()
    form.category.choices = choices([("", _("Kies wat het beste past"))] + [
        (category.key, category.label) for category in reference_data.active_categories()])
    if request.method == "GET":
        form.form_key.data = webform_intake.issue_form_key()
        return _page(form)
    if form.website.data:
        log.info("webform: honeypot filled in; nothing stored")
        session[SESSION_KEY] = None
        return redirect(url_for("public.received"))
    form.form_key.data = form.form_key.data or webform_intake.issue_form_key()
    if not form.validate():  # only the CSRF token can fail here: the rules are the service's
        return _page(form)
    photos = [(upload.filename, upload.read()) for upload in form.photos.data or [] if upload and upload.filename]
    try:
        received = webform_intake.register(_report_input(form), photos, form_key=form.form_key.data)
    except ServiceError as error:
        show_error(form, error)
        if "form_key" in getattr(error, "errors", {}):
            form.form_key.data = webform_intake.issue_form_key()
        return _page(form)
    session[SESSION_KEY] = received.reference
    return redirect(url_for("public.received", herhaald=1 if received.repeated else None))


@bp.route("/melden/ontvangen")
@public
def received():
    if SESSION_KEY not in session:
        return redirect(url_for("public.report"))
    return private(render_template("public/received.html", reference=session[SESSION_KEY],
                                    repeated=request.args.get("herhaald") == "1"))


def _page(form: PublicReportForm):
    photos_lost = request.method == "POST" and any(upload.filename for upload in request.files.getlist("photos"))
    return private(form_page("public/report.html", form=form, photos_lost=photos_lost))


def _report_input(form: PublicReportForm) -> report_intake.ReportInput:
    return report_intake.ReportInput(**{name: form[name].data for name in report_intake.ReportInput.__dataclass_fields__
                                 if name in form})
