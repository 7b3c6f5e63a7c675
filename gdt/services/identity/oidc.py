"""OpenID Connect with the municipality's identity provider (README, "Single sign-on (OpenID Connect)").

The protocol side only: the provider's metadata (discovery, cached for DISCOVERY_SECONDS), its signing keys (JWKS,
cached; a token signed with a key id GDT does not know fetches the set again, at most once per
JWKS_REFETCH_SECONDS, so key rotation works and a stream of forged key ids cannot make GDT hammer the provider),
the authorization code flow with PKCE (S256), state and nonce, and the checks on ID tokens and back-channel logout
tokens. What a verified identity means for GDT's accounts is gdt.services.identity.sso_accounts.

Calls to the provider go through gdt.services.core.outbound (timeout OIDC_TIMEOUT, bounded size, no redirects,
the checked address pinned) with a policy of their own: any address, because the provider is configured by the
operator, not typed by a user, and an on-premises ADFS or Keycloak usually lives on an internal network that
partner webhooks must never reach (docs/decisions/0021-single-sign-on.md). Plain http only when the issuer itself
is http (development and tests; production refuses such an issuer at start-up).
"""
import ipaddress
import json
import secrets
import threading
import time
import urllib.parse
from base64 import b64encode
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import current_app
from flask_babel import lazy_gettext as _l
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gdt.services.core import outbound
from gdt.services.core.errors import ServiceError

DISCOVERY_SECONDS = 3600
JWKS_SECONDS = 3600
JWKS_REFETCH_SECONDS = 30  # an unknown key id fetches the key set again at most this often
ATTEMPT_SECONDS = 600  # from the button to the callback: longer than any real login at the provider
MAX_TOKEN_AGE_SECONDS = 600  # an ID or logout token issued longer ago than this (plus the clock skew) is refused
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# What counts as a second factor (README): amr values (RFC 8176, plus Entra ID's "ngcmfa" for Windows Hello for
# Business and "fido" for security keys) and acr values that promise more than one factor.
MFA_AMR_VALUES = frozenset({"mfa", "ngcmfa", "otp", "hwk", "swk", "sc", "fido"})
MFA_ACR_VALUES = frozenset({
    "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
    "http://eidas.europa.eu/LoA/substantial", "http://eidas.europa.eu/LoA/high",
})
_ANY_ADDRESS = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))


class SsoRefused(ServiceError):
    """The login or logout did not pass; `code` is the reason written to the audit log (never a token)."""

    def __init__(self, code: str, message=None, *, status: int = 400):
        super().__init__(message or _l("Inloggen via de inlogdienst van uw organisatie is niet gelukt. "
                                       "Probeer het opnieuw."), code=code)
        self.status = status


@dataclass(frozen=True)
class Settings:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    clock_skew: int
    timeout: float


def settings() -> Settings | None:
    """The OIDC_* settings of the current app, or None when single sign-on is off (OIDC_ISSUER empty)."""
    config = current_app.config
    if not config.get("OIDC_ISSUER"):
        return None
    return Settings(config["OIDC_ISSUER"].rstrip("/"), config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"],
                    config["OIDC_SCOPES"], int(config["OIDC_CLOCK_SKEW_SECONDS"]), float(config["OIDC_TIMEOUT"]))


# --- talking to the provider -------------------------------------------------------------------------------------

_lock = threading.Lock()
_discovery: dict[str, tuple[float, dict]] = {}
_keys: dict[str, dict[str, Any]] = {}


def metadata(provider: Settings) -> dict:
    """The provider's discovery document, fetched at most once per DISCOVERY_SECONDS."""
    with _lock:
        cached = _discovery.get(provider.issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_SECONDS:
        return cached[1]
    document = _get_json(provider, f"{provider.issuer}/.well-known/openid-configuration")
    if document.get("issuer", "").rstrip("/") != provider.issuer:
        raise SsoRefused("discovery_issuer_mismatch", status=502)
    with _lock:
        _discovery[provider.issuer] = (time.monotonic(), document)
    return document


def _signing_key(provider: Settings, kid: str | None, alg: str):
    """The provider's key for `kid`; an unknown kid fetches the key set again (rate-bounded) before giving up."""
    uri = metadata(provider)["jwks_uri"]
    with _lock:
        entry = _keys.setdefault(uri, {"at": 0.0, "refetched": 0.0, "set": None})
    if entry["set"] is None or time.monotonic() - entry["at"] > JWKS_SECONDS:
        _fetch_keys(provider, uri, entry)
    key = _find_key(entry["set"], kid, alg)
    if key is None and time.monotonic() - entry["refetched"] > JWKS_REFETCH_SECONDS:
        entry["refetched"] = time.monotonic()
        _fetch_keys(provider, uri, entry)
        key = _find_key(entry["set"], kid, alg)
    if key is None:
        raise SsoRefused("unknown_signing_key")
    return key


def _fetch_keys(provider: Settings, uri: str, entry: dict) -> None:
    try:
        key_set = KeySet.import_key_set(_get_json(provider, uri))
    except (ValueError, TypeError, KeyError, JoseError) as error:
        raise SsoRefused("jwks_unreadable", status=502) from error
    with _lock:
        entry.update(at=time.monotonic(), set=key_set)


def _find_key(key_set: KeySet, kid: str | None, alg: str):
    usable = [key for key in key_set.keys if key.get("use") in (None, "sig") and key.get("alg") in (None, alg)]
    if kid is None:
        return usable[0] if len(usable) == 1 else None
    return next((key for key in usable if key.kid == kid), None)


def _get_json(provider: Settings, url: str) -> dict:
    return _answer_json(outbound.request("GET", url, headers={"Accept": "application/json"},
                                         timeout=provider.timeout, policy=_policy(provider)))


def _answer_json(response: outbound.Response) -> dict:
    if response.status != 200:
        raise outbound.OutboundError(f"provider answered {response.status}")
    try:
        document = json.loads(response.body)
    except ValueError as error:
        raise outbound.OutboundError("provider answered no JSON") from error
    if not isinstance(document, dict):
        raise outbound.OutboundError("provider answered no JSON object")
    return document


def _policy(provider: Settings) -> outbound.Policy:
    return outbound.Policy(allow_http=provider.issuer.startswith("http://"), networks=_ANY_ADDRESS)


def forget_cached() -> None:
    """Drop the cached metadata and keys: the next login fetches them again."""
    with _lock:
        _discovery.clear()
        _keys.clear()


# --- the authorization code flow ---------------------------------------------------------------------------------

def begin_login(provider: Settings, redirect_uri: str) -> tuple[str, dict]:
    """The provider's authorization URL and the attempt to keep (state, nonce, PKCE verifier) until the callback."""
    attempt = {"state": secrets.token_urlsafe(32), "nonce": secrets.token_urlsafe(32),
               "verifier": secrets.token_urlsafe(64), "at": int(time.time())}
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": provider.client_id, "redirect_uri": redirect_uri,
        "scope": provider.scopes, "state": attempt["state"], "nonce": attempt["nonce"],
        "code_challenge": create_s256_code_challenge(attempt["verifier"]), "code_challenge_method": "S256",
    })
    endpoint = metadata(provider)["authorization_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", attempt


@dataclass(frozen=True)
class Identity:
    """A verified ID token: its claims and the token itself (kept for RP-initiated logout)."""
    claims: dict
    id_token: str

    @property
    def shows_mfa(self) -> bool:
        return shows_mfa(self.claims)


def complete_login(provider: Settings, attempt: dict | None, answer: dict, redirect_uri: str) -> Identity:
    """Check the provider's answer on the callback against the attempt, redeem the code, verify the ID token."""
    if not attempt or time.time() - attempt.get("at", 0) > ATTEMPT_SECONDS:
        raise SsoRefused("no_login_attempt")
    if not secrets.compare_digest(str(answer.get("state", "")), attempt["state"]):
        raise SsoRefused("state_mismatch")
    if answer.get("error"):
        raise SsoRefused("provider_error")
    if not answer.get("code"):
        raise SsoRefused("no_code")
    raw = _redeem_code(provider, answer["code"], attempt["verifier"], redirect_uri)
    claims = verify_token(provider, raw, require_exp=True)
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SsoRefused("no_subject")
    if not secrets.compare_digest(str(claims.get("nonce", "")), attempt["nonce"]):
        raise SsoRefused("nonce_mismatch")
    return Identity(claims, raw)


def _redeem_code(provider: Settings, code: str, verifier: str, redirect_uri: str) -> str:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    methods = metadata(provider).get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" in methods:
        quote = urllib.parse.quote  # RFC 6749 2.3.1: form-encoded before joining
        pair = f"{quote(provider.client_id, safe='')}:{quote(provider.client_secret, safe='')}"
        headers["Authorization"] = f"Basic {b64encode(pair.encode()).decode()}"
    else:
        form |= {"client_id": provider.client_id, "client_secret": provider.client_secret}
    response = outbound.request("POST", metadata(provider)["token_endpoint"], headers=headers,
                                body=urllib.parse.urlencode(form).encode(), timeout=provider.timeout,
                                policy=_policy(provider))
    if response.status != 200:
        raise SsoRefused("code_refused")
    id_token = _answer_json(response).get("id_token")
    if not isinstance(id_token, str):
        raise SsoRefused("no_id_token")
    return id_token


# --- tokens ------------------------------------------------------------------------------------------------------

def verify_token(provider: Settings, raw: str, *, require_exp: bool = False) -> dict:
    """The claims of a JWT the provider signed for GDT: signature (JWKS), iss, aud (and azp), exp, iat.

    An ID token must carry exp (`require_exp`); a logout token is checked on it only when it has one."""
    try:
        header = jws.extract_compact(raw.encode()).headers()
    except (JoseError, ValueError, UnicodeError) as error:
        raise SsoRefused("token_unreadable") from error
    alg = header.get("alg")
    if alg not in SIGNING_ALGORITHMS:
        raise SsoRefused("token_algorithm")
    key = _signing_key(provider, header.get("kid"), alg)
    try:
        claims = jwt.decode(raw, key, algorithms=[alg]).claims
    except JoseError as error:
        raise SsoRefused("bad_signature") from error
    _check_claims(provider, claims, require_exp)
    return claims


def _check_claims(provider: Settings, claims: dict, require_exp: bool) -> None:
    now, skew = time.time(), provider.clock_skew
    if claims.get("iss") != provider.issuer and str(claims.get("iss", "")).rstrip("/") != provider.issuer:
        raise SsoRefused("wrong_issuer")
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences if isinstance(audiences, list) else []
    if provider.client_id not in audiences:
        raise SsoRefused("wrong_audience")
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise SsoRefused("wrong_authorized_party")
    if "azp" in claims and claims["azp"] != provider.client_id:
        raise SsoRefused("wrong_authorized_party")
    exp = claims.get("exp")
    if (exp is not None or require_exp) and (not isinstance(exp, int | float) or exp <= now - skew):
        raise SsoRefused("expired")
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or iat > now + skew or iat < now - MAX_TOKEN_AGE_SECONDS - skew:
        raise SsoRefused("bad_issued_at")


def shows_mfa(claims: dict) -> bool:
    """The token says the user proved a second factor at the provider (MFA_AMR_VALUES, MFA_ACR_VALUES)."""
    amr = claims.get("amr")
    methods = {amr} if isinstance(amr, str) else set(amr) if isinstance(amr, list) else set()
    return bool(methods & MFA_AMR_VALUES) or claims.get("acr") in MFA_ACR_VALUES


def verify_logout_token(provider: Settings, raw: str) -> dict:
    """The claims of a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6)."""
    claims = verify_token(provider, raw)
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_EVENT), dict):
        raise SsoRefused("not_a_logout_token")
    if "nonce" in claims:
        raise SsoRefused("logout_token_with_nonce")
    if not (isinstance(claims.get("sid"), str) and claims["sid"]) and \
            not (isinstance(claims.get("sub"), str) and claims["sub"]):
        raise SsoRefused("logout_token_without_sid_or_sub")
    return claims


def end_session_url(provider: Settings, id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to log out at the provider too, or None when the provider offers no such page."""
    endpoint = metadata(provider).get("end_session_endpoint")
    if not endpoint:
        return None
    query = {"client_id": provider.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urllib.parse.urlencode(query)}"
