"""Personal API tokens expire, end with a new password, and can be listed and revoked by their user and the admin."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models import AuditEvent, UserSession, UserToken
from gdt.services.admin import users
from gdt.services.core import auth, tokens
from gdt.services.core.errors import Forbidden, NotFound


def _token_row(db, raw):
    return db.session.scalar(sa.select(UserToken).where(UserToken.token_hash == tokens.digest(raw)))


def test_a_token_expires_after_the_configured_lifetime(app, make, db):
    user = make.user("coordinator")
    token, raw = tokens.issue_user_token_with_expiry(user, actor=None)
    assert token.expires_at - token.created_at == timedelta(days=app.config["TOKEN_LIFETIME_DAYS"]) == timedelta(90)
    assert tokens.authenticate(raw) == user
    token.expires_at = utcnow() - timedelta(seconds=1)  # the lifetime has passed
    db.session.flush()
    assert tokens.authenticate(raw) is None
    assert tokens.tokens_of(user) == []


def test_the_lifetime_is_a_setting(app, make, db):
    saved = app.config["TOKEN_LIFETIME_DAYS"]
    app.config["TOKEN_LIFETIME_DAYS"] = 7
    try:
        token, _ = tokens.issue_user_token_with_expiry(make.user("intake"), actor=None)
    finally:
        app.config["TOKEN_LIFETIME_DAYS"] = saved
    assert token.expires_at - token.created_at == timedelta(days=7)


def test_a_new_password_revokes_every_token_and_ends_every_session(make, db):
    user = make.user("coordinator")
    raw = tokens.issue_user_token(user, actor=None)
    auth.start_session(user)
    users.set_password(user, "een heel nieuw wachtwoord", actor=None)
    assert tokens.authenticate(raw) is None
    assert db.session.scalar(sa.select(UserSession.ended_at)) is not None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "set_password"))
    assert event.object_ref == str(user.id) and event.detail == {"tokens_revoked": 1}
    assert auth.authenticate(user.email, "een heel nieuw wachtwoord") == user


def test_deactivation_counts_the_revoked_tokens_in_its_audit_event(make, db):
    admin, user = make.user("admin"), make.user("intake")
    tokens.issue_user_token(user, actor=None)
    users.set_user_active(user, False, actor=admin)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "deactivate"))
    assert event.detail == {"tokens_revoked": 1}


def test_the_list_shows_working_tokens_only_newest_first(make, db):
    user = make.user("coordinator")
    old, _ = tokens.issue_user_token_with_expiry(user, actor=None)
    revoked, _ = tokens.issue_user_token_with_expiry(user, actor=None)
    new, _ = tokens.issue_user_token_with_expiry(user, actor=None)
    tokens.revoke_user_token(user, revoked.id, actor=user)
    tokens.issue_user_token(make.user("coordinator"), actor=None)  # someone else's
    assert tokens.tokens_of(user) == [new, old]


def test_a_user_revokes_an_own_token_and_it_is_audited(make, db):
    user = make.user("intake")
    token, raw = tokens.issue_user_token_with_expiry(user, actor=None)
    tokens.revoke_user_token(user, token.id, actor=user)
    assert tokens.authenticate(raw) is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "revoke_token"))
    assert (event.actor_id, event.object_ref, event.outcome, event.detail) == (user.id, str(user.id), "ok",
                                                                              {"token": token.id})
    assert raw not in str(event.detail)


def test_the_admin_revokes_anyone_s_token(make, db):
    admin, user = make.user("admin"), make.user("coordinator")
    token, raw = tokens.issue_user_token_with_expiry(user, actor=None)
    tokens.revoke_user_token(user, token.id, actor=admin)
    assert tokens.authenticate(raw) is None


def test_someone_else_may_not_revoke_and_the_refusal_is_audited(make, db):
    owner, other = make.user("coordinator"), make.user("coordinator")
    token, raw = tokens.issue_user_token_with_expiry(owner, actor=None)
    with pytest.raises(Forbidden):
        tokens.revoke_user_token(owner, token.id, actor=other)
    assert tokens.authenticate(raw) == owner
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "revoke_token"))
    assert (event.actor_id, event.outcome) == (other.id, "denied")


def test_a_token_of_another_user_is_not_found_under_this_user(make, db):
    owner, other = make.user("coordinator"), make.user("coordinator")
    token, raw = tokens.issue_user_token_with_expiry(owner, actor=None)
    with pytest.raises(NotFound):
        tokens.revoke_user_token(other, token.id, actor=other)
    assert tokens.authenticate(raw) == owner


def test_the_cli_prints_when_the_token_expires(runner, make, db):
    user = make.user("coordinator")
    result = runner.invoke(args=["users", "token", user.email])
    assert result.exit_code == 0, result.output
    expires_at = _token_row(db, result.stdout.strip()).expires_at
    assert f"valid until {expires_at:%Y-%m-%d %H:%M} UTC" in result.stderr


def test_the_cli_refuses_a_token_for_a_user_of_an_inactive_partner(runner, make, db):
    partner = make.partner("politie")
    user = make.user("partner", partner=partner)
    partner.is_active = False
    db.session.flush()
    result = runner.invoke(args=["users", "token", user.email])
    assert result.exit_code == 1 and "deactivated" in result.stderr


def test_the_cli_sets_a_password_and_cuts_off_the_old_tokens(runner, make, db, monkeypatch):
    user = make.user("coordinator")
    raw = tokens.issue_user_token(user, actor=None)
    monkeypatch.setenv("GDT_PASSWORD", "een heel nieuw wachtwoord")
    result = runner.invoke(args=["users", "set-password", user.email])
    assert result.exit_code == 0, result.output
    assert tokens.authenticate(raw) is None
