"""Failed logins slow down the account, not the office: a growing delay per account in the database, whatever the
client address, and a per-address limit that a team behind one NAT address does not hit."""
from datetime import timedelta

import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models import AuditEvent, LoginThrottle
from gdt.services.core import login_throttle
from tests.apps import own_app
from tests.factories import PASSWORD

NEUTRAL = "Er is te vaak geprobeerd in te loggen op dit account"


def _post(client, email, password, address="192.0.2.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _fail_until_throttled(app, email):
    client = app.test_client()
    free = app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    statuses = [_post(client, email, "verkeerd wachtwoord", address=f"192.0.2.{n}").status_code
                for n in range(1, free + 1)]
    return statuses


def _window_passes(db, email):
    """Time moves on: the account's current window has ended (the row, not the clock, is changed)."""
    db.session.execute(sa.update(LoginThrottle).where(LoginThrottle.account_key == login_throttle.account_key(email))
                       .values(blocked_until=utcnow() - timedelta(seconds=1)))


def test_after_the_free_failures_the_account_is_refused_from_every_address_even_with_its_password(app, make, db):
    user = make.user("coordinator")
    assert _fail_until_throttled(app, user.email) == [422] * app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    response = _post(app.test_client(), user.email.upper(), PASSWORD, address="198.51.100.7")
    assert response.status_code == 429 and NEUTRAL in response.text
    assert "kennen we niet" not in response.text


def test_other_accounts_from_the_same_address_are_not_affected(app, make, db):
    victim, colleague = make.user("coordinator"), make.user("intake")
    _fail_until_throttled(app, victim.email)
    assert _post(app.test_client(), colleague.email, PASSWORD).status_code == 302


def test_an_unknown_address_is_slowed_exactly_like_an_existing_account(app, make, db):
    statuses = _fail_until_throttled(app, "niemand@gdt.test")
    assert statuses == [422] * app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    unknown = _post(app.test_client(), "niemand@gdt.test", "nog een keer")
    user = make.user("coordinator")
    _fail_until_throttled(app, user.email)
    known = _post(app.test_client(), user.email, "nog een keer")
    assert (unknown.status_code, known.status_code) == (429, 429)
    assert NEUTRAL in unknown.text and NEUTRAL in known.text


def test_the_window_doubles_with_each_failure_and_is_capped(app, db):
    key, now = login_throttle.account_key("iemand@gdt.test"), utcnow()
    windows = []
    with db.session.begin_nested():
        for _ in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"] + 8):
            _, until = login_throttle.record_failure(key, now)
            windows.append(None if until is None else round((until - now).total_seconds()))
    free = app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    assert windows[:free - 1] == [None] * (free - 1)
    assert windows[free - 1:] == [5, 10, 20, 40, 80, 160, 300, 300, 300]


def test_after_the_window_a_correct_login_works_and_clears_the_count(app, make, db):
    user = make.user("coordinator")
    _fail_until_throttled(app, user.email)
    _window_passes(db, user.email)
    assert _post(app.test_client(), user.email, PASSWORD).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginThrottle)) == 0
    assert _post(app.test_client(), user.email, "verkeerd wachtwoord").status_code == 422


def test_after_the_window_a_wrong_password_starts_a_longer_one(app, make, db):
    user = make.user("coordinator")
    _fail_until_throttled(app, user.email)
    _window_passes(db, user.email)
    before = utcnow()
    assert _post(app.test_client(), user.email, "verkeerd wachtwoord").status_code == 422
    until = db.session.scalar(sa.select(LoginThrottle.blocked_until))
    assert timedelta(seconds=9) < until - before <= timedelta(seconds=11)


def test_throttling_is_audited_with_the_user_id_and_nothing_typed(app, make, db):
    user = make.user("coordinator")
    _fail_until_throttled(app, user.email)
    _post(app.test_client(), user.email, "geheim-wachtwoord-123")
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_ref == str(user.id))
                                .order_by(AuditEvent.id)).all()
    started = [event for event in events if event.action == "login_throttle"]
    assert len(started) == 1 and started[0].detail == {"failures": 5, "seconds": 5}
    assert events[-1].action == "login" and events[-1].detail == {"throttled": True}
    stored = " ".join(str((event.detail, event.object_ref)) for event in events)
    assert user.email not in stored and "wachtwoord" not in stored


def test_the_state_is_in_the_database_not_the_process(app, make, db):
    user = make.user("coordinator")
    _fail_until_throttled(app, user.email)
    row = db.session.scalar(sa.select(LoginThrottle))
    assert row.account_key == login_throttle.account_key(user.email) and user.email not in row.account_key
    assert row.failures == app.config["LOGIN_ACCOUNT_FREE_FAILURES"] and row.blocked_until > utcnow()


def test_a_team_behind_one_address_is_not_locked_out_by_the_address_limit(make):
    """The default per-address limit: twenty colleagues logging in from one NAT address within a minute."""
    with own_app(RATELIMIT_ENABLED=True) as app:
        from gdt.services.admin import users
        accounts = [users.create_user(f"collega{n}@gdt.test", f"Collega {n}", "intake", PASSWORD, actor=None)
                    for n in range(20)]
        statuses = [_post(app.test_client(), account.email, PASSWORD, address="203.0.113.9").status_code
                    for account in accounts]
    assert statuses == [302] * 20


def test_failures_a_day_old_are_forgotten(app, make, db):
    user = make.user("coordinator")
    _fail_until_throttled(app, user.email)
    db.session.execute(sa.update(LoginThrottle).values(blocked_until=None,
                                                       last_failure_at=utcnow() - timedelta(days=1, seconds=1)))
    assert _post(app.test_client(), "iemand-anders@gdt.test", "verkeerd wachtwoord").status_code == 422
    assert db.session.scalar(sa.select(LoginThrottle.failures)
                             .where(LoginThrottle.account_key == login_throttle.account_key(user.email))) is None
