"""Passwords on the pages: the invitation, "Wachtwoord vergeten?", the reset and "Wachtwoord wijzigen".

A mailed link (`/invitation?token=…`, `/password/reset?token=…`) is exchanged on its first visit: the link's id
and token hash go into the signed session cookie and the browser moves on to the clean address, so the token is
in no later request, history entry, referrer or log (the access log leaves query strings out anyway). These pages
are never cached and pass no referrer. After the password is set the login goes on as after the password step:
to the second factor when one is required (a link proves the mailbox, not a second factor), else logged in.
"""
import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired

from gdt.extensions import limiter
from gdt.models.users import ROLES
from gdt.services.core import auth
from gdt.services.core.errors import ServiceError
from gdt.services.identity import account_links, password_change, passwords, second_factor
from gdt.web.access import public, role_required
from gdt.web.auth import bp, login_flow
from gdt.web.forms import form_page, show_error
from gdt.web.responses import private

LINK_KEY = "account_link"
ENDPOINTS = {"invitation": "auth.invitation", "password_reset": "auth.password_reset"}


HINT = _l("Minstens %(n)d tekens. Een zin van een paar woorden is sterk en makkelijk te onthouden.",
          n=passwords.MIN_PASSWORD_LENGTH)


def _new_password(label, description=None) -> PasswordField:
    return PasswordField(label, validators=[InputRequired(message=_l("Vul een wachtwoord in."))],
                         description=description,
                         render_kw={"autocomplete": "new-password", "maxlength": passwords.MAX_PASSWORD_LENGTH})


class SetPasswordForm(FlaskForm):
    password = _new_password(_l("Nieuw wachtwoord"), HINT)
    password_again = _new_password(_l("Nieuw wachtwoord nog een keer"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[InputRequired(message=_l("Vul uw e-mailadres in."))],
                       render_kw={"autocomplete": "email"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Huidig wachtwoord"),
                                     validators=[InputRequired(message=_l("Vul uw huidige wachtwoord in."))],
                                     render_kw={"autocomplete": "current-password"})
    new_password = _new_password(_l("Nieuw wachtwoord"), HINT)
    new_password_again = _new_password(_l("Nieuw wachtwoord nog een keer"))


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


# --- the invitation and the reset: one flow, two purposes ----------------------------------------------------------

@bp.route("/invitation", methods=["GET", "POST"])
@public
def invitation():
    return _link_page("invitation")


@bp.route("/password/reset", methods=["GET", "POST"])
@public
def password_reset():
    return _link_page("password_reset")


def _link_page(purpose: str):
    token = request.args.get("token")
    if token is not None:
        return _exchange(purpose, token)
    try:
        link = account_links.recheck(*_kept(purpose), purpose)
    except account_links.LinkRefused as refused:
        session.pop(LINK_KEY, None)
        return _refused_page(refused)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = account_links.set_password(link, form.password.data, form.password_again.data)
        except account_links.LinkRefused as refused:
            session.pop(LINK_KEY, None)
            return _refused_page(refused)
        except ServiceError as refused:
            show_error(form, refused)
        else:
            return _continue_login(user, purpose)
    page, status = form_page("auth/set_password.html", form=form, purpose=purpose, link=link, rules=passwords.RULES)
    return private((page, status), hide_referrer=True)


def _exchange(purpose: str, token: str):
    """The token's first visit: keep the link's id and hash in the session and go on to the clean address."""
    try:
        link = account_links.check(token, purpose)
    except account_links.LinkRefused as refused:
        return _refused_page(refused)
    session[LINK_KEY] = {"id": link.id, "hash": link.token_hash, "purpose": purpose, "at": int(time.time())}
    return private(redirect(url_for(ENDPOINTS[purpose])), hide_referrer=True)


def _kept(purpose: str) -> tuple[int | None, str | None]:
    kept = session.get(LINK_KEY) or {}
    if kept.get("purpose") != purpose:
        return None, None
    return kept.get("id"), kept.get("hash")


def _refused_page(refused: ServiceError):
    page, _status = form_page("auth/link_refused.html", message=refused.message)
    return private((page, refused.status), hide_referrer=True)


def _continue_login(user, purpose: str):
    """The password is set: a browser still logged in as someone ends that session; then the second factor
    (begin_second_factor) or the login, as after the password step."""
    if current_user.is_authenticated:
        auth.end_session(current_user.login_token, actor=current_user)
    flash(_("Uw wachtwoord is ingesteld.") if purpose == "invitation" else _("Uw nieuwe wachtwoord is ingesteld."),
          "success")
    messages = session.get("_flashes")
    if second_factor.needs_second_factor(user):
        response = login_flow.begin_second_factor(user, None)
    else:
        response = login_flow.finish_login(user, login_method="password")
    if messages:
        session["_flashes"] = messages  # both steps clear the session; the message is for the next page
    return private(response, hide_referrer=True)


# --- "Wachtwoord vergeten?" ----------------------------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        account_links.request_password_reset(form.email.data)
        return private(form_page("auth/reset_requested.html",
                                 minutes=current_app.config["PASSWORD_RESET_LINK_MINUTES"]))
    return private(form_page("auth/forgot_password.html", form=form), hide_referrer=True)


# --- "Wachtwoord wijzigen" -----------------------------------------------------------------------------------------

@bp.route("/account/password", methods=["GET", "POST"])
@role_required(*ROLES)
def change_password():
    form = ChangePasswordForm()
    if current_user.password_hash is not None and form.validate_on_submit():
        try:
            ended = password_change.change_password(
                current_user, form.current_password.data, form.new_password.data, form.new_password_again.data,
                keep_token=current_user.login_token)
        except ServiceError as refused:  # a wrong or throttled current password included
            show_error(form, ServiceError(refused.message, field=_field(refused.field)))
        else:
            flash(_("Uw wachtwoord is gewijzigd.") + " " + (
                ngettext("U bent in %(num)d andere browser uitgelogd.", "U bent in %(num)d andere browsers uitgelogd.",
                         ended) if ended else _("U was nergens anders ingelogd.")), "success")
            return redirect(url_for("auth.account"))
    return private(form_page("auth/change_password.html", form=form, rules=passwords.RULES,
                             has_password=current_user.password_hash is not None))


def _field(field: str | None) -> str | None:
    """The service's field names on this form (the current password is "password" in second_factor)."""
    return {"password": "current_password"}.get(field, field)
