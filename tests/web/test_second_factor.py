"""The second factor on the pages: forced enrolment, the code at every later login, recovery codes shown once, no
staff page and no session before the second step, the limit on wrong codes, the account page's changes, the
administrator's reset and its mail, and the banner while the second factor is off."""
import re
import time

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, UserSession
from gdt.services.identity import second_factor, totp
from gdt.web.auth import login_flow
from tests.factories import PASSWORD

BANNER = "Demo: inloggen zonder tweede factor"


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED", True)


def _password_step(app, user, next_url=""):
    client = app.test_client()
    response = client.post(f"/login{next_url}", data={"email": user.email, "password": PASSWORD})
    return client, response


def _secret_on(page: str) -> str:
    return re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _enrol(app, user):
    """The forced enrolment of `user` as a browser goes through it; returns the secret and the recovery codes."""
    client, _ = _password_step(app, user)
    secret = _secret_on(client.get("/login/second-factor/setup").text)
    page = client.post("/login/second-factor/setup", data={"totp-code": totp.code_at(secret, totp.current_step())})
    codes = re.findall(r"<code translate=\"no\">([a-z2-9]{5}-[a-z2-9]{5})</code>", page.text)
    return client, secret, codes, page


def _sessions(db, user):
    return db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def test_a_required_second_factor_sends_a_new_account_to_the_setup(app, db, make, required):
    user = make.user("coordinator")
    client, response = _password_step(app, user)
    assert response.status_code == 302 and response.headers["Location"] == "/login/second-factor/setup"
    page = client.get("/login/second-factor/setup")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<svg role="img"' in page.text and "<title>QR-code voor uw authenticator-app</title>" in page.text
    assert "http" not in page.text.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    assert 'autocomplete="one-time-code"' in page.text and 'inputmode="numeric"' in page.text
    assert "GDT – Gemeente Voorbeeld" in page.text and user.email in page.text
    assert re.search(r'id="totp-secret"[^>]*>([A-Z2-7]{4} ){7}[A-Z2-7]{4}<', page.text)
    assert _sessions(db, user) == 0  # nothing but the pending mark in the cookie


def test_enrolment_shows_the_recovery_codes_once_and_logs_in(app, db, make, required):
    user = make.user("coordinator")
    client, secret, codes, page = _enrol(app, user)
    assert page.status_code == 200 and len(codes) == 10
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "maar één keer getoond" in page.text
    assert client.get("/intake/queue").status_code == 200
    session_row = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    assert (session_row.login_method, session_row.second_factor) == ("password", "totp")
    db.session.refresh(user)
    assert user.totp_enabled_at is not None and secret not in user.totp_secret
    # The page with the codes cannot be fetched again.
    assert client.get("/login/second-factor/setup").status_code == 302


def test_after_enrolment_every_login_asks_for_a_code(app, db, make, required, monkeypatch):
    user = make.user("coordinator")
    _, secret, _, _ = _enrol(app, user)
    monkeypatch.setattr(totp, "_clock", lambda: time.time() + totp.STEP_SECONDS)  # the next code
    client, response = _password_step(app, user, "?next=/cases")
    assert response.headers["Location"] == "/login/second-factor"
    page = client.get("/login/second-factor")
    assert page.status_code == 200 and "Een herstelcode gebruiken" in page.text
    assert user.email not in page.text and user.name not in page.text  # the pending user is not shown
    wrong = client.post("/login/second-factor", data={"totp-code": "12345"})
    assert wrong.status_code == 422 and "klopt niet" in wrong.text
    right = client.post("/login/second-factor", data={"totp-code": totp.code_at(secret, totp.current_step())})
    assert right.status_code == 302 and right.headers["Location"] == "/cases"
    assert client.get("/intake/queue").status_code == 200


def test_a_recovery_code_logs_in_once(app, db, make, required):
    user = make.user("coordinator")
    _, _, codes, _ = _enrol(app, user)
    client, _ = _password_step(app, user)
    response = client.post("/login/second-factor", data={"recovery-code": codes[0]}, follow_redirects=True)
    assert "U heeft nog 9 ongebruikte herstelcodes" in response.text
    session_row = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)
                                     .order_by(UserSession.id.desc())).first()
    assert session_row.second_factor == "recovery_code"
    again, _ = _password_step(app, user)
    refused = again.post("/login/second-factor", data={"recovery-code": codes[0]})
    assert refused.status_code == 422 and "al gebruikt" in refused.text


def test_no_staff_page_and_no_session_cookie_work_before_the_second_step(app, db, make, required):
    user = make.user("admin")
    client, _ = _password_step(app, user)
    for path in ("/", "/intake/queue", "/account", "/admin/users", "/api/v1/reports"):
        response = client.get(path)
        assert response.status_code in (302, 401), path
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), path
    with client.session_transaction() as cookie:
        assert "_user_id" not in cookie and set(cookie) <= {login_flow.PENDING_KEY, "totp_enrolment", "_fresh",
                                                          "csrf_token", "_flashes"}
    assert _sessions(db, user) == 0


def test_a_pending_login_expires(app, make, required):
    user = make.user("coordinator")
    _enrol(app, user)
    client, _ = _password_step(app, user)
    with client.session_transaction() as cookie:
        pending = cookie[login_flow.PENDING_KEY]
        cookie[login_flow.PENDING_KEY] = pending | {"at": pending["at"] - login_flow.PENDING_MINUTES * 60 - 1}
    for path in ("/login/second-factor", "/login/second-factor/setup"):
        response = client.get(path, follow_redirects=True)
        assert response.request.path == "/login" and "Uw inlogpoging is verlopen" in response.text


def test_too_many_wrong_codes_answer_429_with_a_dutch_message(app, db, make, required, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_RATE_LIMIT", "2 per 5 minutes")
    user = make.user("coordinator")
    _, secret, _, _ = _enrol(app, user)
    client, _ = _password_step(app, user)
    statuses = [client.post("/login/second-factor", data={"totp-code": "00000x"}).status_code for _ in range(2)]
    blocked = client.post("/login/second-factor", data={"totp-code": totp.code_at(secret, totp.current_step() + 1)})
    assert statuses == [422, 422] and blocked.status_code == 429
    assert "Er is te vaak een verkeerde code geprobeerd" in blocked.text
    assert _sessions(db, user) == 1  # the enrolment's session only


def test_the_second_step_is_limited_per_client_address(make, required):
    from tests.apps import own_app
    with own_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", MFA_REQUIRED=True) as app:
        statuses = [app.test_client().post("/login/second-factor", data={"totp-code": "123456"}).status_code
                    for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_the_account_page_shows_the_factor_and_changes_need_the_password(app, db, make, client_as, required):
    user = make.user("coordinator")
    _, secret, codes, _ = _enrol(app, user)
    client = client_as(user=user)
    page = client.get("/account")
    assert "Tweede factor" in page.text and "10 ongebruikte codes" in page.text and "Aan, ingesteld op" in page.text
    assert "Authenticator-app verwijderen" not in page.text  # the only factor, and it is required
    refused = client.post("/account/second-factor", data={"second-factor-password": "wrong",
                                                          "second-factor-recovery_codes": "y"})
    assert refused.status_code == 422 and "Dit wachtwoord klopt niet" in refused.text
    fresh = client.post("/account/second-factor", data={"second-factor-password": PASSWORD,
                                                        "second-factor-recovery_codes": "y"})
    assert fresh.status_code == 200 and fresh.headers["Cache-Control"] == "no-store"
    new = re.findall(r"<code translate=\"no\">([a-z2-9]{5}-[a-z2-9]{5})</code>", fresh.text)
    assert len(new) == 10 and set(new).isdisjoint(codes)
    removed = client.post("/account/second-factor", data={"second-factor-password": PASSWORD,
                                                          "second-factor-remove": "y"}, follow_redirects=True)
    assert "enige tweede factor" in removed.text
    db.session.refresh(user)
    assert user.totp_enabled_at is not None


def test_the_app_is_set_up_again_from_the_account_page(app, db, make, client_as, required):
    user = make.user("coordinator")
    _, old_secret, _, _ = _enrol(app, user)
    client = client_as(user=user)
    assert client.get("/login/second-factor/setup").headers["Location"].startswith("/account")  # password first
    start = client.post("/account/second-factor", data={"second-factor-password": PASSWORD,
                                                        "second-factor-setup": "y"})
    assert start.headers["Location"] == "/login/second-factor/setup"
    page = client.get("/login/second-factor/setup")
    new_secret = _secret_on(page.text)
    assert new_secret != old_secret and "Een passkey gebruiken" not in page.text
    done = client.post("/login/second-factor/setup",
                       data={"totp-code": totp.code_at(new_secret, totp.current_step())}, follow_redirects=True)
    assert "Uw authenticator-app is ingesteld" in done.text
    db.session.refresh(user)
    assert totp.decrypt(user.totp_secret, [app.config["SECRET_KEY"]]) == new_secret


def test_an_admin_resets_a_second_factor_and_the_user_gets_a_mail(app, db, make, client_as, inbox, required):
    user = make.user("coordinator")
    victim_client, _, _, _ = _enrol(app, user)
    admin = client_as("admin")
    edit = admin.get(f"/admin/users/{user.id}")
    assert "Tweede factor resetten" in edit.text
    confirm = admin.get(f"/admin/users/{user.id}/second-factor/reset")
    assert confirm.status_code == 200 and "werken de authenticator-app, alle herstelcodes" in confirm.text
    done = admin.post(f"/admin/users/{user.id}/second-factor/reset")
    assert done.status_code == 302 and done.headers["Location"] == f"/admin/users/{user.id}"
    assert victim_client.get("/intake/queue").status_code == 302  # logged out everywhere
    [(recipients, message)] = inbox.wait_for(1)
    assert recipients == [user.email] and message["Subject"] == "Uw tweede factor voor GDT is teruggezet"
    assert "bij de volgende keer inloggen stelt u een nieuwe tweede factor in" in message.get_content().lower()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reset_second_factor"))
    assert event.object_ref == str(user.id)
    client, response = _password_step(app, user)
    assert response.headers["Location"] == "/login/second-factor/setup"


def test_the_demo_banner_shows_while_the_second_factor_is_off(app, client_as, make, monkeypatch):
    assert BANNER in app.test_client().get("/login").text
    assert BANNER in client_as("coordinator").get("/intake/queue").text
    monkeypatch.setitem(app.config, "MFA_REQUIRED", True)
    assert BANNER not in client_as("coordinator").get("/intake/queue").text


def test_production_with_the_second_factor_off_warns_administrators_only(app, client_as, monkeypatch):
    monkeypatch.setitem(app.config, "ENVIRONMENT", "production")
    assert "MFA_REQUIRED staat uit" in client_as("admin").get("/admin/users").text
    page = client_as("coordinator").get("/intake/queue").text
    assert BANNER not in page and "MFA_REQUIRED staat uit" not in page


def test_services_never_see_the_second_factor_secret_in_audit(app, db, make, required):
    user = make.user("coordinator")
    _, secret, codes, _ = _enrol(app, user)
    details = " ".join(str(event.detail) for event in db.session.scalars(sa.select(AuditEvent)))
    assert secret not in details and not any(code in details for code in codes)
    assert second_factor.status(user).unused_recovery_codes == 10
