"""The second factor on the pages (README, "Second factor"): the login's second step, enrolling an authenticator
app, recovery codes shown once, the account page's "Tweede factor" section, and the banner when it is switched off.

The pending user (login_flow.pending_user: the password was right minutes ago) is never shown on these pages: no
name, no address. An app being set up keeps its secret in the signed session, encrypted like the stored ones, until
a code confirms it. A logged-in user changes the second factor only after typing the current password again
(docs/decisions/0020-totp-secrets-encrypted-with-the-secret-key.md, "Re-authentication").
"""
import time

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField

from gdt.extensions import limiter
from gdt.models.users import ROLES, User
from gdt.services.core.errors import ServiceError
from gdt.services.identity import second_factor, totp
from gdt.web.access import public, role_required
from gdt.web.auth import bp, login_flow
from gdt.web.forms import show_error
from gdt.web.responses import private

ENROLMENT_KEY = "totp_enrolment"
ENROLMENT_MINUTES = 15
FEW_CODES_LEFT = 3


class CodeForm(FlaskForm):
    code = StringField(_l("Code uit uw authenticator-app"),
                       description=_l("De zes cijfers die uw app nu voor GDT toont."),
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8,
                                  "maxlength": 9, "spellcheck": "false"})


class RecoveryCodeForm(FlaskForm):
    code = StringField(_l("Herstelcode"),
                       description=_l("Een van de codes die u bij het instellen heeft bewaard, zoals abcde-fghjk. "
                                      "Elke code werkt één keer."),
                       render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false",
                                  "size": 14, "maxlength": 20})


class SecondFactorChangeForm(FlaskForm):
    password = PasswordField(_l("Uw huidige wachtwoord"),
                             description=_l("Ter bevestiging dat u het zelf bent."),
                             render_kw={"autocomplete": "current-password"})
    setup = SubmitField()
    recovery_codes = SubmitField()
    remove = SubmitField()


def _ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]  # per client address: as generous as the password step


# --- the login's second step -------------------------------------------------------------------------------------

@bp.route("/login/second-factor", methods=["GET", "POST"], endpoint="second_factor")
@public
@limiter.limit(_ip_limit, methods=["POST"])
def second_factor_step():
    user = login_flow.pending_user()
    if user is None:
        return _login_again()
    if not second_factor.has_second_factor(user):
        return redirect(url_for("auth.mfa_setup"))
    totp_form, recovery_form = CodeForm(prefix="totp"), RecoveryCodeForm(prefix="recovery")
    if "totp-code" in request.form and totp_form.validate_on_submit():
        refused = _attempt(totp_form, lambda: second_factor.verify_totp(user, totp_form.code.data))
        if refused is None:
            return login_flow.finish_login(user, login_method="password", second_factor="totp",
                                           next_url=login_flow.pending_next())
    elif "recovery-code" in request.form and recovery_form.validate_on_submit():
        left = []
        refused = _attempt(recovery_form, lambda: left.append(second_factor.use_recovery_code(
            user, recovery_form.code.data)))
        if refused is None:
            done = login_flow.finish_login(user, login_method="password", second_factor="recovery_code",
                                           next_url=login_flow.pending_next())
            _flash_codes_left(left[0])
            return done
    else:
        refused = None
    page = render_template("auth/second_factor.html", totp_form=totp_form, recovery_form=recovery_form,
                           has_totp=user.totp_enabled_at is not None)
    return private(page), refused or (422 if totp_form.errors or recovery_form.errors else 200)


def _attempt(form: FlaskForm, perform) -> int | None:
    """Run one check; a refusal goes next to the code field. Returns the refusal's status, None when accepted."""
    try:
        perform()
    except ServiceError as refused:
        show_error(form, refused)
        return refused.status
    return None


def _flash_codes_left(left: int) -> None:
    message = ngettext("U bent ingelogd met een herstelcode. U heeft nog %(num)d ongebruikte herstelcode.",
                       "U bent ingelogd met een herstelcode. U heeft nog %(num)d ongebruikte herstelcodes.", left)
    if left <= FEW_CODES_LEFT:
        message += " " + _("Maak nieuwe herstelcodes op uw accountpagina, en stel zo nodig uw app opnieuw in.")
    flash(message, "info")


def _login_again():
    flash(_("Uw inlogpoging is verlopen. Log opnieuw in met uw e-mailadres en wachtwoord."), "info")
    return redirect(url_for("auth.login"))


# --- enrolling an authenticator app ------------------------------------------------------------------------------

@bp.route("/login/second-factor/setup", methods=["GET", "POST"])
@public
@limiter.limit(_ip_limit, methods=["POST"])
def mfa_setup():
    if current_user.is_authenticated:
        user, pending = current_user._get_current_object(), False
        secret = _kept_secret(user)
        if secret is None:  # only after the password on the account page (account_second_factor)
            flash(_("Bevestig eerst met uw wachtwoord dat u de authenticator-app wilt instellen."), "info")
            return redirect(url_for("auth.account", _anchor="tweede-factor"))
    else:
        user, pending = login_flow.pending_user(), True
        if user is None:
            return _login_again()
        if second_factor.has_second_factor(user):
            return redirect(url_for("auth.second_factor"))
        secret = _kept_secret(user) or _keep_secret(user, second_factor.new_secret())
    form = CodeForm(prefix="totp")
    refused = None
    if form.validate_on_submit():
        codes = []
        refused = _attempt(form, lambda: codes.append(second_factor.enrol_totp(user, secret, form.code.data,
                                                                                actor=user)))
        if refused is None:
            return _enrolled(user, pending, codes[0])
    issuer = f"GDT – {current_app.config['MUNICIPALITY_NAME']}"
    uri = totp.provisioning_uri(secret, account=user.email, issuer=issuer)
    page = render_template("auth/mfa_setup.html", form=form, pending=pending, issuer=issuer, account=user.email,
                           secret=totp.grouped(secret), uri=uri,
                           qr=totp.qr_svg(uri, title=_("QR-code voor uw authenticator-app")))
    return private(page, hide_referrer=True), refused or (422 if form.errors else 200)


def _enrolled(user: User, pending: bool, codes: list[str] | None):
    session.pop(ENROLMENT_KEY, None)
    if pending:
        next_url = login_flow.pending_next()
        done = login_flow.finish_login(user, login_method="password", second_factor="totp", next_url=next_url)
        if not codes:
            return done
        return recovery_codes_page(codes, continue_url=done.location, enrolled=True)
    if not codes:
        flash(_("Uw authenticator-app is ingesteld. Vanaf nu vraagt GDT bij het inloggen een code uit deze app."),
              "success")
        return redirect(url_for("auth.account", _anchor="tweede-factor"))
    return recovery_codes_page(codes, continue_url=url_for("auth.account", _anchor="tweede-factor"), enrolled=True)


def _keep_secret(user: User, secret: str) -> str:
    session[ENROLMENT_KEY] = {"user_id": user.id, "at": int(time.time()),
                              "secret": second_factor.encrypt_for_keeping(secret)}
    return secret


def _kept_secret(user: User) -> str | None:
    kept = session.get(ENROLMENT_KEY)
    if not kept or kept.get("user_id") != user.id or time.time() - kept.get("at", 0) > ENROLMENT_MINUTES * 60:
        return None
    try:
        return second_factor.decrypt_kept(kept["secret"])
    except (totp.UnreadableSecret, KeyError, TypeError):
        return None


def recovery_codes_page(codes: list[str], *, continue_url: str, enrolled: bool = False):
    """The only time the codes are shown: the answer to the POST that made them, kept by no cache."""
    page = render_template("auth/recovery_codes.html", codes=codes, continue_url=continue_url, enrolled=enrolled)
    return private(page, hide_referrer=True)


# --- the account page's "Tweede factor" section ------------------------------------------------------------------

@bp.route("/account/second-factor", methods=["POST"])
@role_required(*ROLES)
def account_second_factor():
    from gdt.web.auth.views import account_page

    user = current_user._get_current_object()
    form = g.second_factor_form = SecondFactorChangeForm(prefix="second-factor")
    if not form.validate_on_submit():
        return account_page()[0], 422
    try:
        if form.setup.data:
            second_factor.reauthenticate(user, form.password.data, purpose="enrol_totp")
            _keep_secret(user, second_factor.new_secret())
            return redirect(url_for("auth.mfa_setup"))
        if form.recovery_codes.data:
            codes = second_factor.new_recovery_codes(user, form.password.data, actor=user)
            return recovery_codes_page(codes, continue_url=url_for("auth.account", _anchor="tweede-factor"))
        if form.remove.data:
            second_factor.remove_totp(user, form.password.data, actor=user)
            flash(_("De authenticator-app is verwijderd."), "success")
            return redirect(url_for("auth.account", _anchor="tweede-factor"))
    except ServiceError as refused:
        show_error(form, refused)
        return account_page()[0], refused.status
    return redirect(url_for("auth.account", _anchor="tweede-factor"))


@bp.app_template_global()
def second_factor_section() -> dict:
    """What the account page's "Tweede factor" section shows for the logged-in user, with its form."""
    user = current_user._get_current_object()
    form = g.get("second_factor_form") or SecondFactorChangeForm(prefix="second-factor", formdata=None)
    return {"status": second_factor.status(user), "form": form, "has_password": user.password_hash is not None,
            "required": current_app.config["MFA_REQUIRED"]}


# --- the banner while the second factor is switched off ---------------------------------------------------------

@bp.app_template_global()
def second_factor_notice() -> str | None:
    """"demo" on every page a logged-in user (or someone logging in) sees while MFA_REQUIRED is off outside
    production; "production" on an administrator's pages when production runs with it off; else None."""
    config = current_app.config
    if config["MFA_REQUIRED"]:
        return None
    if config.get("ENVIRONMENT") != "production":
        return "demo" if request.blueprint == "auth" or current_user.is_authenticated else None
    return "production" if current_user.is_authenticated and current_user.role == "admin" else None
