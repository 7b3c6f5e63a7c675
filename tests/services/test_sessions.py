"""Login sessions a user can see and end: listing, ending one or all others, the administrator ending all, and the
idle and absolute limits, each end with its reason and an audit event."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, UserSession
from gdt.models.users import SESSION_END_REASONS
from gdt.services.admin import users
from gdt.services.core import auth
from gdt.services.core.errors import NotFound, ServiceError
from gdt.services.identity import sessions, user_agents

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/18.1 Mobile/15E148 Safari/604.1")
LIMITS = {"idle": timedelta(minutes=30), "absolute": timedelta(hours=12)}


def _row(db, token) -> UserSession:
    return db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == auth.token_digest(token)))


def _events(db, action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _move_back(db, token, **columns):
    row = _row(db, token)
    for column, delta in columns.items():
        setattr(row, column, getattr(row, column) - delta)
    db.session.commit()
    return row


def test_live_sessions_name_the_browser_and_put_the_current_one_first(make, db):
    user = make.user()
    other = auth.start_session(user, user_agent=SAFARI_IPHONE, ip_address="192.0.2.7", login_method="password",
                               second_factor="totp")
    current = auth.start_session(user, user_agent=FIREFOX_WINDOWS, ip_address="198.51.100.3", login_method="sso",
                                 second_factor="provider")
    _move_back(db, other, last_seen_at=timedelta(minutes=5), started_at=timedelta(minutes=5))
    auth.start_session(make.user(), user_agent=FIREFOX_WINDOWS)  # someone else's
    listed = sessions.live_sessions(user, current_token=current)
    assert [(row.browser, row.is_current, row.ip_address, row.login_method, row.second_factor) for row in listed] == [
        ("Firefox op Windows", True, "198.51.100.3", "sso", "provider"),
        ("Safari op iPhone", False, "192.0.2.7", "password", "totp"),
    ]


def test_ended_and_expired_sessions_are_not_listed(make, db):
    user = make.user()
    live, ended, idle, old = (auth.start_session(user) for _ in range(4))
    auth.end_session(ended, actor=user)
    _move_back(db, idle, last_seen_at=timedelta(minutes=31))
    _move_back(db, old, started_at=timedelta(hours=13))
    assert [row.id for row in sessions.live_sessions(user)] == [_row(db, live).id]


def test_ending_one_of_ones_own_sessions_records_why_and_audits_it(make, db):
    user = make.user()
    current, other = auth.start_session(user), auth.start_session(user)
    session_id = _row(db, other).id
    sessions.end_own_session(user, session_id, current_token=current)
    ended = _row(db, other)
    assert ended.ended_at is not None and ended.end_reason == "ended_by_user"
    assert auth.load_session(other, **LIMITS) is None and auth.load_session(current, **LIMITS) == user
    [event] = _events(db, "end_session")
    assert (event.actor_id, event.object_ref, event.detail) == (
        user.id, str(user.id), {"session": session_id, "reason": "ended_by_user"})


def test_someone_elses_session_is_not_found_and_stays_live(make, db):
    user, owner = make.user(), make.user()
    theirs = auth.start_session(owner)
    with pytest.raises(NotFound):
        sessions.end_own_session(user, _row(db, theirs).id, current_token=auth.start_session(user))
    assert auth.load_session(theirs, **LIMITS) == owner
    [event] = _events(db, "end_session")
    assert (event.actor_id, event.outcome, event.object_ref) == (user.id, "denied", str(_row(db, theirs).id))


def test_the_current_session_is_ended_by_logging_out_not_from_the_list(make, db):
    user = make.user()
    current = auth.start_session(user)
    with pytest.raises(ServiceError):
        sessions.end_own_session(user, _row(db, current).id, current_token=current)
    assert _row(db, current).ended_at is None


def test_ending_all_others_keeps_the_current_session(make, db):
    user, bystander = make.user(), make.user()
    current, first, second = (auth.start_session(user) for _ in range(3))
    theirs = auth.start_session(bystander)
    assert sessions.end_other_sessions(user, current_token=current) == 2
    assert [_row(db, token).end_reason for token in (current, first, second, theirs)] == [
        None, "ended_by_user", "ended_by_user", None]
    [event] = _events(db, "end_sessions")
    assert (event.actor_id, event.object_ref, event.detail) == (user.id, str(user.id),
                                                                {"reason": "ended_by_user", "count": 2})


def test_the_administrator_ends_every_session_of_a_user(make, db):
    admin, user = make.user("admin"), make.user()
    tokens_ = [auth.start_session(user) for _ in range(2)]
    assert sessions.end_all_sessions_of(user, actor=admin) == 2
    assert {_row(db, token).end_reason for token in tokens_} == {"ended_by_admin"}
    assert all(auth.load_session(token, **LIMITS) is None for token in tokens_)
    [event] = _events(db, "end_sessions")
    assert (event.actor_id, event.detail) == (admin.id, {"reason": "ended_by_admin", "count": 2})


def test_the_administrator_ends_own_sessions_through_mijn_sessies_not_here(make, db):
    admin = make.user("admin")
    token = auth.start_session(admin)
    with pytest.raises(ServiceError):
        sessions.end_all_sessions_of(admin, actor=admin)
    assert _row(db, token).ended_at is None


def test_an_idle_session_ends_at_its_idle_deadline_with_reason_idle(make, db):
    user = make.user()
    token = auth.start_session(user)
    row = _move_back(db, token, last_seen_at=timedelta(minutes=31), started_at=timedelta(minutes=40))
    assert auth.load_session(token, **LIMITS) is None
    db.session.refresh(row)
    assert row.end_reason == "idle" and row.ended_at == row.last_seen_at + LIMITS["idle"]
    [event] = _events(db, "end_session")
    assert event.actor_id is None and event.detail == {"session": row.id, "reason": "idle"}
    assert auth.ended_reason(token) == "idle"


def test_a_session_past_its_absolute_lifetime_ends_with_reason_expired(make, db):
    user = make.user()
    token = auth.start_session(user)
    row = _move_back(db, token, started_at=timedelta(hours=12, minutes=1))  # active a moment ago
    assert auth.load_session(token, **LIMITS) is None
    db.session.refresh(row)
    assert row.end_reason == "expired" and row.ended_at == row.started_at + LIMITS["absolute"]
    assert auth.ended_reason(token) == "expired"


def test_last_seen_is_written_at_most_once_a_minute_but_keep_alive_always_counts(make, db):
    user = make.user()
    token = auth.start_session(user)
    row = _move_back(db, token, last_seen_at=timedelta(seconds=30))
    seen = row.last_seen_at
    auth.load_session(token, **LIMITS)
    assert _row(db, token).last_seen_at == seen  # within SEEN_INTERVAL: no write
    auth.keep_alive(token)
    assert _row(db, token).last_seen_at > seen


def test_reading_without_touch_does_not_count_as_activity(make, db):
    user = make.user()
    token = auth.start_session(user)
    seen = _move_back(db, token, last_seen_at=timedelta(minutes=10)).last_seen_at
    assert auth.load_session(token, **LIMITS, touch=False) == user
    assert _row(db, token).last_seen_at == seen
    auth.load_session(token, **LIMITS)
    assert _row(db, token).last_seen_at > seen


def test_the_write_throttle_is_at_most_a_tenth_of_a_short_idle_limit():
    assert auth.seen_interval(timedelta(minutes=30)) == timedelta(minutes=1)
    assert auth.seen_interval(timedelta(seconds=20)) == timedelta(seconds=2)


def test_deactivation_a_password_change_and_a_new_role_end_sessions_with_their_reason(make, db):
    admin = make.user("admin")
    deactivated, renewed, promoted = make.user(), make.user(), make.user("intake")
    tokens_ = {user.id: auth.start_session(user) for user in (deactivated, renewed, promoted)}
    users.set_user_active(deactivated, False, actor=admin)
    users.set_password(renewed, "een heel nieuw wachtwoord", actor=admin)
    users.update_user(promoted, name=promoted.name, role="coordinator", actor=admin)
    assert [_row(db, tokens_[user.id]).end_reason for user in (deactivated, renewed, promoted)] == [
        "deactivated", "password_changed", "role_changed"]
    assert {event.detail["reason"] for event in _events(db, "end_sessions")} == {
        "deactivated", "password_changed", "role_changed"}


def test_every_reason_written_is_in_the_one_list(make, db):
    user = make.user()
    auth.end_session(auth.start_session(user), actor=user)
    reasons = set(db.session.scalars(sa.select(UserSession.end_reason).where(UserSession.end_reason.is_not(None))))
    assert reasons == {"logout"} and reasons <= set(SESSION_END_REASONS)


@pytest.mark.parametrize(("user_agent", "words"), [
    (FIREFOX_WINDOWS, "Firefox op Windows"),
    (SAFARI_IPHONE, "Safari op iPhone"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36", "Chrome op macOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 Edg/131.0.0.0", "Edge op Windows"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 "
     "Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet op Android"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 "
     "Safari/537.36", "Chrome op Linux"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 OPR/115.0.0.0", "Opera op Windows"),
    ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 "
     "Mobile/15E148 Safari/605.1.15", "Firefox op iPad"),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36", "Chrome op ChromeOS"),
    ("curl/8.5.0", "curl"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Onbekend/1.0", "Browser op Windows"),
    ("", "Onbekende browser"),
    (None, "Onbekende browser"),
])
def test_user_agent_in_plain_words(app, user_agent, words):
    with app.test_request_context():
        assert user_agents.describe(user_agent) == words
