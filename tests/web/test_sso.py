"""Single sign-on against a real local OpenID provider over HTTP (tests/support/oidc_provider.py): the code flow
with PKCE, state and nonce, the ID token's checks, just-in-time accounts and their roles, back-channel and
RP-initiated logout."""
import json
import time
import urllib.parse

import pytest
import requests
import sqlalchemy as sa

from gdt.models import AuditEvent, User, UserSession
from gdt.services.identity import oidc
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider

ROLE_MAP = {"gdt-intake": "intake", "gdt-coordinator": "coordinator", "gdt-manager": "manager",
            "gdt-admin": "admin"}
SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_MAP", "OIDC_ROLES_CLAIM",
            "OIDC_REQUIRE_MFA", "OIDC_LABEL")


@pytest.fixture
def provider(app):
    server = OidcProvider().start()
    saved = {name: app.config[name] for name in SETTINGS}
    app.config.update(OIDC_ISSUER=server.issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
                      OIDC_ROLE_MAP=json.dumps(ROLE_MAP), OIDC_ROLES_CLAIM="roles", OIDC_REQUIRE_MFA=True,
                      OIDC_LABEL="Inloggen met je gemeente-account")
    yield server
    app.config.update(saved)
    oidc.forget_cached()
    server.stop()


def _sso_login(app, provider, client=None, *, next_url=None, tamper=None, **claims):
    """The browser's trip: GDT's button, the provider's authorize (real HTTP), back to GDT's callback."""
    client = client or app.test_client()
    provider.next_login(**claims)
    start = client.get("/login/sso" + (f"?next={urllib.parse.quote(next_url)}" if next_url else ""))
    assert start.status_code == 302, start.text
    at_provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urllib.parse.urlsplit(at_provider.headers["Location"])
    assert back.path == "/login/sso/callback"
    query = dict(urllib.parse.parse_qsl(back.query))
    if tamper:
        query = tamper(query)
    return client, client.get(f"{back.path}?{urllib.parse.urlencode(query)}")


def _users(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def _sessions(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(UserSession))


def _denials(db) -> list:
    return db.session.execute(sa.select(AuditEvent.detail).where(
        AuditEvent.action == "sso_login", AuditEvent.outcome == "denied")).scalars().all()


def _assert_anonymous(client):
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- happy paths -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["intake", "coordinator", "manager", "admin"])
def test_first_login_creates_the_user_with_the_mapped_role(app, db, provider, role):
    client, response = _sso_login(app, provider, sub=f"sub-{role}", email=f"{role}@gemeente.test",
                                  roles=[f"gdt-{role}", "some-other-group"], sid=f"sid-{role}")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = db.session.scalar(sa.select(User).where(User.oidc_subject == f"sub-{role}"))
    assert (user.email, user.name, user.role, user.password_hash) == (f"{role}@gemeente.test", "Mira Medewerker",
                                                                      role, None)
    stored = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    assert (stored.login_method, stored.second_factor, stored.oidc_sid) == ("sso", "provider", f"sid-{role}")
    assert stored.oidc_id_token == provider.issued_id_tokens[-1]
    assert client.get("/account").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sso_login"))
    assert event.outcome == "ok" and event.actor_id == user.id and event.detail["created"] is True
    assert "eyJ" not in json.dumps(event.detail)  # never a token


def test_the_flow_uses_pkce_state_and_nonce(app, db, provider):
    client = app.test_client()
    provider.next_login()
    start = client.get("/login/sso?next=/cases")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start.headers["Location"]).query))
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"] and query["scope"] == "openid email profile"
    assert query["redirect_uri"] == app.config["PUBLIC_BASE_URL"] + "/login/sso/callback"
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=5).headers["Location"]
    response = client.get(back.removeprefix(app.config["PUBLIC_BASE_URL"]))
    assert response.headers["Location"] == "/cases"  # where the user was heading


def test_the_provider_without_mfa_is_allowed_when_not_required_and_counts_no_factor(app, db, provider):
    app.config["OIDC_REQUIRE_MFA"] = False
    _, response = _sso_login(app, provider, amr=["pwd"])
    assert response.status_code == 302
    assert db.session.scalar(sa.select(UserSession.second_factor)) is None


def test_groups_claim_for_keycloak(app, db, provider):
    app.config["OIDC_ROLES_CLAIM"] = "groups"
    _, response = _sso_login(app, provider, roles=["gdt-manager"], acr=None, amr=["otp"])
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.role).where(User.oidc_subject == "subject-1")) == "manager"


# --- refusals: account -------------------------------------------------------------------------------------------

def test_an_unknown_group_is_refused_in_dutch_and_nothing_is_created(app, db, provider):
    users, sessions = _users(db), _sessions(db)
    client, response = _sso_login(app, provider, roles=["finance"])
    assert response.status_code == 403
    assert "geen rol in GDT" in response.text and "no_role" in response.text
    assert (_users(db), _sessions(db)) == (users, sessions)
    assert _denials(db) == [{"reason": "no_role"}]
    _assert_anonymous(client)


def test_amr_without_a_second_factor_is_refused_when_mfa_is_required(app, db, provider):
    users = _users(db)
    client, response = _sso_login(app, provider, amr=["pwd"])
    assert response.status_code == 403 and "tweede factor" in response.text
    assert _users(db) == users and _sessions(db) == 0
    assert _denials(db) == [{"reason": "no_mfa"}]
    _assert_anonymous(client)


def test_a_deactivated_user_stays_out_whatever_the_provider_says(app, db, make, provider):
    make.user("coordinator", email="oud@gemeente.test", oidc_subject="subject-9", is_active=False)
    client, response = _sso_login(app, provider, sub="subject-9", email="oud@gemeente.test", roles=["gdt-admin"])
    assert response.status_code == 403 and "niet actief" in response.text
    assert db.session.scalar(sa.select(User.role).where(User.oidc_subject == "subject-9")) == "coordinator"
    assert _sessions(db) == 0
    _assert_anonymous(client)


def test_a_partner_account_never_logs_in_through_sso(app, db, make, provider):
    make.user("partner", email="agent@politie.test")
    _, response = _sso_login(app, provider, email="agent@politie.test", email_verified=True)
    assert response.status_code == 403 and "ketenpartner" in response.text.lower()
    assert _sessions(db) == 0


def test_a_password_login_of_an_sso_account_gets_the_usual_refusal(app, db, provider):
    _sso_login(app, provider)
    response = app.test_client().post("/login", data={"email": "medewerker@gemeente.test", "password": "x" * 14})
    assert response.status_code == 422 and "kennen we niet" in response.text


# --- account matching and roles between logins -------------------------------------------------------------------

def test_an_existing_account_is_matched_by_verified_email_once_and_then_by_subject(app, db, make, provider):
    existing = make.user("intake", email="medewerker@gemeente.test")
    _, response = _sso_login(app, provider, email="Medewerker@Gemeente.test", email_verified=True,
                             roles=["gdt-intake"])
    assert response.status_code == 302
    assert existing.oidc_subject == "subject-1" and _users(db) == 1
    _, response = _sso_login(app, provider, email="nieuw-adres@gemeente.test", roles=["gdt-intake"])
    assert response.status_code == 302 and _users(db) == 1


def test_an_unverified_address_that_differs_in_spelling_is_not_matched_nor_duplicated(app, db, make, provider):
    make.user("intake", email="medewerker@gemeente.test")
    _, response = _sso_login(app, provider, email="Medewerker@gemeente.test", roles=["gdt-intake"])
    assert response.status_code == 403 and "koppelen" in response.text
    _, response = _sso_login(app, provider, email="medewerker@gemeente.test", email_verified=False)
    assert response.status_code == 403
    assert _users(db) == 1 and _sessions(db) == 0
    assert [denial["reason"] for denial in _denials(db)] == ["email_not_matched", "email_not_matched"]


def test_an_account_with_another_subject_is_not_taken_over_by_email(app, db, make, provider):
    make.user("admin", email="medewerker@gemeente.test", oidc_subject="someone-else")
    _, response = _sso_login(app, provider, email="medewerker@gemeente.test", email_verified=True)
    assert response.status_code == 403 and _sessions(db) == 0


def test_the_role_is_reread_at_every_login_and_a_change_is_audited(app, db, provider):
    _sso_login(app, provider, roles=["gdt-coordinator"])
    _, response = _sso_login(app, provider, roles=["gdt-manager"])
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.role).where(User.oidc_subject == "subject-1")) == "manager"
    change = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sso_role_change"))
    assert change.detail == {"from": "coordinator", "to": "manager"}


def test_several_mapped_roles_give_the_most_privileged(app, db, provider):
    _sso_login(app, provider, roles=["gdt-intake", "gdt-admin", "gdt-manager"])
    assert db.session.scalar(sa.select(User.role)) == "admin"


# --- refusals: protocol ------------------------------------------------------------------------------------------

def _refused_without_trace(db, client, response, users, reason):
    assert response.status_code in (400, 403), response.text
    assert "Inloggen niet gelukt" in response.text
    assert _users(db) == users and _sessions(db) == 0
    assert _denials(db)[-1] == {"reason": reason}
    _assert_anonymous(client)


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"nonce": "another-nonce"}, "nonce_mismatch"),
    ({"aud": "another-client"}, "wrong_audience"),
    ({"aud": [CLIENT_ID, "another-client"]}, "wrong_authorized_party"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 3900}, "expired"),
    ({"iat": int(time.time()) + 3600}, "bad_issued_at"),
    ({"iss": "https://evil.example"}, "wrong_issuer"),
])
def test_an_id_token_that_fails_a_check_is_refused(app, db, provider, overrides, reason):
    users = _users(db)
    provider.id_token_overrides = overrides
    client, response = _sso_login(app, provider)
    _refused_without_trace(db, client, response, users, reason)


def test_an_expired_token_within_the_clock_skew_passes(app, db, provider):
    provider.id_token_overrides = {"exp": int(time.time()) - 30}
    _, response = _sso_login(app, provider)
    assert response.status_code == 302


def test_a_bad_signature_is_refused(app, db, provider):
    users = _users(db)
    provider.id_token_overrides = {"key": provider.forger_key}  # same kid as the published key, another key
    client, response = _sso_login(app, provider)
    _refused_without_trace(db, client, response, users, "bad_signature")


def test_a_state_mismatch_is_refused(app, db, provider):
    users = _users(db)
    client, response = _sso_login(app, provider, tamper=lambda query: query | {"state": "forged"})
    _refused_without_trace(db, client, response, users, "state_mismatch")
    assert provider.count("/token") == 0  # the code was never redeemed


def test_a_replayed_code_is_refused(app, db, provider):
    captured = {}
    first, response = _sso_login(app, provider, tamper=lambda query: captured.update(query) or query)
    assert response.status_code == 302
    users, sessions = _users(db), _sessions(db)
    attacker = app.test_client()
    attacker.get("/login/sso")  # an attempt of its own, so the state cannot match: replayed with the old state
    response = attacker.get(f"/login/sso/callback?{urllib.parse.urlencode(captured)}")
    assert response.status_code == 400 and _sessions(db) == sessions and _users(db) == users
    # the same browser replaying its own callback has no attempt left to match
    response = first.get(f"/login/sso/callback?{urllib.parse.urlencode(captured)}")
    assert response.status_code == 400 and _sessions(db) == sessions


def test_a_replayed_code_with_a_fresh_matching_state_is_refused_by_the_provider(app, db, provider):
    captured = {}
    _sso_login(app, provider, tamper=lambda query: captured.update(query) or query)
    client = app.test_client()
    start = client.get("/login/sso")
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start.headers["Location"]).query))["state"]
    sessions = _sessions(db)
    response = client.get(f"/login/sso/callback?{urllib.parse.urlencode({'code': captured['code'], 'state': state})}")
    assert response.status_code == 400 and _sessions(db) == sessions
    assert _denials(db)[-1] == {"reason": "code_refused"}


def test_a_callback_without_a_started_login_is_refused(app, db, provider):
    response = app.test_client().get("/login/sso/callback?code=abc&state=def")
    assert response.status_code == 400 and _denials(db) == [{"reason": "no_login_attempt"}]


# --- keys ------------------------------------------------------------------------------------------------------

def test_key_rotation_fetches_the_key_set_again_once(app, db, provider):
    assert _sso_login(app, provider)[1].status_code == 302
    assert provider.count("/jwks") == 1
    provider.rotate()
    _, response = _sso_login(app, provider)
    assert response.status_code == 302
    assert provider.count("/jwks") == 2
    assert _sso_login(app, provider)[1].status_code == 302
    assert provider.count("/jwks") == 2 and provider.count("/.well-known/openid-configuration") == 1


def test_unknown_key_ids_do_not_make_gdt_hammer_the_provider(app, db, provider):
    assert _sso_login(app, provider)[1].status_code == 302
    for attempt in range(3):
        token = provider.sign({"iss": provider.issuer}, header={"kid": f"unknown-{attempt}"})
        with app.test_request_context(), pytest.raises(oidc.SsoRefused) as refused:
            oidc.verify_token(oidc.settings(), token)
        assert refused.value.code == "unknown_signing_key"
    assert provider.count("/jwks") == 2  # one refetch for the first unknown kid, none for the next ones


# --- logout ------------------------------------------------------------------------------------------------------

def test_back_channel_logout_by_sid_ends_the_captured_session(app, db, provider):
    client, _ = _sso_login(app, provider, sid="provider-session-7")
    other, _ = _sso_login(app, provider, sub="subject-2", email="ander@gemeente.test", sid="provider-session-8")
    captured = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    response = provider.send_backchannel_logout(app.test_client(), provider.logout_token(sid="provider-session-7"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], captured)
    _assert_anonymous(thief)
    _assert_anonymous(client)
    assert other.get("/account").status_code == 200
    ended = db.session.scalar(sa.select(UserSession).where(UserSession.oidc_sid == "provider-session-7"))
    assert ended.end_reason == "backchannel_logout"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sso_backchannel_logout"))
    assert event.outcome == "ok" and event.detail == {"sessions": 1, "by": "sid"}


def test_back_channel_logout_by_subject_ends_every_session_of_the_user(app, db, provider):
    first, _ = _sso_login(app, provider, sid="a")
    second, _ = _sso_login(app, provider, sid="b")
    response = provider.send_backchannel_logout(app.test_client(), provider.logout_token(sub="subject-1"))
    assert response.status_code == 200
    _assert_anonymous(first)
    _assert_anonymous(second)


@pytest.mark.parametrize(("change", "reason"), [
    ({"events": None}, "not_a_logout_token"),
    ({"nonce": "n"}, "logout_token_with_nonce"),
    ({"sid": None, "sub": None}, "logout_token_without_sid_or_sub"),
    ({"aud": "another-client"}, "wrong_audience"),
    ({"iss": "https://evil.example"}, "wrong_issuer"),
    ({"iat": int(time.time()) - 7200, "exp": None}, "bad_issued_at"),
    ({"key": "forger"}, "bad_signature"),
])
def test_a_bad_logout_token_gets_400_problem_json_and_ends_nothing(app, db, provider, change, reason):
    client, _ = _sso_login(app, provider, sid="provider-session-1")
    if change.get("key") == "forger":
        change = {"key": provider.forger_key}
    token = provider.logout_token(sid=change.pop("sid", "provider-session-1"), **change)
    response = provider.send_backchannel_logout(app.test_client(), token)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert reason in response.json["detail"]
    assert client.get("/account").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sso_backchannel_logout"))
    assert event.outcome == "denied" and event.detail == {"reason": reason}


def test_back_channel_logout_needs_no_csrf_token(app, db, provider):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client, _ = _sso_login(app, provider)
        response = provider.send_backchannel_logout(app.test_client(), provider.logout_token(sid="provider-session-1"))
        assert response.status_code == 200
        _assert_anonymous(client)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_logout_of_an_sso_session_redirects_to_the_provider_with_id_token_hint(app, db, provider):
    client, _ = _sso_login(app, provider)
    id_token = provider.issued_id_tokens[-1]
    response = client.post("/logout")
    location = urllib.parse.urlsplit(response.headers["Location"])
    assert response.status_code == 302 and f"{location.scheme}://{location.netloc}{location.path}" == \
        f"{provider.issuer}/logout"
    query = dict(urllib.parse.parse_qsl(location.query))
    assert query == {"id_token_hint": id_token, "client_id": CLIENT_ID,
                     "post_logout_redirect_uri": app.config["PUBLIC_BASE_URL"] + "/login"}
    _assert_anonymous(client)
    back = requests.get(response.headers["Location"], allow_redirects=False, timeout=5)
    assert back.headers["Location"] == app.config["PUBLIC_BASE_URL"] + "/login"


def test_logout_of_a_password_session_stays_in_gdt(app, db, make, provider):
    from tests.factories import PASSWORD
    user = make.user("coordinator")
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.post("/logout").headers["Location"] == "/login"


def test_logout_without_an_end_session_endpoint_stays_in_gdt(app, db, provider):
    provider.end_session = False
    client, _ = _sso_login(app, provider)
    assert client.post("/logout").headers["Location"] == "/login"


# --- the login page ----------------------------------------------------------------------------------------------

def test_the_login_page_shows_the_sso_button_only_when_configured(app, db, provider):
    page = app.test_client().get("/login?next=/cases").text
    assert "Inloggen met je gemeente-account" in page and "/login/sso?next=/cases" in page
    assert "Medewerkers van de gemeente" in page and "Ketenpartners en andere accounts" in page
    app.config["OIDC_ISSUER"] = ""
    page = app.test_client().get("/login").text
    assert "/login/sso" not in page and "Ketenpartners" not in page
    assert app.test_client().get("/login/sso").status_code == 404


def test_an_unreachable_provider_gives_a_page_not_an_error(app, db, provider):
    provider.stop()
    response = app.test_client().get("/login/sso")
    assert response.status_code == 502 and "niet bereikbaar" in response.text


def test_front_channel_logout_ends_the_sessions_of_the_provider_session(app, db, provider):
    client, _ = _sso_login(app, provider, sid="entra-session")
    other, _ = _sso_login(app, provider, sub="subject-2", email="ander@gemeente.test", sid="other-session")
    frame = app.test_client()  # the provider's logout page loads the URL in a frame: no GDT cookie comes along
    query = urllib.parse.urlencode({"iss": provider.issuer, "sid": "entra-session"})
    response = frame.get(f"/oidc/frontchannel-logout?{query}")
    assert response.status_code == 200
    assert f"frame-ancestors {provider.issuer}" in response.headers["Content-Security-Policy"]
    _assert_anonymous(client)
    assert other.get("/account").status_code == 200
    ended = db.session.scalar(sa.select(UserSession).where(UserSession.oidc_sid == "entra-session"))
    assert ended.end_reason == "provider_logout"
    assert db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.action == "sso_frontchannel_logout")) == \
        {"sessions": 1, "by": "sid"}


def test_front_channel_logout_from_another_issuer_ends_nothing(app, db, provider):
    client, _ = _sso_login(app, provider, sid="entra-session")
    query = urllib.parse.urlencode({"iss": "https://evil.example", "sid": "entra-session"})
    assert app.test_client().get(f"/oidc/frontchannel-logout?{query}").status_code == 200
    assert client.get("/account").status_code == 200


def test_pages_let_the_logout_form_end_at_the_provider_only_when_configured(app, db, provider):
    policy = app.test_client().get("/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer};" in policy
    app.config["OIDC_ISSUER"] = ""
    assert "form-action 'self';" in app.test_client().get("/login").headers["Content-Security-Policy"]


def test_without_an_email_claim_the_account_takes_preferred_username_but_links_nothing(app, db, make, provider):
    _, response = _sso_login(app, provider, email=None, preferred_username="Nieuw.Lid@Gemeente.test")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.email).where(User.oidc_subject == "subject-1")) == "nieuw.lid@gemeente.test"
    make.user("intake", email="bestaand@gemeente.test")
    _, response = _sso_login(app, provider, sub="subject-2", email=None, preferred_username="bestaand@gemeente.test")
    assert response.status_code == 403 and _denials(db)[-1] == {"reason": "email_not_matched"}
    _, response = _sso_login(app, provider, sub="subject-3", email=None, preferred_username=None)
    assert response.status_code == 403 and _denials(db)[-1] == {"reason": "no_email"}
