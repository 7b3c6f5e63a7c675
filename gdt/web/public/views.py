"""The public webform (/melden): no login, one report per form, a confirmation with the reference.

Each form has its own address, /melden?formulier=<id>; the browser's session holds a random browser id
(webform_intake binds each form's one-time key to it). The address shows the form's state to the browser
that has it: a blank form, or the reference once this browser sent it. So the back button never offers
a sent form as new: the browser either restores the page as it was (its key finds the first report) or
asks the server again (and gets the reference). After the form page nothing writes the session: the
answer to a refused POST, which the browser keeps privately, stays valid for its Back button.
"""
import logging

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from gdt.extensions import limiter
from gdt.services.core import reference_data, resident_links
from gdt.services.core.errors import ServiceError
from gdt.services.intake import report_intake, webform_intake
from gdt.web.access import public
from gdt.web.forms import choices, form_page, show_error
from gdt.web.public import bp
from gdt.web.public.forms import PublicReportForm
from gdt.web.responses import private, revisitable

log = logging.getLogger(__name__)

BROWSER = "gdt.webform.browser"  # this browser's id: a form's key and its report belong to it


def _post_limit() -> str:
    return current_app.config.get("WEBFORM_RATE_LIMIT", "10 per hour")


@bp.route("/melden", methods=["GET", "POST"])
@public
@limiter.limit(_post_limit, methods=["POST"])
def report():
    if request.method == "GET":
        return _show(request.args.get("formulier"))
    return _receive()


@bp.route("/melden/ontvangen")
@public
def received():
    """The confirmation: the reference only for the browser that sent this form, never from the URL alone."""
    form_id = request.args.get("formulier")
    reference = _sent_reference(form_id)
    if reference is None:
        return redirect(url_for("public.report"))
    token = resident_links.token_for_reference(reference)
    resident_url = url_for("resident.page", token=token) if token else None
    return private(render_template("public/received.html", reference=reference, form_id=form_id,
                                   repeated=request.args.get("herhaald") == "1", resident_url=resident_url))


@bp.errorhandler(429)
def too_many(error):
    return private(render_template(
        "public/refused.html", title=_("Te veel meldingen"),
        message=_("Vanaf uw internetverbinding zijn in korte tijd veel meldingen verstuurd. Probeer het later "
                  "opnieuw, of bel 14 040.")
    )), 429


@bp.errorhandler(413)
def too_large(error):
    megabytes = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return private(render_template(
        "public/refused.html", title=_("De foto's zijn te groot"),
        message=_("Uw foto's zijn samen te groot om te versturen (hoogstens %(size)s MB). Ga terug, kies minder of "
                  "kleinere foto's en verstuur het formulier opnieuw.", size=megabytes)
    )), 413


def _show(form_id: str | None):
    """A new form gets an address of its own first; an address whose form this browser sent shows its reference."""
    browser = _browser()
    if not webform_intake.is_id(form_id):
        return redirect(url_for("public.report", formulier=webform_intake.new_id()))
    reference = webform_intake.sent_reference(form_id, browser)
    if reference is not None:
        return private(render_template("public/received.html", reference=reference, form_id=form_id,
                                       repeated=True))
    form = _form()
    form.form_key.data = webform_intake.issue_form_key(form_id, browser)
    return _page(form, form_id)


def _receive():
    browser = _browser()
    form = _form()
    if form.website.data:
        log.info("webform: honeypot filled in; nothing stored")
        return private(render_template("public/received.html", reference=None))
    form_id = webform_intake.form_of(form.form_key.data, browser)
    if not form.validate():  # only the CSRF token can fail here: the rules are the service's
        # The session may be new (cookies cleared): the kept input gets a key this browser can send.
        return _page(form, form_id or _rekey(form, browser))
    photos = [(upload.filename, upload.read()) for upload in form.photos.data or [] if upload and upload.filename]
    try:
        received = webform_intake.register(_report_input(form), photos, form_key=form.form_key.data,
                                           browser=browser)
    except webform_intake.OtherBrowser as refused:
        flash(str(refused.message), "error")  # a fresh form, and nothing about the form that was copied
        return redirect(url_for("public.report"), 303)
    except ServiceError as error:
        show_error(form, error)
        return _page(form, form_id or _rekey(form, browser))
    return redirect(url_for("public.received", formulier=received.form_id,
                            herhaald=1 if received.repeated else None), 303)


def _form() -> PublicReportForm:
    """The categories residents may choose (active and public), each with its help text."""
    form = PublicReportForm()
    offered = reference_data.public_categories()
    form.category.choices = choices([(category.key, category.label) for category in offered])
    form.category_help = {category.key: category.help_text for category in offered if category.help_text}
    return form


def _rekey(form: PublicReportForm, browser: str) -> str:
    """A key for this browser, for the form of this address (or a new one); returns the form id."""
    form_id = request.args.get("formulier")
    form_id = form_id if webform_intake.is_id(form_id) else webform_intake.new_id()
    form.form_key.data = webform_intake.issue_form_key(form_id, browser)
    return form_id


def _page(form: PublicReportForm, form_id: str):
    """The form; the browser may keep it for Back (bfcache, or a refused POST's answer from its own cache)."""
    photos_lost = request.method == "POST" and any(upload.filename for upload in request.files.getlist("photos"))
    return revisitable(form_page("public/report.html", form=form, form_id=form_id, photos_lost=photos_lost,
                                 description_max=report_intake.DESCRIPTION_MAX, category_help=form.category_help))


def _browser() -> str:
    if not webform_intake.is_id(session.get(BROWSER)):
        session[BROWSER] = webform_intake.new_id()
    return session[BROWSER]


def _sent_reference(form_id: str | None) -> str | None:
    if not webform_intake.is_id(form_id) or not webform_intake.is_id(session.get(BROWSER)):
        return None
    return webform_intake.sent_reference(form_id, session[BROWSER])


def _report_input(form: PublicReportForm) -> report_intake.ReportInput:
    return report_intake.ReportInput(**{name: form[name].data for name in report_intake.ReportInput.__dataclass_fields__
                                 if name in form})
