"""Bearer tokens: personal tokens for staff (the API applies their role as the pages do) and API clients.

Tokens are shown once and stored as SHA-256 hashes: they are long random strings, so a fast hash
is enough and a lookup by hash needs no per-row work. The prefix tells the two kinds apart.

A personal token expires after TOKEN_LIFETIME_DAYS and is revoked when its user is deactivated or gets a new
password: reactivating the account does not bring it back. The user and the administrator see the tokens (never
their value) and may revoke one.
"""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import ApiClient, User, UserToken
from gdt.models.api import CLIENT_CHANNELS
from gdt.services.core import audit, reference_data
from gdt.services.core.errors import Forbidden, NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.validation import clean_fields, one_of, required, single_line

USER_PREFIX, CLIENT_PREFIX = "gdtu_", "gdtc_"
SEEN_INTERVAL = timedelta(minutes=5)


def issue_user_token(user: User, *, actor: User | None) -> str:
    """A new personal token for `user`, shown once; earlier tokens stay valid until they expire or are revoked."""
    return issue_user_token_with_expiry(user, actor=actor)[1]


def issue_user_token_with_expiry(user: User, *, actor: User | None) -> tuple[UserToken, str]:
    """The new token's row (its `expires_at`) and its value, shown once."""
    raw = USER_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with unit_of_work():
        token = UserToken(user_id=user.id, token_hash=digest(raw), created_at=now,
                          expires_at=now + timedelta(days=current_app.config["TOKEN_LIFETIME_DAYS"]))
        db.session.add(token)
        db.session.flush()
        audit.record(actor, "issue_token", "user", str(user.id), detail={"token": token.id})
    return token, raw


def tokens_of(user: User) -> list[UserToken]:
    """The user's tokens that still work, newest first (for the account page and the admin's user page)."""
    return list(db.session.scalars(
        sa.select(UserToken).where(UserToken.user_id == user.id, UserToken.revoked_at.is_(None),
                                   UserToken.expires_at > utcnow())
        .order_by(UserToken.created_at.desc(), UserToken.id.desc())
    ))


def revoke_user_token(user: User, token_id: int, *, actor: User) -> UserToken:
    """Revoke one token of `user`: the user their own, the administrator anyone's. Audited, also when refused."""
    if actor.id != user.id and actor.role != "admin":
        audit.record_now(actor, "revoke_token", "user", str(user.id), outcome="denied", detail={"token": token_id})
        raise Forbidden(_l("U mag dit token niet intrekken."))
    with unit_of_work():
        token = db.session.scalar(sa.select(UserToken).where(UserToken.id == token_id,
                                                             UserToken.user_id == user.id))
        if token is None:
            raise NotFound(_l("Dit token bestaat niet."))
        token.revoked_at = token.revoked_at or utcnow()
        audit.record(actor, "revoke_token", "user", str(user.id), detail={"token": token.id})
    return token


def revoke_user_tokens(user: User, *, actor: User | None) -> int:
    with unit_of_work():
        revoked = db.session.execute(
            sa.update(UserToken).where(UserToken.user_id == user.id, UserToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        ).rowcount
        audit.record(actor, "revoke_tokens", "user", str(user.id), detail={"count": revoked})
    return revoked


@joins_unit_of_work
def revoke_tokens_of(user_ids: list[int], now=None) -> int:
    """Inside the caller's unit of work: every personal token of these users stops working. Returns how many."""
    if not user_ids:
        return 0
    return db.session.execute(sa.update(UserToken).where(UserToken.user_id.in_(user_ids),
                                                         UserToken.revoked_at.is_(None))
                              .values(revoked_at=now or utcnow())).rowcount


def issue_api_client(name: str, channel: str, partner_key: str | None = None, *,
                     actor: User | None) -> tuple[ApiClient, str]:
    """Register a calling system (the app, a partner's system) and return it with its token, shown once."""
    fields, errors = clean_fields({"name": required(single_line(80), _l("Geef de client een naam.")),
                                   "channel": one_of(CLIENT_CHANNELS, _l("Kies een kanaal."))},
                                  {"name": name, "channel": channel})
    partner = reference_data.partner_by_key(partner_key)
    if channel == "partner" and (partner is None or not partner.is_active):
        errors["partner"] = _l("Een client voor een ketenpartner hoort bij een actieve ketenpartner.")
    if errors:
        raise ValidationFailed(errors)
    raw = CLIENT_PREFIX + secrets.token_urlsafe(32)
    with unit_of_work():
        if api_client_by_name(fields["name"]) is not None:  # also a revoked one: its name stays in the audit log
            raise ServiceError(_l("Er bestaat al een API-client met deze naam."), field="name")
        client = ApiClient(**fields, partner=partner if channel == "partner" else None, token_hash=digest(raw))
        db.session.add(client)
        audit.record(actor, "create", "api_client", fields["name"], detail={"channel": channel})
    return client, raw


def api_client_by_name(name: str) -> ApiClient | None:
    """The client called `name`, active or revoked."""
    return db.session.scalar(sa.select(ApiClient).where(ApiClient.name == name))


def revoke_api_client(name: str, *, actor: User | None) -> ApiClient:
    with unit_of_work():
        client = db.session.scalar(sa.select(ApiClient).where(ApiClient.name == name))
        if client is None:
            raise NotFound(_l("Deze API-client bestaat niet."))
        client.revoked_at = client.revoked_at or utcnow()
        audit.record(actor, "revoke", "api_client", name)
    return client


def authenticate(raw: str | None) -> User | ApiClient | None:
    """The active user or client behind a bearer token, or None.

    A personal token stops at once when its user, or its user's partner organisation, is deactivated (and
    deactivation revokes it too); a partner's client stops with its partner. Use is recorded as last_used_at and
    audited as "use_token", both at most once per token per SEEN_INTERVAL (README, "API access").
    """
    if not raw or len(raw) > 200:
        return None
    if raw.startswith(USER_PREFIX):
        token = db.session.scalar(sa.select(UserToken).where(UserToken.token_hash == digest(raw),
                                                             UserToken.revoked_at.is_(None),
                                                             UserToken.expires_at > utcnow()))
        if token is None or not token.user.may_sign_in:
            return None
        _touch(token, token.user, "user", str(token.user_id), {"token": token.id})
        return token.user
    if raw.startswith(CLIENT_PREFIX):
        client = db.session.scalar(sa.select(ApiClient).where(ApiClient.token_hash == digest(raw),
                                                              ApiClient.revoked_at.is_(None),
                                                              ~ApiClient.partner.has(is_active=False)))
        if client is not None:
            _touch(client, None, "api_client", client.name, {"client": client.id, "channel": client.channel})
        return client
    return None


def _touch(holder: UserToken | ApiClient, actor: User | None, object_type: str, object_ref: str, detail: dict) -> None:
    """The first use of a token in SEEN_INTERVAL: stamp last_used_at and audit it (the token's id, never its value).
    Later uses in the interval cost no write; every change they make is audited by its own service anyway."""
    now = utcnow()
    if holder.last_used_at is None or now - holder.last_used_at > SEEN_INTERVAL:
        with unit_of_work():
            holder.last_used_at = now
            audit.record(actor, "use_token", object_type, object_ref, detail=detail)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
