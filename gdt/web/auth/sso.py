"""Single sign-on for staff on the pages (README, "Single sign-on (OpenID Connect)"): the button's start, the
provider's callback, the provider's back-channel logout, and the provider's half of GDT's logout.

The attempt (state, nonce, PKCE verifier, where to go afterwards) waits in the signed session cookie between the
start and the callback; the callback takes it out, so it serves one answer only. An SSO login skips GDT's own second
factor: the provider vouches for it ("provider" when its token shows one, see oidc.MFA_AMR_VALUES).
"""
import json
import urllib.parse

from flask import Response, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from gdt.extensions import csrf, limiter
from gdt.services.core.outbound import OutboundError
from gdt.services.identity import oidc, sso_accounts
from gdt.web.access import public
from gdt.web.auth import bp, login_flow

ATTEMPT_KEY = "sso_attempt"
CALLBACK_PATH = "/login/sso/callback"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def redirect_uri() -> str:
    """The address the provider sends the browser back to; registered at the provider as is."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + CALLBACK_PATH


@bp.route("/login/sso")
@public
@limiter.limit(_login_limit)
def sso_start():
    provider = _provider()
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    try:
        url, attempt = oidc.begin_login(provider, redirect_uri())
    except (OutboundError, oidc.SsoRefused) as failure:
        current_app.logger.warning("identity provider unreachable: %s", getattr(failure, "detail", failure))
        return _refused("provider_unreachable", None, 502, audit=False)
    session[ATTEMPT_KEY] = attempt | {"next": login_flow.safe_next(request.args.get("next"))}
    return redirect(url)


@bp.route(CALLBACK_PATH)
@public
@limiter.limit(_login_limit)
def sso_callback():
    provider = _provider()
    attempt = session.pop(ATTEMPT_KEY, None)
    try:
        identity = oidc.complete_login(provider, attempt, request.args.to_dict(), redirect_uri())
    except oidc.SsoRefused as refused:
        return _refused(refused.code, None, refused.status)
    except OutboundError as failure:
        current_app.logger.warning("identity provider unreachable: %s", failure.detail)
        return _refused("provider_unreachable", None, 502)
    config = current_app.config
    try:
        role_map = sso_accounts.parse_role_map(config["OIDC_ROLE_MAP"])
    except ValueError as wrong:  # production refuses to start with it (gdt.config_check); development says so here
        current_app.logger.error("%s", wrong)
        return _refused("role_map_invalid", None, 503)
    try:
        user = sso_accounts.sign_in(identity, roles_claim=config["OIDC_ROLES_CLAIM"], role_map=role_map,
                                    require_mfa=config["OIDC_REQUIRE_MFA"])
    except oidc.SsoRefused as refused:
        return _refused(refused.code, refused.message, refused.status, audit=False)  # sign_in audited it
    return login_flow.finish_login(user, login_method="sso", second_factor="provider" if identity.shows_mfa else None,
                                   next_url=attempt.get("next"), oidc_sid=identity.claims.get("sid"),
                                   oidc_id_token=identity.id_token)


@bp.route("/oidc/backchannel-logout", methods=["POST"])
@public
@csrf.exempt
def sso_backchannel_logout():
    """The provider tells GDT that a user logged out there: end that user's GDT sessions (200), or 400 with a
    problem document for a token that does not pass."""
    provider = _provider()
    try:
        claims = oidc.verify_logout_token(provider, request.form.get("logout_token", ""))
    except oidc.SsoRefused as refused:
        sso_accounts.audit_backchannel_refusal(refused.code)
        return _problem(400, "invalid_request", f"logout token refused: {refused.code}")
    except OutboundError as failure:
        current_app.logger.warning("identity provider unreachable: %s", failure.detail)
        return _problem(400, "invalid_request", "the provider's keys could not be fetched")
    sso_accounts.end_provider_sessions(claims)
    return Response(status=200, headers={"Cache-Control": "no-store"})


@bp.route("/oidc/frontchannel-logout")
@public
def sso_frontchannel_logout():
    """Front-channel logout (Entra ID): the provider's logout page loads this in a frame with its issuer and the
    session id; the GDT sessions of that provider session end. The cookie is not needed (nor sent, in a frame)."""
    provider = _provider()
    iss, sid = request.args.get("iss", ""), request.args.get("sid", "")
    if sid and iss.rstrip("/") == provider.issuer:
        sso_accounts.end_provider_sessions({"sid": sid}, channel="front")
    origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(provider.issuer))
    policy = f"default-src 'none'; frame-ancestors {origin}"  # only the provider's page may frame it
    return Response("", status=200, headers={"Cache-Control": "no-store", "Content-Security-Policy": policy})


def provider_logout_url(id_token: str | None) -> str | None:
    """For /logout of an SSO session: the provider's end-session page (RP-initiated logout), or None."""
    provider = oidc.settings()
    if provider is None:
        return None
    try:
        return oidc.end_session_url(provider, id_token,
                                    current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("auth.login"))
    except (OutboundError, oidc.SsoRefused) as failure:
        current_app.logger.warning("identity provider unreachable at logout: %s", getattr(failure, "detail", failure))
        return None


def _provider() -> oidc.Settings:
    provider = oidc.settings()
    if provider is None:
        abort(404)
    return provider


def _refused(code: str | None, message, status: int, *, audit: bool = True):
    if audit:
        sso_accounts.audit_protocol_refusal(code)
    return render_template("auth/sso_refused.html", message=message, reason=code,
                           unreachable=code == "provider_unreachable"), status


def _problem(status: int, title: str, detail: str) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return Response(json.dumps(body), status=status, mimetype="application/problem+json",
                    headers={"Cache-Control": "no-store"})
