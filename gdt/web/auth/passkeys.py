"""Passkeys on the pages (README, "Passkeys"): the JSON steps passkeys.js takes to register one or to log in with
one, and renaming and removing them on the account page.

The JSON steps are POSTs with CSRF in the X-CSRFToken header. Each ceremony's options answer keeps its state (the
challenge) in the session; the finishing call takes it out again, so a challenge serves one attempt only. Refusals
are problem+json with a Dutch `detail` that passkeys.js shows as it is.

A passkey registered by a user without unused recovery codes (the first factor, or all spent) ends, as an
authenticator app does, on the recovery codes page (gdt.web.auth.mfa.recovery_codes_page): the register answer
asks passkeys.js to POST /passkeys/recovery-codes, which makes and shows them once.

Who may register: the logged-in user (account page), or a user whose password was right and who has no second
factor yet (the enrolment page, `auth.mfa_setup`) — never a pending user who already has one, or a password alone
would be enough to add a factor. Logging in with a passkey is for the pending user of `auth.second_factor`.
"""
from http import HTTPStatus
from typing import NamedTuple

from flask import Response, current_app, flash, json, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import PasswordField, StringField

from gdt.extensions import limiter
from gdt.models import Passkey, User
from gdt.models.users import ROLES
from gdt.services.core.errors import ServiceError
from gdt.services.identity import passkeys, second_factor
from gdt.web.access import public, role_required
from gdt.web.auth import bp, login_flow
from gdt.web.auth.mfa import recovery_codes_page

CEREMONY_KEY = "passkey_ceremony"
CODES_DUE_KEY = "passkey_recovery_codes_due"
NAME_HINT = _l("Zodat u hem later herkent, bijvoorbeeld Telefoon of Beveiligingssleutel.")


class PasskeyNameForm(FlaskForm):
    name = StringField(_l("Naam van de passkey"), description=NAME_HINT,
                       render_kw={"autocomplete": "off", "maxlength": passkeys.NAME_MAX})


class PasskeyAddForm(PasskeyNameForm):
    password = PasswordField(_l("Uw huidige wachtwoord"), description=_l("Ter bevestiging dat u het zelf bent."),
                             render_kw={"autocomplete": "current-password"})


class PasskeyRenameForm(FlaskForm):
    name = StringField(_l("Nieuwe naam"), render_kw={"autocomplete": "off", "maxlength": passkeys.NAME_MAX})


class PasskeyRemoveForm(FlaskForm):
    password = PasswordField(_l("Uw huidige wachtwoord"), description=_l("Ter bevestiging dat u het zelf bent."),
                             render_kw={"autocomplete": "current-password"})


# --- the JSON steps ----------------------------------------------------------------------------------------------

@bp.route("/passkeys/register/options", methods=["POST"])
@public
def register_options():
    user = _registering_user()
    if user is None:
        return _no_login()
    body = _body()
    try:
        passkeys.clean_passkey_name(body.get("name"))  # a missing name is said before the browser asks anything
        if current_user.is_authenticated:  # a pending user typed the password a minute ago
            passkeys.confirm_password(user, body.get("password"))
        options, session[CEREMONY_KEY] = passkeys.registration_options(user, _relying_party())
    except ServiceError as refused:
        return _problem(refused.status, refused.message, code=refused.code, field=refused.field)
    return jsonify(options)


@bp.route("/passkeys/register", methods=["POST"])
@public
def register():
    user = _registering_user()
    if user is None:
        return _no_login()
    body, state = _body(), session.pop(CEREMONY_KEY, None)
    try:
        passkey = passkeys.finish_registration(user, body.get("credential"), state, body.get("name"),
                                               _relying_party(), actor=user)
    except ServiceError as refused:
        return _problem(refused.status, refused.message, code=refused.code, field=refused.field)
    codes_due = passkeys.recovery_codes_due(user)
    if current_user.is_authenticated:
        continue_url = url_for("auth.account")
    else:  # the first factor of a pending user: the login goes on
        continue_url = login_flow.finish_login(user, login_method="password", second_factor="passkey",
                                               next_url=login_flow.pending_next()).location
    flash(_("De passkey %(name)s is toegevoegd.", name=passkey.name), "success")
    if not codes_due:
        return jsonify(redirect=continue_url)
    # Recovery codes are shown only as the answer to the POST that makes them: passkeys.js posts this form.
    session[CODES_DUE_KEY] = {"user_id": user.id, "continue": continue_url}
    return jsonify(redirect=url_for("auth.passkey_recovery_codes"), method="post", csrfToken=generate_csrf())


@bp.route("/passkeys/recovery-codes", methods=["POST"])
@role_required(*ROLES)
def passkey_recovery_codes():
    """The recovery codes after a passkey was registered, once: only right after `register` said they are due."""
    due = session.pop(CODES_DUE_KEY, None)
    if not isinstance(due, dict) or due.get("user_id") != current_user.id:
        return redirect(url_for("auth.account"))
    continue_url = login_flow.safe_next(due.get("continue"))
    codes = passkeys.issue_recovery_codes(current_user, actor=current_user)
    return recovery_codes_page(codes, continue_url=continue_url) if codes else redirect(continue_url)


@bp.route("/passkeys/login/options", methods=["POST"])
@public
def login_options():
    user = login_flow.pending_user()
    if user is None:
        return _no_login()
    try:
        options, session[CEREMONY_KEY] = passkeys.authentication_options(user, _relying_party())
    except ServiceError as refused:
        return _problem(refused.status, refused.message, code=refused.code)
    return jsonify(options)


@bp.route("/passkeys/login", methods=["POST"])
@public
@limiter.limit(lambda: current_app.config["MFA_RATE_LIMIT"])
def login_with_passkey():
    user = login_flow.pending_user()
    if user is None:
        return _no_login()
    state = session.pop(CEREMONY_KEY, None)
    try:
        passkeys.finish_authentication(user, _body().get("credential"), state, _relying_party())
    except ServiceError as refused:
        return _problem(refused.status, refused.message, code=refused.code)
    done = login_flow.finish_login(user, login_method="password", second_factor="passkey",
                                   next_url=login_flow.pending_next())
    return jsonify(redirect=done.location)


def _registering_user() -> User | None:
    if current_user.is_authenticated:
        return current_user._get_current_object()
    pending = login_flow.pending_user()
    return pending if pending is not None and not second_factor.has_second_factor(pending) else None


def _relying_party() -> passkeys.RelyingParty:
    return passkeys.relying_party(current_app.config, request.host_url)


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _no_login():
    return _problem(401, _("Uw inlogpoging is verlopen of u bent niet ingelogd. Log opnieuw in met uw wachtwoord."),
                    code="no_login")


def _problem(status: int, detail, *, code: str | None = None, field: str | None = None) -> Response:
    """An RFC 9457 problem document, as the API answers (gdt.api.problem), for passkeys.js."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": str(detail)}
    body |= ({"code": code} if code else {}) | ({"invalidParams": [{"name": field, "reason": str(detail)}]}
                                                  if field else {})
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


# --- the account page --------------------------------------------------------------------------------------------

class ListedPasskey(NamedTuple):
    passkey: Passkey
    name_form: PasskeyRenameForm
    remove_form: PasskeyRemoveForm


@bp.app_template_global()
def passkey_section() -> dict:
    """What the account page's "Passkeys" section shows for the logged-in user: each passkey with its forms."""
    listed = [ListedPasskey(passkey, PasskeyRenameForm(prefix=f"passkey-{passkey.id}", formdata=None,
                                                       data={"name": passkey.name}),
                            PasskeyRemoveForm(prefix=f"remove-passkey-{passkey.id}", formdata=None))
              for passkey in passkeys.passkeys_of(current_user)]
    return {"passkeys": listed, "add_form": PasskeyAddForm(prefix="passkey", formdata=None),
            "room": len(listed) < passkeys.MAX_PER_USER, "max": passkeys.MAX_PER_USER,
            "has_password": current_user.password_hash is not None}


@bp.app_template_global()
def pending_user_has_passkeys() -> bool:
    """Whether the second-factor page offers "Inloggen met een passkey" to the pending user."""
    user = login_flow.pending_user()
    return user is not None and passkeys.has_passkeys(user)


@bp.app_template_global()
def passkey_enrolment_form() -> PasskeyNameForm:
    return PasskeyNameForm(prefix="passkey", formdata=None)


@bp.route("/account/passkeys/<int:passkey_id>/name", methods=["POST"])
@role_required(*ROLES)
def rename_passkey(passkey_id: int):
    form = PasskeyRenameForm(prefix=f"passkey-{passkey_id}")
    if form.validate_on_submit():
        _flash_outcome(lambda: passkeys.rename_passkey(current_user, passkey_id, form.name.data,
                                                       actor=current_user),
                       _("De naam van de passkey is gewijzigd."))
    return redirect(url_for("auth.account"))


@bp.route("/account/passkeys/<int:passkey_id>/remove", methods=["POST"])
@role_required(*ROLES)
def remove_passkey(passkey_id: int):
    form = PasskeyRemoveForm(prefix=f"remove-passkey-{passkey_id}")
    if form.validate_on_submit():
        _flash_outcome(lambda: passkeys.remove_passkey(current_user, passkey_id, form.password.data,
                                                       actor=current_user),
                       _("De passkey is verwijderd."))
    return redirect(url_for("auth.account"))


def _flash_outcome(perform, success: str) -> None:
    try:
        perform()
    except ServiceError as refused:
        flash(str(refused.message), "error")
    else:
        flash(success, "success")
