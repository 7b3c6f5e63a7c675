"""The resident's page: their report's kenmerk, category, date and status in words, their logbook, and the questions
and survey for them (gdt.web.resident_contact). Nothing about the address, the person complained about, partners,
the case or decisions: the link may be forwarded, and the report may be about a neighbour.

Public like the webform (no login; the signed link names the report), with CSRF on its form, the webform's rate
limit, and the resident as the (absent) actor of every audited view and entry.
"""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from gdt.extensions import limiter
from gdt.models import Report
from gdt.services.core import audit, resident_links
from gdt.services.core.errors import Conflict, ServiceError
from gdt.services.intake.app_intake import public_status_of
from gdt.services.resident import logbook
from gdt.web.access import public
from gdt.web.forms import form_page, show_error
from gdt.web.resident import bp
from gdt.web.resident.forms import LogEntryForm
from gdt.web.responses import private

REFUSED_STATUS = {"expired": 410, "revoked": 410, "tampered": 403}


def _post_limit() -> str:
    return current_app.config.get("WEBFORM_RATE_LIMIT", "10 per hour")


@bp.after_app_request
def _keep_the_link_to_itself(response):
    """Every answer under the link (this page, the questions', refusals): no cache, no referrer, no search engine."""
    if request.path.startswith(resident_links.PATH):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/mijn-melding/<token>")
@public
def page(token: str):
    try:
        report = resident_links.read_link_token(token)
    except resident_links.LinkRefused as refused:
        return _refused(refused)
    audit.record_now(None, "view_resident_page", "report", report.reference)
    return _page(report, token, LogEntryForm(formdata=None))


@bp.route("/mijn-melding/<token>/logboek", methods=["POST"])
@public
@limiter.limit(_post_limit)
def add_log_entry(token: str):
    try:
        report = resident_links.read_link_token(token)
    except resident_links.LinkRefused as refused:
        return _refused(refused)
    form = LogEntryForm()
    if form.validate():  # only the CSRF token can fail here: the rules are the service's
        try:
            logbook.add_entry(report, _entry(form), _photos(form), _sound(form))
        except Conflict as refused:  # closed meanwhile, or full: the page says so, without a form to fill in
            flash(str(refused.message), "error")
            return redirect(url_for("resident.page", token=token, _anchor="logboek"), 303)
        except ServiceError as error:
            show_error(form, error)
        else:
            flash(_("Dank u wel. Uw aantekening staat in het logboek."), "success")
            return redirect(url_for("resident.page", token=token, _anchor="logboek"), 303)
    return _page(report, token, form)


@bp.errorhandler(429)
def _too_many(error):
    return _refusal_page(_("Te veel berichten"), _("Vanaf uw internetverbinding is in korte tijd veel verstuurd. "
                                                   "Probeer het later opnieuw, of bel 14 040.")), 429


@bp.errorhandler(413)
def _too_large(error):
    megabytes = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return _refusal_page(_("De bestanden zijn te groot"),
                         _("Uw foto's en opname zijn samen te groot om te versturen (hoogstens %(size)s MB). Ga "
                           "terug, kies minder of kleinere bestanden en verstuur het opnieuw.", size=megabytes)), 413


def _page(report: Report, token: str, form: LogEntryForm):
    is_open = logbook.is_open(report)
    return form_page("resident/page.html", report=report, token=token, status=public_status_of(report),
                     entries=logbook.entries_of(report), logbook_open=is_open, form=form if is_open else None)


def _refused(refused: resident_links.LinkRefused):
    return private(render_template("resident/link_refused.html", reason=refused.reason)), \
        REFUSED_STATUS[refused.reason]


def _refusal_page(title: str, message: str):
    return private(render_template("resident/refused.html", title=title, message=message))


def _entry(form: LogEntryForm) -> logbook.EntryInput:
    return logbook.EntryInput(happened_on=form.happened_on.data, happened_at=form.happened_at.data,
                              duration_minutes=form.duration_minutes.data, text=form.text.data)


def _photos(form: LogEntryForm) -> list[tuple[str | None, bytes]]:
    return [(upload.filename, upload.read()) for upload in form.photos.data or [] if upload and upload.filename]


def _sound(form: LogEntryForm) -> tuple[str | None, bytes] | None:
    upload = form.sound.data
    return (upload.filename, upload.read()) if upload and getattr(upload, "filename", None) else None
