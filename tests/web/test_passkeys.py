"""Passkeys on the pages: the JSON steps of registering and logging in, and the account page's section."""
import re
import time

import pytest
import sqlalchemy as sa
from flask import render_template

from gdt.models import AuditEvent, Passkey, RecoveryCode, UserSession
from gdt.services.identity import passkeys
from gdt.web.auth import login_flow
from tests.apps import own_app
from tests.factories import PASSWORD
from tests.support.webauthn_authenticator import SoftAuthenticator, b64url

ORIGIN = "http://localhost"  # the test client's host: the relying party outside production
RP = passkeys.RelyingParty("localhost", "GDT", ORIGIN)


def pending_client(app, user, next_url="/cases"):
    """A browser whose password step for `user` was right: pending, no session yet."""
    client = app.test_client()
    with client.session_transaction() as session:
        session[login_flow.PENDING_KEY] = {"user_id": user.id, "at": int(time.time()), "next": next_url}
    return client


def registered(user, authenticator=None, name="Telefoon"):
    authenticator = authenticator or SoftAuthenticator()
    options, state = passkeys.registration_options(user, RP)
    passkeys.finish_registration(user, authenticator.create(options, ORIGIN), state, name, RP, actor=user)
    return authenticator


def log_in_with(client, authenticator, **answer):
    options = client.post("/passkeys/login/options", json={}).json
    return client.post("/passkeys/login", json={"credential": authenticator.get(options, ORIGIN, **answer)})


def denied_reasons(db, action):
    return [event.detail.get("reason") for event in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.outcome == "denied")
        .order_by(AuditEvent.id))]


def assert_problem(response, status, code):
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == status and response.json["code"] == code
    assert response.json["detail"]  # a Dutch sentence passkeys.js shows as it is


def test_without_a_pending_login_the_steps_are_refused(app, db, make):
    user = make.user()
    registered(user)
    client = app.test_client()
    for url in ("/passkeys/login/options", "/passkeys/login", "/passkeys/register/options", "/passkeys/register"):
        response = client.post(url, json={"name": "Telefoon"})
        assert_problem(response, 401, "no_login")
        assert "Log opnieuw in" in response.json["detail"]


def test_a_pending_login_past_its_time_is_refused(app, db, make):
    user = make.user()
    registered(user)
    client = pending_client(app, user)
    with client.session_transaction() as session:
        pending = session[login_flow.PENDING_KEY]
        session[login_flow.PENDING_KEY] = pending | {"at": pending["at"] - login_flow.PENDING_MINUTES * 60 - 1}
    assert_problem(client.post("/passkeys/login/options", json={}), 401, "no_login")


def test_logging_in_with_a_passkey_starts_the_session_and_goes_where_the_user_was_heading(app, db, make):
    user = make.user()
    authenticator = registered(user)
    client = pending_client(app, user, next_url="/cases")
    options = client.post("/passkeys/login/options", json={})
    assert options.status_code == 200
    assert [item["id"] for item in options.json["allowCredentials"]] == [b64url(authenticator.credential_id)]
    response = client.post("/passkeys/login", json={"credential": authenticator.get(options.json, ORIGIN)})
    assert response.status_code == 200 and response.json == {"redirect": "/cases"}
    session = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    assert (session.login_method, session.second_factor) == ("password", "passkey")
    assert client.get("/account").status_code == 200  # logged in
    assert db.session.scalar(sa.select(Passkey).where(Passkey.user_id == user.id)).sign_count == 1


def test_an_answer_to_another_challenge_is_refused(app, db, make):
    user = make.user()
    authenticator = registered(user)
    client = pending_client(app, user)
    response = log_in_with(client, authenticator, challenge=b64url(b"a challenge the server never gave out"))
    assert_problem(response, 422, "not_verified")
    assert denied_reasons(db, "use_passkey") == ["not_verified"]
    assert client.get("/account").status_code == 302  # not logged in


def test_a_challenge_serves_one_attempt_and_a_replayed_answer_is_refused(app, db, make):
    user = make.user()
    authenticator = registered(user)
    client = pending_client(app, user)
    options = client.post("/passkeys/login/options", json={}).json
    good = authenticator.get(options, ORIGIN)
    broken = dict(good, response=dict(good["response"], signature=b64url(b"0" * 70)))
    assert_problem(client.post("/passkeys/login", json={"credential": broken}), 422, "not_verified")
    # The challenge went with the failed attempt: the right answer to it no longer counts.
    assert_problem(client.post("/passkeys/login", json={"credential": good}), 422, "no_challenge")

    # A fresh login: the answer captured earlier is refused against the new challenge.
    client = pending_client(app, user)
    client.post("/passkeys/login/options", json={})
    assert_problem(client.post("/passkeys/login", json={"credential": good}), 422, "not_verified")
    assert log_in_with(client, authenticator).status_code == 200


def test_a_passkey_unknown_to_the_account_is_refused(app, db, make):
    user, other = make.user(), make.user()
    registered(user)
    stranger = registered(other)
    response = log_in_with(pending_client(app, user), stranger)
    assert_problem(response, 422, "unknown_credential")
    assert denied_reasons(db, "use_passkey") == ["unknown_credential"]


def test_a_counter_going_backwards_is_refused_and_audited(app, db, make):
    user = make.user()
    authenticator = registered(user)
    assert log_in_with(pending_client(app, user), authenticator, sign_count=7).status_code == 200
    client = pending_client(app, user)
    response = log_in_with(client, authenticator, sign_count=3)
    assert_problem(response, 403, "cloned_passkey")
    assert "gekopieerd" in response.json["detail"]
    assert denied_reasons(db, "use_passkey") == ["sign_count_not_increased"]
    assert client.get("/account").status_code == 302


def test_the_finishing_step_is_rate_limited():
    from gdt.db import db
    from gdt.models import User
    with own_app(RATELIMIT_ENABLED=True, MFA_RATE_LIMIT="2 per minute") as app:
        user = User(email="limited@gdt.test", name="Beperkt", role="coordinator")
        db.session.add(user)
        db.session.commit()
        authenticator = registered(user)
        client = pending_client(app, user)
        statuses = [log_in_with(client, authenticator, challenge=b64url(b"x" * 32)).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


def test_a_pending_user_without_a_factor_registers_a_passkey_and_is_logged_in(app, db, make):
    user = make.user()
    client = pending_client(app, user, next_url="/cases")
    authenticator = SoftAuthenticator()
    options = client.post("/passkeys/register/options", json={"name": "Telefoon"})
    assert options.status_code == 200 and options.json["user"]["name"] == user.email
    response = client.post("/passkeys/register", json={"name": "Telefoon",
                                                       "credential": authenticator.create(options.json, ORIGIN)})
    assert response.status_code == 200
    assert (response.json["redirect"], response.json["method"]) == ("/passkeys/recovery-codes", "post")
    assert response.json["csrfToken"]  # the login started a new session: the old page's token is void
    assert [passkey.name for passkey in passkeys.passkeys_of(user)] == ["Telefoon"]
    session = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    assert session.second_factor == "passkey"

    # The recovery codes: made and shown once, as the answer to the POST passkeys.js sends, then on to /cases.
    page = client.post("/passkeys/recovery-codes")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    codes = re.findall(r'<code translate="no">([a-z0-9]{5}-[a-z0-9]{5})</code>', page.text)
    assert len(codes) == 10 and 'href="/cases"' in page.text
    assert "De passkey Telefoon is toegevoegd." in page.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id)) == 10
    again = client.post("/passkeys/recovery-codes")
    assert again.status_code == 302 and again.location == "/account"


def test_a_pending_user_who_has_a_factor_cannot_add_one_with_the_password_alone(app, db, make):
    user = make.user()
    registered(user)
    client = pending_client(app, user)
    assert_problem(client.post("/passkeys/register/options", json={"name": "Van de indringer"}), 401, "no_login")
    assert len(passkeys.passkeys_of(user)) == 1


def test_registration_needs_a_name_before_the_browser_is_asked(app, db, make, client_as):
    client = client_as("coordinator")
    response = client.post("/passkeys/register/options", json={"name": "  ", "password": PASSWORD})
    assert response.status_code == 422
    assert response.json["invalidParams"][0]["name"] == "name"


def test_a_logged_in_user_adds_a_passkey_and_sees_it_on_the_account_page(app, db, make, client_as):
    user = make.user()
    client = client_as(user=user)
    options = client.post("/passkeys/register/options", json={"name": "Sleutel", "password": PASSWORD}).json
    assert options["excludeCredentials"] == []
    credential = SoftAuthenticator().create(options, ORIGIN)
    response = client.post("/passkeys/register", json={"name": "Sleutel", "credential": credential})
    assert response.json["redirect"] == "/passkeys/recovery-codes"  # no recovery codes yet
    codes_page = client.post("/passkeys/recovery-codes").text
    assert 'href="/account"' in codes_page and "De passkey Sleutel is toegevoegd." in codes_page
    page = client.get("/account").text
    assert re.search(r'<h3 class="utrecht-heading-3" id="passkey-\d+">Sleutel</h3>', page)
    assert "Nog nooit" in page and "passkeys.js" in page
    # The same answer again: its challenge is gone.
    again = client.post("/passkeys/register", json={"name": "Sleutel", "credential": credential})
    assert_problem(again, 422, "no_challenge")


def test_a_registration_from_another_origin_is_refused(app, db, make, client_as):
    user = make.user()
    client = client_as(user=user)
    options = client.post("/passkeys/register/options", json={"name": "Sleutel", "password": PASSWORD}).json
    credential = SoftAuthenticator().create(options, "http://phishing.example")
    assert_problem(client.post("/passkeys/register", json={"name": "Sleutel", "credential": credential}),
                   422, "not_verified")
    assert passkeys.passkeys_of(user) == []


def test_the_account_page_renames_and_removes_a_passkey(app, db, make, client_as):
    user = make.user()
    registered(user)
    passkey, = passkeys.passkeys_of(user)
    client = client_as(user=user)
    response = client.post(f"/account/passkeys/{passkey.id}/name", data={f"passkey-{passkey.id}-name": "Werk"},
                           follow_redirects=True)
    assert "De naam van de passkey is gewijzigd." in response.text and ">Werk</h3>" in response.text
    refused = client.post(f"/account/passkeys/{passkey.id}/name", data={f"passkey-{passkey.id}-name": ""},
                          follow_redirects=True)
    assert "Geef de passkey een naam" in refused.text
    refused = client.post(f"/account/passkeys/{passkey.id}/remove",
                          data={f"remove-passkey-{passkey.id}-password": "fout"}, follow_redirects=True)
    assert "wachtwoord" in refused.text and len(passkeys.passkeys_of(user)) == 1
    response = client.post(f"/account/passkeys/{passkey.id}/remove",
                           data={f"remove-passkey-{passkey.id}-password": PASSWORD}, follow_redirects=True)
    assert "De passkey is verwijderd." in response.text and "U heeft nog geen passkey." in response.text
    assert passkeys.passkeys_of(user) == []


def test_someone_elses_passkey_cannot_be_renamed_or_removed(app, db, make, client_as):
    owner = make.user()
    registered(owner)
    passkey, = passkeys.passkeys_of(owner)
    client = client_as("coordinator")
    client.post(f"/account/passkeys/{passkey.id}/name", data={f"passkey-{passkey.id}-name": "Van mij"})
    response = client.post(f"/account/passkeys/{passkey.id}/remove", follow_redirects=True)
    assert "Deze passkey bestaat niet (meer)." in response.text
    assert [item.name for item in passkeys.passkeys_of(owner)] == ["Telefoon"]


def test_the_last_factor_is_kept_while_mfa_is_required(app, db, make, client_as, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED", True)
    user = make.user()
    registered(user)
    passkey, = passkeys.passkeys_of(user)
    response = client_as(user=user).post(f"/account/passkeys/{passkey.id}/remove",
                                         data={f"remove-passkey-{passkey.id}-password": PASSWORD},
                                         follow_redirects=True)
    assert "Dit is uw enige tweede factor" in response.text and 'role="alert"' in response.text
    assert len(passkeys.passkeys_of(user)) == 1
    assert denied_reasons(db, "remove_passkey") == ["last_factor"]


def test_the_steps_need_the_csrf_token_in_a_header(app, db, make, monkeypatch):
    user = make.user()
    registered(user)
    client = pending_client(app, user)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/passkeys/login/options", json={}).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)"',
                      client.get("/login").text)
    token = next(group for group in token.groups() if group)
    response = client.post("/passkeys/login/options", json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json["challenge"]


def test_the_verify_partial_offers_a_passkey_only_to_a_pending_user_who_has_one(app, db, make):
    with_passkey, without = make.user(), make.user()
    registered(with_passkey)
    for user, shown in ((with_passkey, True), (without, False)):
        with app.test_request_context("/second-factor"):
            from flask import session
            session[login_flow.PENDING_KEY] = {"user_id": user.id, "at": int(time.time()), "next": "/"}
            html = render_template("auth/_passkey_verify.html")
        assert ("Inloggen met een passkey" in html) is shown
        if shown:
            assert 'data-finish-url="/passkeys/login"' in html and 'aria-live="polite"' in html
            assert "niet beschikbaar in deze browser" not in html and "data-passkey-unsupported hidden" in html


def test_the_setup_partial_asks_for_a_name_and_registers(app, db, make):
    with app.test_request_context("/second-factor/setup"):
        html = render_template("auth/_passkey_setup.html")
    assert 'for="passkey-name"' in html and "Passkey registreren" in html
    assert 'data-options-url="/passkeys/register/options"' in html and 'action="/passkeys/register"' in html


@pytest.mark.parametrize("count", [passkeys.MAX_PER_USER])
def test_the_account_page_says_when_the_maximum_is_reached(app, db, make, client_as, count):
    user = make.user()
    for number in range(count):
        registered(user, name=f"Sleutel {number}")
    page = client_as(user=user).get("/account").text
    assert "U heeft het maximum van 10 passkeys." in page and "data-passkey-register" not in page


def test_a_user_who_still_has_recovery_codes_goes_straight_on(app, db, make, client_as):
    from gdt.services.identity import recovery_codes
    user = make.user()
    recovery_codes.replace(user)
    db.session.commit()
    client = client_as(user=user)
    options = client.post("/passkeys/register/options", json={"name": "Sleutel", "password": PASSWORD}).json
    response = client.post("/passkeys/register", json={"name": "Sleutel",
                                                       "credential": SoftAuthenticator().create(options, ORIGIN)})
    assert response.json == {"redirect": "/account"}


def test_recovery_codes_are_not_made_without_a_passkey_just_registered(app, db, make, client_as):
    user = make.user()
    response = client_as(user=user).post("/passkeys/recovery-codes")
    assert response.status_code == 302 and response.location == "/account"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0


def test_a_logged_in_user_confirms_the_password_before_the_browser_is_asked(app, db, make, client_as):
    client = client_as("coordinator")
    for typed in (None, "fout"):
        response = client.post("/passkeys/register/options", json={"name": "Sleutel", "password": typed})
        assert response.status_code == 422
        assert response.json["invalidParams"][0]["name"] == "password"
    assert client.post("/passkeys/register", json={"name": "Sleutel", "credential": {}}).json["code"] == "no_challenge"


def test_an_account_without_a_password_is_told_passkeys_are_for_password_logins(app, db, make, client_as):
    page = client_as(user=make.user(password_hash=None, oidc_subject="sub-1")).get("/account").text
    assert "U logt in via de inlogdienst van uw organisatie" in page and "data-passkey-register" not in page
