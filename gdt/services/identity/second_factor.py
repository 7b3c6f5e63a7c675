"""The second factor of a password account: enrolling and proving TOTP, recovery codes, the user's own changes
(after the current password), an administrator's reset, and the limit on failed attempts (README, "Second factor").

Attempts: MFA_RATE_LIMIT ("10 per 5 minutes") failed codes per account. The last one allowed starts a window of that
length in which every attempt is refused before any code is looked at (TooManyAttempts, 429); after it the count
starts again. The count lives in the database next to the password delays (login_throttles, its own key per
account), so every web process shares it. A correct code clears it.

Every attempt, enrolment, removal, reset and recovery-code change is audited with the user's id; codes, secrets and
passwords never are.
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse as parse_limit

from gdt.db import db, utcnow
from gdt.models import LoginThrottle, Passkey, User
from gdt.services.core import audit, auth, login_throttle, mail, outbox
from gdt.services.core.errors import ServiceError
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.identity import recovery_codes, totp

RESET_TOPIC = "identity.second_factor_reset"

WRONG_CODE = _l("Deze code klopt niet. Controleer of u de code van GDT in uw app gebruikt en typ de code die nu "
                "wordt getoond.")
USED_CODE = _l("Deze code is al gebruikt. Wacht tot uw app een nieuwe code toont en typ die.")
WRONG_RECOVERY_CODE = _l("Deze herstelcode klopt niet of is al gebruikt.")
WRONG_PASSWORD = _l("Dit wachtwoord klopt niet.")
UNREADABLE = _l("Uw authenticator-app kan niet meer worden gecontroleerd. Gebruik een herstelcode of een passkey, "
                "of vraag de beheerder uw tweede factor terug te zetten.")


class TooManyAttempts(ServiceError):
    """Too many wrong codes for this account: nothing is checked until the window has passed."""

    status = 429

    def __init__(self):
        super().__init__(_l("Er is te vaak een verkeerde code geprobeerd voor dit account. Wacht %(minutes)d "
                            "minuten en probeer het dan opnieuw.", minutes=_window_minutes()), code="throttled")


@dataclass(frozen=True)
class Status:
    """What the account page shows about a user's second factor."""

    totp_enabled_at: datetime | None
    unused_recovery_codes: int
    passkeys: int
    may_remove_totp: bool


def status(user: User) -> Status:
    passkeys = _passkey_count(user)
    return Status(user.totp_enabled_at, recovery_codes.unused_count(user), passkeys,
                  user.totp_enabled_at is not None and (passkeys > 0 or not current_app.config["MFA_REQUIRED"]))


# --- proving the second factor at login --------------------------------------------------------------------------

def verify_totp(user: User, typed: str | None) -> None:
    """Accept a current, unused code of the user's app, or raise (wrong, replayed, TooManyAttempts)."""
    _refuse_if_throttled(user)
    code = totp.normalise_code(typed)
    try:
        secret = _secret_of(user)
    except totp.UnreadableSecret:
        _failed(user, "second_factor", "unreadable_secret", ServiceError(UNREADABLE, field="code"), method="totp")
    step = totp.matching_step(secret, code, last_step=user.totp_last_step)
    if step is None:
        replay = totp.was_used(secret, code, last_step=user.totp_last_step)
        _failed(user, "second_factor", "replayed" if replay else "wrong_code",
                ServiceError(USED_CODE if replay else WRONG_CODE, field="code"), method="totp")
    with unit_of_work():
        # One atomic step forward: of two requests with the same code only one gets the row.
        moved = db.session.execute(sa.update(User).where(
            User.id == user.id, sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)).rowcount
        if moved:
            _clear_failures(user)
            audit.record(user, "second_factor", "user", str(user.id), detail={"method": "totp"})
    if not moved:
        _failed(user, "second_factor", "replayed", ServiceError(USED_CODE, field="code"), method="totp")


def use_recovery_code(user: User, typed: str | None) -> int:
    """Spend one recovery code in place of the app; returns how many unused codes are left."""
    _refuse_if_throttled(user)
    with unit_of_work():
        used = recovery_codes.use(user, typed)
        if used:
            _clear_failures(user)
            left = recovery_codes.unused_count(user)
            audit.record(user, "use_recovery_code", "user", str(user.id), detail={"left": left})
            audit.record(user, "second_factor", "user", str(user.id), detail={"method": "recovery_code"})
    if not used:
        _failed(user, "second_factor", "wrong_recovery_code", ServiceError(WRONG_RECOVERY_CODE, field="code"),
                method="recovery_code")
    return left


# --- enrolment ---------------------------------------------------------------------------------------------------

def enrol_totp(user: User, secret: str, typed: str | None, *, actor: User) -> list[str] | None:
    """Store `secret` as the user's app once a code made with it is right; replaces an earlier app.

    Returns new recovery codes when the user had none left (shown once by the caller), else None: setting up the
    app again keeps the codes the user already saved.
    """
    _refuse_if_throttled(user)
    step = totp.matching_step(secret, totp.normalise_code(typed), last_step=None)
    if step is None:
        _failed(actor, "enrol_totp", "wrong_code", ServiceError(WRONG_CODE, field="code"), user=user)
    with unit_of_work():
        replaced = user.totp_enabled_at is not None
        user.totp_secret = totp.encrypt(secret, _keys())
        user.totp_enabled_at, user.totp_last_step = utcnow(), step
        codes = recovery_codes.replace(user) if recovery_codes.unused_count(user) == 0 else None
        _clear_failures(user)
        audit.record(actor, "enrol_totp", "user", str(user.id),
                     detail={"replaced": replaced, "recovery_codes": len(codes) if codes else 0})
    return codes


def new_recovery_codes(user: User, password: str | None, *, actor: User) -> list[str]:
    """A new set of recovery codes after the current password; the old ones stop working."""
    reauthenticate(user, password, purpose="regenerate_recovery_codes")
    if not has_second_factor(user):
        raise ServiceError(_l("Stel eerst een authenticator-app of passkey in; herstelcodes horen daarbij."))
    with unit_of_work():
        codes = recovery_codes.replace(user)
        audit.record(actor, "regenerate_recovery_codes", "user", str(user.id), detail={"count": len(codes)})
    return codes


def remove_totp(user: User, password: str | None, *, actor: User) -> None:
    """Remove the app after the current password; not the last factor while MFA_REQUIRED is on."""
    reauthenticate(user, password, purpose="remove_totp")
    if user.totp_enabled_at is None:
        raise ServiceError(_l("Er is geen authenticator-app ingesteld."))
    passkeys = _passkey_count(user)
    if current_app.config["MFA_REQUIRED"] and passkeys == 0:
        audit.record_now(actor, "remove_totp", "user", str(user.id), outcome="denied",
                         detail={"reason": "last_factor"})
        raise ServiceError(_l("De authenticator-app is uw enige tweede factor, en die is verplicht. Voeg eerst een "
                              "passkey toe; daarna kunt u de app verwijderen."), code="last_factor")
    with unit_of_work():
        _clear_totp(user)
        if passkeys == 0:
            recovery_codes.remove_all(user)  # no factor left for them to stand in for
        audit.record(actor, "remove_totp", "user", str(user.id), detail={"recovery_codes_removed": passkeys == 0})


def reauthenticate(user: User, password: str | None, *, purpose: str) -> None:
    """The current password, asked again before a change to the second factor (a screen left unlocked).

    Wrong passwords count towards the account's login delay (login_throttle), exactly as at the login page.
    """
    key = login_throttle.account_key(user.email)
    with unit_of_work():
        throttled = login_throttle.blocked_until(key) is not None
        valid = not throttled and user.password_hash is not None and _password_matches(user.password_hash, password)
        if valid:
            login_throttle.reset(key)
        elif not throttled:
            login_throttle.record_failure(key)
        audit.record(user, "reauthenticate", "user", str(user.id), outcome="ok" if valid else "denied",
                     detail={"purpose": purpose} | ({"throttled": True} if throttled else {}))
    if throttled:
        raise auth.LoginThrottled(_l("Er is te vaak een verkeerd wachtwoord geprobeerd. Wacht een paar minuten en "
                                     "probeer het dan opnieuw."), field="password")
    if not valid:
        raise ServiceError(WRONG_PASSWORD, field="password")


# --- an administrator's reset ------------------------------------------------------------------------------------

def reset_second_factor(user: User, *, actor: User) -> None:
    """Remove the user's app, recovery codes and passkeys, end their sessions, and mail them (through the outbox).

    At the next login they set up a new factor (MFA_REQUIRED) or log in with the password alone.
    """
    if user.id == actor.id:
        raise ServiceError(_l("Uw eigen tweede factor wijzigt u op uw accountpagina."))
    with unit_of_work():
        passkeys = _passkey_count(user)
        codes = recovery_codes.unused_count(user)
        had_totp = user.totp_enabled_at is not None
        _clear_totp(user)
        recovery_codes.remove_all(user)
        db.session.execute(sa.delete(Passkey).where(Passkey.user_id == user.id))
        auth.end_all_sessions(user, reason="second_factor_reset", actor=actor)
        audit.record(actor, "reset_second_factor", "user", str(user.id),
                     detail={"totp": had_totp, "passkeys": passkeys, "recovery_codes": codes})
        outbox.enqueue(RESET_TOPIC, {"user_id": user.id})


@outbox.handler(RESET_TOPIC)
def send_reset_notice(payload: dict) -> None:
    with unit_of_work():
        user = db.session.get(User, payload["user_id"])
        if user is None or not user.is_active:
            return
        address, name = user.email, user.name
    base_url = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    required = current_app.config["MFA_REQUIRED"]
    lines = [
        f"Beste {name},",
        "",
        "Een beheerder van GDT heeft uw tweede factor teruggezet: uw authenticator-app, herstelcodes en passkeys "
        "werken niet meer voor GDT, en u bent overal uitgelogd.",
        "",
        ("Bij de volgende keer inloggen stelt u een nieuwe tweede factor in: na uw wachtwoord vraagt GDT u een "
         "authenticator-app of passkey te koppelen." if required else
         "U kunt bij uw account opnieuw een authenticator-app of passkey instellen."),
        "",
        *([f"Inloggen: {base_url}/login", ""] if base_url else []),
        "Heeft u hier niet om gevraagd? Neem dan direct contact op met de beheerder van GDT.",
        "",
        "In uw authenticator-app kunt u de oude vermelding voor GDT verwijderen.",
        "",
        "Dit bericht is automatisch verstuurd.",
    ]
    mail.send_mail(address, "Uw tweede factor voor GDT is teruggezet", "\n".join(lines))  # outside any transaction


# --- key rotation ------------------------------------------------------------------------------------------------

def reencrypt_secrets() -> tuple[int, int]:
    """Encrypt every stored TOTP secret with the current SECRET_KEY (after a rotation, with the old key in
    SECRET_KEY_FALLBACKS). Returns (re-encrypted, unreadable); an unreadable one is left for the user to re-enrol."""
    done = unreadable = 0
    with unit_of_work():
        for user in db.session.scalars(sa.select(User).where(User.totp_secret.is_not(None))):
            try:
                user.totp_secret = totp.reencrypted(user.totp_secret, _keys())
                done += 1
            except totp.UnreadableSecret:
                unreadable += 1
        audit.record(None, "reencrypt_totp_secrets", "user", None, detail={"done": done, "unreadable": unreadable})
    return done, unreadable


# --- shared ------------------------------------------------------------------------------------------------------

def new_secret() -> str:
    return totp.new_secret()


def encrypt_for_keeping(secret: str) -> str:
    """A secret during enrolment, kept in the browser's signed session until the code confirms it: encrypted too."""
    return totp.encrypt(secret, _keys())


def decrypt_kept(stored: str) -> str:
    return totp.decrypt(stored, _keys())


def _secret_of(user: User) -> str:
    if not user.totp_secret:
        raise totp.UnreadableSecret()
    return totp.decrypt(user.totp_secret, _keys())


def _keys() -> list[str]:
    config = current_app.config
    return [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]


@joins_unit_of_work
def _clear_totp(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None


def _passkey_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Passkey).where(Passkey.user_id == user.id))


def has_second_factor(user: User) -> bool:
    """An authenticator app or at least one passkey."""
    if user.totp_enabled_at is not None:
        return True
    return db.session.scalar(sa.select(sa.exists().where(Passkey.user_id == user.id)))


def needs_second_factor(user: User) -> bool:
    """A password login needs a second factor when the user has one, or must have one (MFA_REQUIRED)."""
    return current_app.config["MFA_REQUIRED"] or has_second_factor(user)


_password_hasher = PasswordHasher()


def _password_matches(password_hash: str, password: str | None) -> bool:
    if not password or len(password) > auth.MAX_PASSWORD_LENGTH:
        return False
    try:
        return _password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- failed attempts per account ---------------------------------------------------------------------------------

def _limit():
    return parse_limit(current_app.config["MFA_RATE_LIMIT"])


def _window_minutes() -> int:
    return max(1, round(_limit().get_expiry() / 60))


def _throttle_key(user: User) -> str:
    return hashlib.sha256(f"second-factor:{user.id}".encode()).hexdigest()


def _refuse_if_throttled(user: User) -> None:
    until = db.session.scalar(sa.select(LoginThrottle.blocked_until)
                              .where(LoginThrottle.account_key == _throttle_key(user)))
    if until is not None and until > utcnow():
        raise TooManyAttempts()


def _failed(actor: User | None, action: str, reason: str, refusal: ServiceError, *, user: User | None = None,
            method: str | None = None) -> NoReturn:
    """Count and audit a wrong code in a unit of work of its own, then raise `refusal`."""
    user = user or actor
    with unit_of_work():
        failures, until = _count_failure(user)
        audit.record(actor, action, "user", str(user.id), outcome="denied",
                     detail={"reason": reason} | ({"method": method} if method else {}))
        if until is not None:
            audit.record(actor, "second_factor_throttle", "user", str(user.id), outcome="denied",
                         detail={"failures": failures, "seconds": round((until - utcnow()).total_seconds())})
    raise refusal


@joins_unit_of_work
def _count_failure(user: User) -> tuple[int, datetime | None]:
    """One more wrong code; the one that reaches the limit starts the window. Returns (count, window end or None)."""
    key, now, limit = _throttle_key(user), utcnow(), _limit()
    window = timedelta(seconds=limit.get_expiry())
    login_throttle.insert_if_missing(key)
    # A count from before a quiet window, or from a window that has passed, starts again.
    db.session.execute(sa.update(LoginThrottle).where(
        LoginThrottle.account_key == key,
        sa.or_(LoginThrottle.last_failure_at < now - window, LoginThrottle.blocked_until <= now))
        .values(failures=0, blocked_until=None))
    failures = db.session.execute(
        sa.update(LoginThrottle).where(LoginThrottle.account_key == key)
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
        .returning(LoginThrottle.failures)).scalar_one()
    if failures < limit.amount:
        return failures, None
    until = now + window
    db.session.execute(sa.update(LoginThrottle).where(LoginThrottle.account_key == key).values(blocked_until=until))
    return failures, until


@joins_unit_of_work
def _clear_failures(user: User) -> None:
    login_throttle.reset(_throttle_key(user))
