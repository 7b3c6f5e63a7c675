""""Mijn sessies", the administrator ending a user's sessions, the idle warning's endpoints and the login page after
an idle end: real server-side sessions, one test client per browser."""
import json
from datetime import timedelta

import sqlalchemy as sa

from gdt.models import AuditEvent, UserSession
from gdt.services.core import auth
from tests.factories import PASSWORD

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/18.1 Mobile/15E148 Safari/604.1")


def _browser(app, user, user_agent):
    """A test client that logged in through the login page, as a browser does."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def _is_logged_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def _sessions(db, user):
    db.session.expire_all()
    return db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.id)).all()


def test_mijn_sessies_lists_the_live_sessions_with_browser_address_and_login(app, make, db):
    user = make.user()
    _browser(app, user, SAFARI_IPHONE)
    laptop = _browser(app, user, FIREFOX_WINDOWS)
    page = laptop.get("/account/sessions")
    assert page.status_code == 200
    assert "<caption" in page.text and 'scope="col"' in page.text and 'scope="row"' in page.text
    assert "Firefox op Windows" in page.text and "Safari op iPhone" in page.text and "(deze sessie)" in page.text
    assert page.text.index("Firefox op Windows") < page.text.index("Safari op iPhone")  # this session first
    assert "127.0.0.1" in page.text and "Wachtwoord" in page.text
    assert page.text.count(">Beëindigen</button>") == 1  # only the other session; this one ends by logging out
    assert "Alle andere sessies beëindigen" in page.text
    assert 'href="/account/sessions"' in laptop.get("/account").text


def test_ending_another_session_makes_its_cookie_anonymous(app, make, db):
    user = make.user()
    phone, laptop = _browser(app, user, SAFARI_IPHONE), _browser(app, user, FIREFOX_WINDOWS)
    phone_session = _sessions(db, user)[0]
    response = laptop.post(f"/account/sessions/{phone_session.id}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/account/sessions"
    assert "De sessie is beëindigd" in laptop.get("/account/sessions").text
    assert not _is_logged_in(phone) and _is_logged_in(laptop)
    assert _sessions(db, user)[0].end_reason == "ended_by_user"
    login = phone.get("/login")
    assert "Uw sessie is beëindigd." in login.text


def test_ending_all_other_sessions_keeps_this_one(app, make, db):
    user = make.user()
    others = [_browser(app, user, SAFARI_IPHONE) for _ in range(2)]
    laptop = _browser(app, user, FIREFOX_WINDOWS)
    response = laptop.post("/account/sessions/end-others", follow_redirects=True)
    assert "2 andere sessies zijn beëindigd." in response.text and "U bent nergens anders ingelogd." in response.text
    assert [_is_logged_in(client) for client in [*others, laptop]] == [False, False, True]


def test_someone_elses_session_cannot_be_ended(app, make, db):
    owner, intruder = make.user(), make.user()
    victim = _browser(app, owner, SAFARI_IPHONE)
    response = _browser(app, intruder, FIREFOX_WINDOWS).post(f"/account/sessions/{_sessions(db, owner)[0].id}/end")
    assert response.status_code == 404
    assert _is_logged_in(victim)


def test_the_administrator_ends_all_sessions_of_a_user_after_a_confirmation(app, make, db, client_as):
    user = make.user(name="Bram Bos")
    browsers = [_browser(app, user, agent) for agent in (SAFARI_IPHONE, FIREFOX_WINDOWS)]
    admin = client_as("admin")
    page = admin.get(f"/admin/users/{user.id}")
    assert "Sessies waarin Bram Bos nu is ingelogd" in page.text and "Safari op iPhone" in page.text
    assert f"/admin/users/{user.id}/sessions/end" in page.text
    confirm = admin.get(f"/admin/users/{user.id}/sessions/end")
    assert confirm.status_code == 200 and "Alle sessies van Bram Bos beëindigen" in confirm.text
    assert all(_is_logged_in(client) for client in browsers)  # looking is not ending
    response = admin.post(f"/admin/users/{user.id}/sessions/end")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{user.id}"
    assert not any(_is_logged_in(client) for client in browsers)
    assert {row.end_reason for row in _sessions(db, user)} == {"ended_by_admin"}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "end_sessions"))
    assert event.object_ref == str(user.id) and event.detail == {"reason": "ended_by_admin", "count": 2}
    assert "Deze medewerker is nu nergens ingelogd." in admin.get(f"/admin/users/{user.id}").text


def test_every_page_carries_the_idle_deadline_for_the_warning(app, make, db):
    user = make.user()
    client = _browser(app, user, FIREFOX_WINDOWS)
    page = client.get("/account/sessions").text
    assert 'role="alertdialog"' in page and "/static/session.js" in page
    assert 'data-warning-seconds="120"' in page
    assert "U wordt over 2 minuten uitgelogd omdat u niets hebt gedaan." in page
    idle = int(page.split('data-idle-seconds="')[1].split('"')[0])
    assert 30 * 60 - 5 <= idle <= 30 * 60
    assert "alertdialog" not in app.test_client().get("/login").text  # only for a logged-in user


def test_the_status_check_does_not_count_as_activity_but_keep_alive_does(app, make, db):
    user = make.user()
    client = _browser(app, user, FIREFOX_WINDOWS)
    row = _sessions(db, user)[0]
    row.last_seen_at -= timedelta(seconds=40)  # within the once-a-minute throttle of ordinary requests
    db.session.commit()
    seen = row.last_seen_at
    status = client.get("/session/status").get_json()
    assert status["live"] and 30 * 60 - 45 <= status["idleSeconds"] <= 30 * 60 - 35
    assert _sessions(db, user)[0].last_seen_at == seen
    kept = client.post("/session/keep-alive").get_json()
    assert kept["live"] and kept["idleSeconds"] >= 30 * 60 - 1 and kept["warningSeconds"] == 120
    assert _sessions(db, user)[0].last_seen_at > seen


def test_keep_alive_after_the_end_says_so_instead_of_redirecting(app, make, db):
    user = make.user()
    client = _browser(app, user, FIREFOX_WINDOWS)
    auth.end_all_sessions(user, reason="ended_by_admin")
    db.session.commit()
    response = client.post("/session/keep-alive")
    assert response.status_code == 200 and json.loads(response.text) == {"live": False}
    assert client.get("/session/status").get_json() == {"live": False}


def test_after_an_idle_end_the_login_page_says_why_once(app, make, db):
    user = make.user()
    client = _browser(app, user, FIREFOX_WINDOWS)
    row = _sessions(db, user)[0]
    row.last_seen_at -= timedelta(minutes=31)
    row.started_at -= timedelta(minutes=31)
    db.session.commit()
    response = client.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    login = client.get(response.headers["Location"])
    assert "U bent automatisch uitgelogd omdat u 30 minuten niets hebt gedaan." in login.text
    assert "automatisch uitgelogd" not in client.get("/login").text
    assert _sessions(db, user)[0].end_reason == "idle"


def test_after_the_absolute_end_the_login_page_says_why(app, make, db):
    user = make.user()
    client = _browser(app, user, FIREFOX_WINDOWS)
    row = _sessions(db, user)[0]
    row.started_at -= timedelta(hours=12, minutes=1)
    db.session.commit()
    login = client.get("/login")
    assert "U bent automatisch uitgelogd omdat u 12 uur achter elkaar was ingelogd." in login.text
    assert _sessions(db, user)[0].end_reason == "expired"


def test_logout_records_its_reason(app, make, db):
    user = make.user()
    client = _browser(app, user, FIREFOX_WINDOWS)
    client.post("/logout")
    assert _sessions(db, user)[0].end_reason == "logout"
    assert "automatisch" not in client.get("/login").text
