"""Signed, expiring links for partners without an account: one per referral, one per case they take part in.

No personal data is in the URL.

The token carries only the referral's id and the partner's id, signed with SECRET_KEY and stamped with
its time of issue, so it is bound to that one partner, cannot be altered and stops working after
REFERRAL_LINK_DAYS. A new delivery (a retry, a reminder) issues a fresh link.

The token is a bearer key for 14 days, so it is used once per visit and then leaves the address bar
(docs/decisions/0012-link-sessions.md): its first use is exchanged for a short link session (a random key in an
HttpOnly cookie scoped to the link's clean address `/doorverwijzing/<id>` or `/casus/<id>`, only its hash stored),
and the browser is sent on to that clean address. Every later request of the visit carries the cookie, never the
token. A deactivated partner's links are refused for good (`Partner.links_valid_from`) and its sessions end.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from gdt.db import db, utcnow
from gdt.models import LinkSession, Partner, Referral
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work

SALT = "gdt.referral-link"
CASE_SALT = "gdt.case-link"  # another salt: a referral link is never accepted as a case link, nor the reverse
PATH = "/doorverwijzing/"
CASE_PATH = "/casus/"
COOKIE = "gdt_link"
SEEN_INTERVAL = timedelta(minutes=1)


class LinkInvalid(Exception):
    """Tampered with, or not a link of ours."""


class LinkExpired(Exception):
    """Genuine, but older than REFERRAL_LINK_DAYS."""


@dataclass(frozen=True)
class Link:
    """What a valid link says: the referral or case, the partner, and when the link was issued."""

    object_id: int
    partner_id: int
    issued_at: datetime


@dataclass(frozen=True)
class LinkGrant:
    """The outcome of exchanging a link: the cookie's value (shown once, stored hashed), its path and its end."""

    key: str
    path: str
    expires_at: datetime


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def lifetime() -> timedelta:
    return timedelta(days=current_app.config["REFERRAL_LINK_DAYS"])


def issue(referral: Referral) -> str:
    return _serializer().dumps({"r": referral.id, "p": referral.partner_id})


def url(referral: Referral) -> str:
    """Absolute, for mails and webhooks (no request here: the worker sends them)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + PATH + issue(referral)


def expires_at(issued_at: datetime | None = None) -> datetime:
    return (issued_at or utcnow()) + lifetime()


def issue_for_case(case_id: int, partner_id: int) -> str:
    return _serializer(CASE_SALT).dumps({"c": case_id, "p": partner_id})


def case_url(case_id: int, partner_id: int) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + CASE_PATH + issue_for_case(case_id, partner_id)


def read(token: str) -> tuple[int, int]:
    """(referral id, partner id) of a valid link; LinkExpired or LinkInvalid otherwise."""
    link = read_referral_link(token)
    return link.object_id, link.partner_id


def read_case(token: str) -> tuple[int, int]:
    """(case id, partner id) of a valid case link; LinkExpired or LinkInvalid otherwise."""
    link = read_case_link(token)
    return link.object_id, link.partner_id


def read_referral_link(token: str) -> Link:
    return _read(token, SALT, "r")


def read_case_link(token: str) -> Link:
    return _read(token, CASE_SALT, "c")


def _read(token: str, salt: str, key: str) -> Link:
    try:
        data, stamp = _serializer(salt).loads(token, max_age=int(lifetime().total_seconds()), return_timestamp=True)
    except SignatureExpired as expired:
        raise LinkExpired() from expired
    except BadSignature as bad:
        raise LinkInvalid() from bad
    if not isinstance(data, dict) or not isinstance(data.get(key), int) or not isinstance(data.get("p"), int):
        raise LinkInvalid()
    return Link(data[key], data["p"], stamp.astimezone(UTC))


def revoked(link: Link, partner: Partner) -> bool:
    """A link of a partner that is inactive, or was deactivated after the link was issued, no longer works."""
    return not partner.is_active or (partner.links_valid_from is not None and link.issued_at < partner.links_valid_from)


@joins_unit_of_work
def revoke_links(partner: Partner, now: datetime | None = None) -> None:
    """Every link issued to `partner` until now stops working, also after a reactivation (the caller's unit of work).

    Links are stamped in whole seconds, so the boundary is the next whole second.
    """
    partner.links_valid_from = (now or utcnow()).replace(microsecond=0) + timedelta(seconds=1)


def clean_path(*, referral_id: int | None = None, case_id: int | None = None) -> str:
    """The address a link's visit continues on, without the token; also the link session cookie's path."""
    return f"{PATH}{referral_id}" if referral_id is not None else f"{CASE_PATH}{case_id}"


@joins_unit_of_work
def start_session(link: Link, *, referral_id: int | None = None, case_id: int | None = None) -> LinkGrant:
    """Exchange a valid link for a link session, inside the caller's unit of work; the key is returned once.

    The session ends after LINK_SESSION_IDLE_MINUTES without a request or LINK_SESSION_ABSOLUTE_HOURS after this,
    and never later than the link itself.
    """
    now = utcnow()
    key = secrets.token_urlsafe(32)
    ends = min(now + timedelta(hours=current_app.config["LINK_SESSION_ABSOLUTE_HOURS"]), link.issued_at + lifetime())
    db.session.execute(sa.delete(LinkSession).where(LinkSession.expires_at < now - timedelta(days=1)))  # tidy up
    db.session.add(LinkSession(token_hash=_digest(key), referral_id=referral_id, case_id=case_id,
                               partner_id=link.partner_id, link_issued_at=link.issued_at, started_at=now,
                               last_seen_at=now, expires_at=ends))
    return LinkGrant(key, clean_path(referral_id=referral_id, case_id=case_id), ends)


def load_session(key: str | None, *, referral_id: int | None = None, case_id: int | None = None) -> Link | None:
    """The link behind a live link session for this referral or case, or None (no cookie, ended, idle, expired)."""
    if not key or len(key) > 200:
        return None
    session = db.session.scalar(sa.select(LinkSession).where(LinkSession.token_hash == _digest(key)))
    now = utcnow()
    if (session is None or session.ended_at is not None or session.referral_id != referral_id
            or session.case_id != case_id):
        return None
    idle = timedelta(minutes=current_app.config["LINK_SESSION_IDLE_MINUTES"])
    if now >= session.expires_at or now - session.last_seen_at > idle:
        with unit_of_work():
            session.ended_at = now
        return None
    if now - session.last_seen_at > SEEN_INTERVAL:
        with unit_of_work():
            session.last_seen_at = now
    return Link(referral_id if referral_id is not None else case_id, session.partner_id, session.link_issued_at)


@joins_unit_of_work
def end_sessions(partner_id: int, *, case_id: int | None = None, now: datetime | None = None) -> int:
    """Inside the caller's unit of work: the partner's open link sessions (in one case only, with `case_id`) end.

    Returns how many were still open.
    """
    query = sa.update(LinkSession).where(LinkSession.partner_id == partner_id, LinkSession.ended_at.is_(None))
    if case_id is not None:
        query = query.where(LinkSession.case_id == case_id)
    return db.session.execute(query.values(ended_at=now or utcnow())).rowcount


def cookie_name() -> str:
    """`__Secure-` where cookies are Secure (production): a plain-HTTP page cannot set or overwrite it."""
    return f"__Secure-{COOKIE}" if current_app.config["SESSION_COOKIE_SECURE"] else COOKIE


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
