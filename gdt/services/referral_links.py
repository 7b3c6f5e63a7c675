"""The signed, expiring link a partner gets for one referral: no account needed, no personal data in the URL.

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
PATH = "/doorverwijzing/"


class LinkInvalid(Exception):
    """Tampered with, or not a link of ours."""


class LinkExpired(Exception):
    """Genuine, but older than REFERRAL_LINK_DAYS."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def lifetime() -> timedelta:
    return timedelta(days=current_app.config["REFERRAL_LINK_DAYS"])


def issue(referral: Referral) -> str:
    return _serializer().dumps({"r": referral.id, "p": referral.partner_id})


def url(referral: Referral) -> str:
    """Absolute, for mails and webhooks (no request here: the worker sends them)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + PATH + issue(referral)


def expires_at(issued_at: datetime | None = None) -> datetime:
    return (issued_at or utcnow()) + lifetime()


def read(token: str) -> tuple[int, int]:
    """(referral id, partner id) of a valid link; LinkExpired or LinkInvalid otherwise."""
    try:
        data = _serializer().loads(token, max_age=int(lifetime().total_seconds()))
    except SignatureExpired as expired:
        raise LinkExpired() from expired
    except BadSignature as bad:
        raise LinkInvalid() from bad
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("p"), int):
        raise LinkInvalid()
    return data["r"], data["p"]
