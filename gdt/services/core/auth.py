"""Passwords (argon2) and server-side login sessions: logout and deactivation end them for good."""
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import User, UserSession
from gdt.models.users import SESSION_END_REASONS
from gdt.services.core import audit, login_throttle
from gdt.services.core.errors import ServiceError
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # long passphrases welcome; the bound keeps argon2 from being a DoS lever
SEEN_INTERVAL = timedelta(minutes=1)

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing equaliser for unknown accounts")


def hash_password(password: str) -> str:
    """The argon2 hash, after the length rule only. A new password is hashed through
    `gdt.services.identity.passwords.hash_new_password`, which adds the breached-list and personal rules (core cannot
    import identity; tests/unit/test_password_paths.py keeps every other caller away)."""
    check_password_policy(password)
    return _hasher.hash(password)


def check_password_policy(password: str | None) -> None:
    """The length rule: MIN_PASSWORD_LENGTH to MAX_PASSWORD_LENGTH characters (identity.passwords adds the rest)."""
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("Kies een wachtwoord van minstens %(n)d tekens.", n=MIN_PASSWORD_LENGTH), field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ServiceError(
            _l("Kies een wachtwoord van hoogstens %(n)d tekens.", n=MAX_PASSWORD_LENGTH), field="password"
        )


class LoginThrottled(ServiceError):
    """Too many failed logins for this account: try again later. Says nothing about whether the account exists."""
    status = 429


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Every attempt is audited.

    Raises LoginThrottled while the account is in a delay window (login_throttle): the password is then not
    even checked. The audit names the user id, never the address typed or the password.
    """
    key = login_throttle.account_key(email)
    with unit_of_work():
        user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
        ref = str(user.id) if user else None
        if login_throttle.blocked_until(key) is not None:
            audit.record(user, "login", "user", ref, outcome="denied", detail={"throttled": True})
            throttled = True
        else:
            throttled = False
            user = _check(user, password, key, ref)
    if throttled:
        raise LoginThrottled(_l("Er is te vaak geprobeerd in te loggen op dit account. Wacht een paar minuten en "
                                "probeer het dan opnieuw."))
    return user


@joins_unit_of_work
def _check(user: User | None, password: str, key: str, ref: str | None) -> User | None:
    has_password = user is not None and user.password_hash is not None  # none: single sign-on or invited
    valid = _verify(user.password_hash if has_password else _DUMMY_HASH, password or "")
    if not has_password or not valid or not user.may_sign_in:
        failures, until = login_throttle.record_failure(key)
        audit.record(user, "login", "user", ref, outcome="denied")
        if until is not None:
            audit.record(user, "login_throttle", "user", ref, outcome="denied",
                         detail={"failures": failures, "seconds": round((until - utcnow()).total_seconds())})
        return None
    login_throttle.reset(key)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    audit.record(user, "login", "user", ref)
    return user


def _verify(password_hash: str, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def start_session(user: User, *, login_method: str = "password", second_factor: str | None = None,
                  user_agent: str | None = None, ip_address: str | None = None, oidc_sid: str | None = None,
                  oidc_id_token: str | None = None) -> str:
    """Open a login session and return its token; only a hash of it is stored, with what "Mijn sessies" shows."""
    token = secrets.token_urlsafe(32)
    with unit_of_work():
        db.session.add(UserSession(
            token_hash=_digest(token), user_id=user.id, login_method=login_method, second_factor=second_factor,
            user_agent=(user_agent or "")[:300] or None, ip_address=ip_address, oidc_sid=oidc_sid,
            oidc_id_token=oidc_id_token,
        ))
    return token


def load_session(token: str, *, idle: timedelta, absolute: timedelta, touch: bool = True) -> User | None:
    """The user behind a live session token, or None when ended, expired or deactivated.

    A session past its idle or absolute limit is ended here, with end_reason "idle" or "expired" and the moment
    the limit passed, and audited. `last_seen_at` is written at most once per `seen_interval(idle)`, so the idle
    deadline the pages show (`deadlines`) is the stored one, up to that interval before "now + idle". `touch`
    False reads without counting as activity (the idle warning's status check). The row is kept on the user as
    `login_session`.
    """
    session = _session_by_token(token)
    now = utcnow()
    if session is None or session.ended_at is not None or not session.user.may_sign_in:
        return None
    idle_end, absolute_end = deadlines(session, idle=idle, absolute=absolute)
    if now >= idle_end or now >= absolute_end:
        reason = "expired" if absolute_end <= idle_end else "idle"
        with unit_of_work():
            _end(session, reason, min(idle_end, absolute_end), actor=None)
        return None
    if touch and now - session.last_seen_at > seen_interval(idle):
        with unit_of_work():
            session.last_seen_at = now
    session.user.login_token = token
    session.user.login_session = session
    return session.user


def limits() -> dict[str, timedelta]:
    """SESSION_IDLE_MINUTES and SESSION_ABSOLUTE_HOURS (fractions allowed) as load_session's idle and absolute."""
    config = current_app.config
    return {"idle": timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            "absolute": timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])}


def seen_interval(idle: timedelta) -> timedelta:
    """How often a request writes last_seen_at: once a minute, more often only for idle limits under ten minutes
    (tests), so the throttle never costs more than a tenth of the idle time."""
    return min(SEEN_INTERVAL, idle / 10)


def deadlines(session: UserSession, *, idle: timedelta, absolute: timedelta) -> tuple[datetime, datetime]:
    """When the session ends without another request (idle), and when it ends anyway (absolute)."""
    return session.last_seen_at + idle, session.started_at + absolute


def keep_alive(token: str | None) -> UserSession | None:
    """"Ingelogd blijven": the live session counts as active now, whatever the throttle of load_session."""
    with unit_of_work():
        session = live_session(token)
        if session is not None:
            session.last_seen_at = utcnow()
    return session


def live_session(token: str | None) -> UserSession | None:
    """The session behind `token` while it has not ended (how it was made: login_method, oidc_id_token), or None."""
    return db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _digest(token or ""),
                                                          UserSession.ended_at.is_(None)))


def ended_reason(token: str | None) -> str | None:
    """Why the session behind `token` ended (SESSION_END_REASONS), or None while live or unknown: the login page
    says so after an idle or absolute end."""
    session = _session_by_token(token) if token else None
    return session.end_reason if session is not None and session.ended_at is not None else None


def end_session(token: str | None, *, actor: User | None, reason: str = "logout") -> None:
    with unit_of_work():
        session = live_session(token)
        if session is not None:
            _end(session, reason, utcnow(), actor=actor)


@joins_unit_of_work
def end_all_sessions(user: User, now: datetime | None = None, *, reason: str | None = None,
                     actor: User | None = None, keep_token: str | None = None) -> int:
    """Inside the caller's unit of work: every session of `user` stops working (but the one of `keep_token`, the
    session making the request). `reason` from SESSION_END_REASONS. Audited when one ended; returns how many."""
    assert reason is None or reason in SESSION_END_REASONS, reason
    query = sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep_token is not None:
        query = query.where(UserSession.token_hash != _digest(keep_token))
    ended = db.session.execute(query.values(ended_at=now or utcnow(), end_reason=reason)).rowcount
    if ended:
        audit.record(actor, "end_sessions", "user", str(user.id), detail={"reason": reason, "count": ended})
    return ended


@joins_unit_of_work
def end_one(session: UserSession, reason: str, *, actor: User | None) -> None:
    """Inside the caller's unit of work: end this session now, with `reason` (SESSION_END_REASONS), audited."""
    _end(session, reason, utcnow(), actor=actor)


@joins_unit_of_work
def _end(session: UserSession, reason: str, at: datetime, *, actor: User | None) -> None:
    """End one session; audited as "logout" for a logout, "end_session" otherwise (never the token)."""
    assert reason in SESSION_END_REASONS, reason
    session.ended_at, session.end_reason = max(at, session.started_at), reason
    if reason == "logout":
        if actor is not None:
            audit.record(actor, "logout", "user", str(actor.id))
        return
    audit.record(actor, "end_session", "user", str(session.user_id),
                 detail={"session": session.id, "reason": reason})


def _session_by_token(token: str) -> UserSession | None:
    return db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _digest(token)))


def token_digest(token: str) -> str:
    """The stored form of a session token (UserSession.token_hash)."""
    return _digest(token)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
