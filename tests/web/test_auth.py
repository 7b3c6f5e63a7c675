"""Login, logout and deactivation end sessions server-side; a captured cookie stops working (ASVS V7.4.1)."""
import sqlalchemy as sa

from gdt.models import AuditEvent, UserSession
from gdt.services.admin import users
from tests.apps import own_app
from tests.factories import PASSWORD


def _login(app, user, password=PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email.upper() + " ", "password": password})
    return client, response


def _session_cookie(app, client):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def test_login_with_the_right_password_opens_a_session(app, make, db):
    user = make.user("coordinator")
    client, response = _login(app, user)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/intake/queue").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)
                             .where(UserSession.user_id == user.id)) == 1


def test_wrong_password_is_refused_and_audited(app, make, db):
    user = make.user("coordinator")
    client, response = _login(app, user, password="wrong password!")
    assert response.status_code == 422
    assert "kennen we niet" in response.text
    assert client.get("/intake/queue").status_code == 302
    outcome = db.session.scalar(sa.select(AuditEvent.outcome).where(AuditEvent.action == "login"))
    assert outcome == "denied"


def test_a_cookie_captured_before_logout_no_longer_works(app, make):
    user = make.user("coordinator")
    client, _ = _login(app, user)
    captured = _session_cookie(app, client)
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], captured)
    response = thief.get("/intake/queue")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_partner_user_logs_out_too(app, make):
    client, _ = _login(app, make.user("partner"))
    assert client.get("/partner").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/partner").headers["Location"].startswith("/login")


def test_deactivation_ends_every_session_of_the_user(app, make):
    user, admin = make.user("intake"), make.user("admin")
    client, _ = _login(app, user)
    assert client.get("/intake/queue").status_code == 200
    users.set_user_active(user, False, actor=admin)
    assert client.get("/intake/queue").status_code == 302
    _, again = _login(app, user)
    assert again.status_code == 422


def test_session_cookie_settings(app, make):
    user = make.user("coordinator")
    client, response = _login(app, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_open_redirects_after_login_are_refused(app, make):
    user = make.user("coordinator")
    for target in ("//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"):
        client = app.test_client()
        response = client.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD})
        assert response.headers["Location"] == "/", target


def test_security_headers_and_no_store_on_staff_pages(client_as):
    response = client_as("coordinator").get("/intake/queue")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_forms_carry_csrf_and_posts_without_token_are_refused(make):
    import config
    from gdt import create_app

    class CsrfConfig(config.TestConfig):
        WTF_CSRF_ENABLED = True
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    app = create_app(CsrfConfig)
    with app.app_context():
        page = app.test_client().get("/login")
        assert 'name="csrf_token"' in page.text and "novalidate" in page.text
        response = app.test_client().post("/login", data={"email": "x@y.nl", "password": "whatever password"})
        assert response.status_code == 400


def test_login_is_rate_limited(make):
    with own_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute") as app:
        client = app.test_client()
        statuses = [client.post("/login", data={"email": "x@y.nl", "password": "wrong"}).status_code
                    for _ in range(4)]
    assert statuses[:3] == [422, 422, 422] and statuses[3] == 429
