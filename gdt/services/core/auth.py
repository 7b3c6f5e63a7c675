"""Passwords (argon2) and server-side login sessions: logout and deactivation end them for good."""
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import User, UserSession
from gdt.services.core import audit, login_throttle
from gdt.services.core.errors import ServiceError
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # long passphrases welcome; the bound keeps argon2 from being a DoS lever
SEEN_INTERVAL = timedelta(minutes=1)

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing equaliser for unknown accounts")


def hash_password(password: str) -> str:
    check_password_policy(password)
    return _hasher.hash(password)


def check_password_policy(password: str | None) -> None:
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


def load_session(token: str, *, idle: timedelta, absolute: timedelta) -> User | None:
    """The user behind a live session token, or None when ended, expired or deactivated."""
    session = db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _digest(token)))
    now = utcnow()
    if session is None or session.ended_at is not None or not session.user.may_sign_in:
        return None
    if now - session.last_seen_at > idle or now - session.started_at > absolute:
        with unit_of_work():
            session.ended_at = now
        return None
    if now - session.last_seen_at > SEEN_INTERVAL:
        with unit_of_work():
            session.last_seen_at = now
    session.user.login_token = token
    return session.user


def live_session(token: str | None) -> UserSession | None:
    """The session behind `token` while it has not ended (how it was made: login_method, oidc_id_token), or None."""
    return db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _digest(token or ""),
                                                          UserSession.ended_at.is_(None)))


def end_session(token: str | None, *, actor: User | None) -> None:
    with unit_of_work():
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.token_hash == _digest(token or ""), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
        if actor is not None:
            audit.record(actor, "logout", "user", str(actor.id))


@joins_unit_of_work
def end_all_sessions(user: User, now: datetime | None = None) -> None:
    """Inside the caller's unit of work: every session of `user` stops working."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
