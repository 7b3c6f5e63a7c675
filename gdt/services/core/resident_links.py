"""The resident's own link to their report ("Mijn melding", `/mijn-melding/<token>`).

The token signs (itsdangerous, a salt of its own) the report's id and the report's random link nonce, stamped with
the moment it was made: it names no person and opens one report only. It is valid for RESIDENT_LINK_DAYS after it
was made; every mail to the resident carries a fresh one. A new nonce (`revoke`) makes every earlier link invalid;
once the report's contact details or content are removed (anonymisation, an erasure, destruction) no link opens it
any more. In core because intake's mails make it.
"""
import hmac
import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from gdt.db import db
from gdt.models import Report
from gdt.services.core import audit
from gdt.services.core.errors import NotFound
from gdt.services.core.transaction import joins_unit_of_work

SALT = "gdt.resident-link"
PATH = "/mijn-melding/"
NO_SUCH_REPORT = "Er is geen melding met dit kenmerk."


class LinkRefused(Exception):
    """A link that opens nothing; `reason` says why (the page's answer differs, the log line does not)."""

    reason = "tampered"


class LinkTampered(LinkRefused):
    """Not signed by us, or not a link to a report: answered 403."""


class LinkExpired(LinkRefused):
    """A genuine link past RESIDENT_LINK_DAYS: answered 410, with how to get a new one."""

    reason = "expired"


class LinkRevoked(LinkRefused):
    """A genuine link whose report has a new nonce, or whose contact details or content were removed: 410."""

    reason = "revoked"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(report: Report) -> str:
    """A fresh token for `report` (valid RESIDENT_LINK_DAYS from now)."""
    if report.resident_link_nonce is None:  # a report made without the model's default: give it one now
        report.resident_link_nonce = secrets.token_hex(16)
    return _serializer().dumps([report.id, report.resident_link_nonce])


def read_link_token(token: str) -> Report:
    """The report a valid link names; LinkTampered, LinkExpired or LinkRevoked otherwise."""
    try:
        payload = _serializer().loads(token, max_age=current_app.config["RESIDENT_LINK_DAYS"] * 86400)
    except SignatureExpired as expired:
        raise LinkExpired from expired
    except BadSignature as bad:
        raise LinkTampered from bad
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)
            and isinstance(payload[1], str)):
        raise LinkTampered
    report = db.session.get(Report, payload[0])
    if report is None:
        raise LinkTampered
    if (report.destroyed_at is not None or report.contact_removed_at is not None
            or not hmac.compare_digest(payload[1], report.resident_link_nonce or "")):
        raise LinkRevoked
    return report


def page_url(report: Report) -> str:
    """The full address of a fresh link, for a mail."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{PATH}{link_token(report)}"


def page_path(report: Report) -> str:
    """The site-relative address of a fresh link (the receipt page, the app's answer)."""
    return f"{PATH}{link_token(report)}"


def token_for_reference(reference: str) -> str | None:
    """For the receipt page, shown only to the browser that sent the report."""
    report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
    return link_token(report) if report is not None else None


@joins_unit_of_work
def revoke(reference: str, *, actor, via: str | None = None) -> None:
    """A new nonce: every link to this report made so far stops working (a mail that went astray, a lost phone)."""
    report = _report(reference)
    report.resident_link_nonce = secrets.token_hex(16)
    audit.record(actor, "revoke_resident_link", "report", report.reference, detail={"via": via} if via else None)


@joins_unit_of_work
def support_link(reference: str, *, actor, via: str | None = None) -> str:
    """A fresh full link for an operator (`flask resident link`: the demo, a test), audited: it opens the page."""
    report = _report(reference)
    audit.record(actor, "issue_resident_link", "report", report.reference, detail={"via": via} if via else None)
    return page_url(report)


def _report(reference: str) -> Report:
    report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
    if report is None:
        raise NotFound(NO_SUCH_REPORT)
    return report
