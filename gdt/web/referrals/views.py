"""Referrals: the partner's link page, partner users' own pages, retrying a delivery, the admin overview."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.models import Referral
from gdt.services.core import access, pagination
from gdt.services.core.errors import NotFound
from gdt.services.referrals import feedback, routing
from gdt.services.signalen import status as signalen_status
from gdt.web.access import public, role_required
from gdt.web.forms import form_page, submit
from gdt.web.referrals import bp
from gdt.web.referrals.forms import FeedbackForm, RetryForm
from gdt.web.referrals.links import exchanged, session_key
from gdt.web.responses import private


@bp.route("/doorverwijzing/<token>")
@public
def link(token: str):
    """The mailed link: no account, the signed token is the key. Its first use is exchanged for a short link
    session and the browser continues at the clean address, so the token is never in a later request or log."""
    return exchanged(feedback.exchange_link(token))


@bp.route("/doorverwijzing/<int:referral_id>", methods=["GET", "POST"])
@public
def link_page(referral_id: int):
    """The referral behind the link session's cookie. Nothing here is cached or passed on as a referrer."""
    referral = feedback.open_link(referral_id, session_key())
    form = FeedbackForm().offer(feedback.next_steps(referral))
    if request.method == "GET":
        form.version.data = referral.version
    elif done := _record(referral, form, actor=None,
                         next_url=url_for("referrals.link_page", referral_id=referral_id, bedankt=1)):
        return private(done, hide_referrer=True)
    return private(_page("referrals/link.html", referral, form, thanks=request.args.get("bedankt") == "1"),
                   hide_referrer=True)


@bp.route("/partner/doorverwijzingen")
@role_required("partner")
def partner_index():
    query = access.visible_referrals(current_user).order_by(Referral.created_at.desc(), Referral.id.desc())
    page = pagination.page_of(query, request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("referrals/partner_index.html", page=page)


@bp.route("/partner/doorverwijzingen/<int:referral_id>", methods=["GET", "POST"])
@role_required("partner")
def partner_show(referral_id: int):
    referral = feedback.view_for_user(referral_id, actor=current_user)
    form = FeedbackForm().offer(feedback.next_steps(referral))
    if request.method == "GET":
        form.version.data = referral.version
    elif done := _record(referral, form, actor=current_user,
                         next_url=url_for("referrals.partner_show", referral_id=referral_id, bedankt=1)):
        return done
    return _page("referrals/partner_show.html", referral, form, thanks=request.args.get("bedankt") == "1")


@bp.route("/referrals/<int:referral_id>/retry", methods=["POST"])
@role_required("coordinator", "admin")
def retry(referral_id: int):
    referral = routing.referral_by_id(referral_id)
    if referral is None:
        raise NotFound(_("Deze doorverwijzing bestaat niet."))
    if RetryForm().validate_on_submit():
        routing.retry(referral, actor=current_user)
        flash(_("De doorverwijzing wordt opnieuw bezorgd."), "success")
    return redirect(_back_to(referral))


@bp.route("/admin/deliveries")
@role_required("admin")
def deliveries():
    page = pagination.page_of(routing.failed_deliveries(), request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("referrals/deliveries.html", page=page, retry_form=RetryForm(),
                           signalen_refused=signalen_status.refused_updates(),
                           signalen_waiting=signalen_status.waiting_updates())


@bp.route("/admin/deliveries/signalen/<int:signal_id>/resend", methods=["POST"])
@role_required("admin")
def resend_to_signalen(signal_id: int):
    if RetryForm().validate_on_submit():
        signal = signalen_status.resend(signal_id, actor=current_user)
        flash(_("De status van %(signal)s wordt opnieuw naar Signalen gestuurd.", signal=signal.id_display), "success")
    return redirect(url_for("referrals.deliveries", _anchor="signalen"))


def _record(referral, form: FeedbackForm, *, actor, next_url: str):
    """The redirect to the thank-you page (no flash: it says thank you), or None to show the form again."""
    given = feedback.Feedback(action=form.action.data, outcome=form.outcome.data, note=form.note.data,
                              reason=form.reason.data)
    return submit(form, lambda: feedback.record(referral, given, actor=actor, seen_version=form.version.data),
                  success=None, next_url=next_url)


def _page(template: str, referral, form: FeedbackForm, *, thanks: bool):
    return form_page(template, referral=referral, form=form, thanks=thanks,
                     details=feedback.details_visible(referral))


def _back_to(referral) -> str:
    if current_user.role == "admin":
        return url_for("referrals.deliveries")
    if referral.report is not None:
        return url_for("triage.show", reference=referral.report.reference)
    return url_for("cases.show", reference=referral.case.reference)
