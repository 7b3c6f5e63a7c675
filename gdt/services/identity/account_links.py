"""Invitation and password-reset links: nobody but the user ever chooses or sees their password.

A link carries a random token of 32 bytes (`secrets.token_urlsafe(32)`); only its SHA-256 is stored
(`AccountLink.token_hash`). It works once, for INVITATION_LINK_HOURS (invitation) or PASSWORD_RESET_LINK_MINUTES
(reset) after it was made; a new link of the same purpose revokes the user's older unused ones, and a password set
in any way revokes every unused link of the user. A link that is expired, used, revoked or not ours is refused
with one message (`LINK_REFUSED`) that tells the user to ask for a new one.

Mailed links go through the outbox (topic `account_link.mail`), so a link is mailed even when the worker or the
mail server is down at the moment it is made. The payload holds the link's id only: the token is made by the
handler right before the mail leaves and only its hash is written, so no token is ever stored in plain text (a
retried mail carries a fresh token; the earlier one never reached anybody, or stops working). The operator's
links (`flask setup`, `users create --print-link`) are returned instead of mailed.

The token is in the query string (`/invitation?token=…`, `/password/reset?token=…`), which the access log leaves
out; the page exchanges it on the first visit for state in the signed session cookie and moves on to the clean
address (gdt/web/auth/account_links.py).
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import AccountLink, User
from gdt.services.core import audit, auth, mail, outbox
from gdt.services.core.errors import ServiceError
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.core.working_days import AMSTERDAM
from gdt.services.identity import passwords

TOPIC = "account_link.mail"
SSO_NOTICE_TOPIC = "account_link.sso_notice"
PATHS = {"invitation": "/invitation", "password_reset": "/password/reset"}
RESETS_PER_HOUR = 3  # reset mails per account per hour: more requests get the same answer and no mail

LINK_REFUSED = _l("Deze link werkt niet (meer): hij is verlopen, al gebruikt of vervangen door een nieuwere link. "
                  "Vraag een nieuwe aan via 'Wachtwoord vergeten?' op de inlogpagina, of vraag de beheerder om een "
                  "nieuwe uitnodiging.")


class LinkRefused(ServiceError):
    """Expired, used, revoked, tampered with, or the account is no longer active: one answer for all."""

    status = 410

    def __init__(self):
        super().__init__(LINK_REFUSED, code="link_refused")


@dataclass(frozen=True)
class ValidLink:
    """What a page keeps of a link while the user chooses a password (no token)."""

    id: int
    purpose: str
    token_hash: str
    user_id: int
    email: str
    name: str
    expires_at: datetime


def lifetime(purpose: str) -> timedelta:
    config = current_app.config
    if purpose == "invitation":
        return timedelta(hours=config["INVITATION_LINK_HOURS"])
    return timedelta(minutes=config["PASSWORD_RESET_LINK_MINUTES"])


def url(purpose: str, token: str) -> str:
    """Absolute, for a mail or the operator's terminal (no request here: the worker sends mails)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{PATHS[purpose]}?token={token}"


# --- making links --------------------------------------------------------------------------------------------------

@joins_unit_of_work
def issue(user: User, purpose: str, *, actor: User | None, send_mail: bool = True) -> str | None:
    """A new link for `user`, revoking their older unused links of this purpose. Mailed through the outbox (None
    returned), or with `send_mail` False its URL is returned for the operator to hand over."""
    now = utcnow()
    _revoke(user, (purpose,), now)
    token = secrets.token_urlsafe(32)
    link = AccountLink(user_id=user.id, purpose=purpose, token_hash=_digest(token), created_at=now,
                       expires_at=now + lifetime(purpose))
    db.session.add(link)
    db.session.flush()
    audit.record(actor, f"issue_{purpose}", "user", str(user.id),
                 detail={"link": link.id, "delivery": "mail" if send_mail else "operator"})
    if send_mail:
        outbox.enqueue(TOPIC, {"link_id": link.id})
        return None
    return url(purpose, token)


def resend_invitation(user: User, *, actor: User | None) -> None:
    """A new invitation mail for an account that has no password yet (the older link stops working)."""
    with unit_of_work():
        if not awaits_invitation(user):
            raise ServiceError(_l("Dit account heeft al een wachtwoord of logt in via single sign-on: een "
                                  "uitnodiging is niet nodig."), code="no_invitation_needed")
        issue(user, "invitation", actor=actor)


def awaits_invitation(user: User) -> bool:
    """An active account without a password and not linked to the identity provider: it needs an invitation."""
    return user.may_sign_in and user.password_hash is None and user.oidc_subject is None


def pending_invitation(user: User) -> AccountLink | None:
    """The user's newest invitation that still works, for the admin's user page."""
    now = utcnow()
    return db.session.scalar(
        sa.select(AccountLink).where(AccountLink.user_id == user.id, AccountLink.purpose == "invitation",
                                     AccountLink.used_at.is_(None), AccountLink.revoked_at.is_(None),
                                     AccountLink.expires_at > now)
        .order_by(AccountLink.created_at.desc()).limit(1))


def request_password_reset(email: str | None) -> None:
    """"Wachtwoord vergeten": the same outcome whatever the address, so the page can give one answer.

    An active account with a password (or still waiting for its invitation) gets a reset link, at most
    RESETS_PER_HOUR an hour; an account that logs in through single sign-on gets a mail saying so; an unknown or
    inactive address gets nothing. Audited without the address typed.
    """
    address = (email or "").strip().lower()
    with unit_of_work():
        user = db.session.scalar(sa.select(User).where(User.email == address)) if address else None
        ref = str(user.id) if user is not None else None
        if user is None or not user.may_sign_in:  # a partner user of an offboarded partner counts as inactive
            audit.record(None, "request_password_reset", "user", ref, outcome="denied",
                         detail={"reason": "unknown" if user is None else "inactive"})
            return
        if user.password_hash is None and user.oidc_subject is not None:
            audit.record(None, "request_password_reset", "user", ref, detail={"sent": "sso_notice"})
            outbox.enqueue(SSO_NOTICE_TOPIC, {"user_id": user.id})
            return
        if _recent_resets(user) >= RESETS_PER_HOUR:
            audit.record(None, "request_password_reset", "user", ref, outcome="denied",
                         detail={"reason": "throttled"})
            return
        audit.record(None, "request_password_reset", "user", ref, detail={"sent": "link"})
        issue(user, "password_reset", actor=None)


# --- using links ---------------------------------------------------------------------------------------------------

def check(token: str | None, purpose: str) -> ValidLink:
    """The link behind `token` while it works, else LinkRefused (audited, without the token)."""
    link = db.session.scalar(sa.select(AccountLink).where(AccountLink.token_hash == _digest(token or ""),
                                                          AccountLink.purpose == purpose)) if token else None
    return _valid(link)


def recheck(link_id: int | None, token_hash: str | None, purpose: str) -> ValidLink:
    """The link a page kept (its id and token hash, never the token), again: it may have been used, revoked or
    expired since, or replaced by a newer mail."""
    link = db.session.get(AccountLink, link_id, populate_existing=True) if link_id else None
    if link is not None and (link.token_hash != token_hash or link.purpose != purpose):
        link = None
    return _valid(link)


def set_password(kept: ValidLink, password: str | None, password_again: str | None) -> User:
    """Use the link: the new password (the rules of `passwords`), the link spent, every other unused link of the
    user revoked and every session of the user ended (a reset: whoever knew the old password is out)."""
    if (password or "") != (password_again or ""):
        raise ServiceError(_l("De twee wachtwoorden zijn niet gelijk. Typ hetzelfde wachtwoord twee keer."),
                           field="password_again")
    password_hash = passwords.hash_new_password(password, email=kept.email, name=kept.name)  # slow: outside
    with unit_of_work():
        link = db.session.get(AccountLink, kept.id, with_for_update=True, populate_existing=True)
        usable = link is not None and link.token_hash == kept.token_hash and _usable(link)
        if usable:
            now = utcnow()
            user = link.user
            link.used_at = now
            user.password_hash = password_hash
            revoke_all(user, now)
            ended = auth.end_all_sessions(user, reason="password_changed", actor=user)
            audit.record(user, f"use_{link.purpose}", "user", str(user.id),
                         detail={"link": link.id, "sessions_ended": ended or 0})
    if not usable:
        _refuse(link)
    return user


@joins_unit_of_work
def revoke_all(user: User, now: datetime | None = None) -> None:
    """Inside the caller's unit of work: every unused link of `user` stops working (a password was set)."""
    _revoke(user, tuple(PATHS), now or utcnow())


# --- mails ---------------------------------------------------------------------------------------------------------

@outbox.handler(TOPIC)
def send_link(payload: dict) -> None:
    """Mail a link that still works, with a token made now (only its hash is written, before the mail leaves)."""
    with unit_of_work():
        link = db.session.get(AccountLink, payload["link_id"], with_for_update=True, populate_existing=True)
        if link is None or not _usable(link):
            return  # used, revoked by a newer link, expired, or the account was deactivated: nothing to send
        token = secrets.token_urlsafe(32)
        link.token_hash = _digest(token)
        address, name, purpose, expires_at = link.user.email, link.user.name, link.purpose, link.expires_at
    subject, body = _mail_text(purpose, name, url(purpose, token), expires_at)
    mail.send_mail(address, subject, body)  # outside any transaction; a failure leaves the message for a retry


@outbox.handler(SSO_NOTICE_TOPIC)
def send_sso_notice(payload: dict) -> None:
    with unit_of_work():
        user = db.session.get(User, payload["user_id"])
        if user is None or not user.is_active:
            return
        address, name = user.email, user.name
    config = current_app.config
    lines = [
        f"Beste {name},",
        "",
        "Er is gevraagd om het wachtwoord van uw GDT-account opnieuw in te stellen. Uw account heeft geen eigen "
        "wachtwoord: u logt in via de inlogdienst van uw organisatie.",
        "",
        f"Kies op de inlogpagina de knop '{config.get('OIDC_LABEL') or 'Inloggen met uw organisatie-account'}': "
        f"{config['PUBLIC_BASE_URL'].rstrip('/')}/login",
        "",
        "Heeft u hier niet om gevraagd? Dan kunt u dit bericht negeren.",
        "",
        "Dit bericht is automatisch verstuurd.",
    ]
    mail.send_mail(address, "Inloggen bij GDT", "\n".join(lines))


def _mail_text(purpose: str, name: str, link: str, expires_at: datetime) -> tuple[str, str]:
    until = _amsterdam(expires_at)
    if purpose == "invitation":
        return "Uitnodiging voor GDT", "\n".join([
            f"Beste {name},",
            "",
            "Er is een account voor u aangemaakt in GDT, het systeem van het de-escalatieteam. Kies met deze link "
            "uw eigen wachtwoord:",
            "",
            link,
            "",
            f"De link werkt één keer, tot {until}. Werkt hij niet meer? Vraag dan een nieuwe aan via "
            "'Wachtwoord vergeten?' op de inlogpagina, of vraag de beheerder om een nieuwe uitnodiging.",
            "",
            "Na het wachtwoord stelt u een tweede factor in (een authenticator-app of passkey), als uw organisatie "
            "dat vraagt.",
            "",
            "Dit bericht is automatisch verstuurd.",
        ])
    return "Nieuw wachtwoord voor GDT", "\n".join([
        f"Beste {name},",
        "",
        "Er is gevraagd om het wachtwoord van uw GDT-account opnieuw in te stellen. Kies met deze link een nieuw "
        "wachtwoord:",
        "",
        link,
        "",
        f"De link werkt één keer, tot {until}. Daarna vraagt u een nieuwe aan via 'Wachtwoord vergeten?' op de "
        "inlogpagina. Uw tweede factor blijft nodig om in te loggen.",
        "",
        "Heeft u hier niet om gevraagd? Dan kunt u dit bericht negeren: uw wachtwoord blijft zoals het is.",
        "",
        "Dit bericht is automatisch verstuurd.",
    ])


def _amsterdam(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


# --- helpers -------------------------------------------------------------------------------------------------------

def _valid(link: AccountLink | None) -> ValidLink:
    if link is None or not _usable(link):
        _refuse(link)
    return ValidLink(id=link.id, purpose=link.purpose, token_hash=link.token_hash, user_id=link.user_id,
                     email=link.user.email, name=link.user.name, expires_at=link.expires_at)


def _usable(link: AccountLink) -> bool:
    return (link.used_at is None and link.revoked_at is None and link.expires_at > utcnow()
            and link.user.may_sign_in)


def _refuse(link: AccountLink | None):
    reason = ("unknown" if link is None else "used" if link.used_at is not None
              else "revoked" if link.revoked_at is not None else "expired" if link.expires_at <= utcnow()
              else "inactive")
    audit.record_now(None, "use_account_link", "user", str(link.user_id) if link is not None else None,
                     outcome="denied", detail={"reason": reason} | ({"link": link.id} if link is not None else {}))
    raise LinkRefused()


@joins_unit_of_work
def _revoke(user: User, purposes: tuple[str, ...], now: datetime) -> None:
    db.session.execute(
        sa.update(AccountLink)
        .where(AccountLink.user_id == user.id, AccountLink.purpose.in_(purposes), AccountLink.used_at.is_(None),
               AccountLink.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )


def _recent_resets(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AccountLink).where(
        AccountLink.user_id == user.id, AccountLink.purpose == "password_reset",
        AccountLink.created_at > utcnow() - timedelta(hours=1)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
