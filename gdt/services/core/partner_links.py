"""Signed, expiring links for partners without an account: one per referral, one per case they take part in.

No personal data is in the URL.

The token carries only the referral's id and the partner's id, signed with SECRET_KEY and stamped with
its time of issue, so it is bound to that one partner, cannot be altered and stops working after
REFERRAL_LINK_DAYS. A new delivery (a retry, a reminder) issues a fresh link.
"""
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from gdt.db import utcnow
from gdt.models import Referral

SALT = "gdt.referral-link"
CASE_SALT = "gdt.case-link"  # another salt: a referral link is never accepted as a case link, nor the reverse
PATH = "/doorverwijzing/"
CASE_PATH = "/casus/"


class LinkInvalid(Exception):
    """Tampered with, or not a link of ours."""


class LinkExpired(Exception):
    """Genuine, but older than REFERRAL_LINK_DAYS."""


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
    return _read(token, SALT, "r")


def read_case(token: str) -> tuple[int, int]:
    """(case id, partner id) of a valid case link; LinkExpired or LinkInvalid otherwise."""
    return _read(token, CASE_SALT, "c")


def _read(token: str, salt: str, key: str) -> tuple[int, int]:
    try:
        data = _serializer(salt).loads(token, max_age=int(lifetime().total_seconds()))
    except SignatureExpired as expired:
        raise LinkExpired() from expired
    except BadSignature as bad:
        raise LinkInvalid() from bad
    if not isinstance(data, dict) or not isinstance(data.get(key), int) or not isinstance(data.get("p"), int):
        raise LinkInvalid()
    return data[key], data["p"]
