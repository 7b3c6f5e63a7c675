"""Login, logout, the user's own account page (API tokens) and the language switch."""
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from gdt.extensions import limiter
from gdt.models.users import ROLES
from gdt.services.core import auth, tokens
from gdt.services.core.errors import ServiceError
from gdt.services.identity import second_factor
from gdt.web.access import public, role_required
from gdt.web.auth import bp, login_flow, sessions, sso
from gdt.web.auth.forms import LanguageForm, LoginForm, LogoutForm, RevokeTokenForm
from gdt.web.forms import form_page, show_error, submit


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    sessions.explain_ended_session()  # "U bent automatisch uitgelogd …" after an idle or absolute end
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = auth.authenticate(form.email.data, form.password.data)
        except auth.LoginThrottled as refused:
            show_error(form, refused)
            return form_page("auth/login.html", form=form)[0], 429
        if user is not None:
            if second_factor.needs_second_factor(user):
                return login_flow.begin_second_factor(user, request.args.get("next"))
            return login_flow.finish_login(user, login_method="password", next_url=request.args.get("next"))
        show_error(form, ServiceError(_("Deze combinatie van e-mailadres en wachtwoord kennen we niet, "
                                        "of het account is niet actief.")))
    return form_page("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@role_required(*ROLES)
def logout():
    if LogoutForm().validate_on_submit():
        ended = auth.live_session(current_user.login_token)
        provider_logout = sso.provider_logout_url(ended.oidc_id_token) \
            if ended is not None and ended.login_method == "sso" else None
        auth.end_session(current_user.login_token, actor=current_user)
        logout_user()
        session.clear()
        flash(_("U bent uitgelogd."), "success")
        if provider_logout:  # RP-initiated logout: the provider ends its session too and sends the user back here
            return redirect(provider_logout)
    return redirect(url_for("auth.login"))


@bp.route("/account")
@role_required(*ROLES)
def account():
    return account_page()


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required(*ROLES)
def revoke_token(token_id: int):
    form = RevokeTokenForm(prefix="revoke")
    done = submit(form, lambda: tokens.revoke_user_token(current_user, token_id, actor=current_user),
                  success=_("Het API-token is ingetrokken."), next_url=url_for("auth.account"))
    return done or account_page(form)


def account_page(revoke_form: RevokeTokenForm | None = None):
    return form_page("auth/account.html", tokens=tokens.tokens_of(current_user),
                     revoke_form=revoke_form or RevokeTokenForm(prefix="revoke", formdata=None),
                     revoke_url=lambda token: url_for("auth.revoke_token", token_id=token.id))


@bp.route("/language", methods=["POST"])
@public
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
    return redirect(login_flow.safe_next(request.form.get("next")))
