"""The resident's own link to their report ("Mijn melding", `/mijn-melding/<token>`).

The token is the report's id signed with the secret key (itsdangerous, a salt of its own) and stamped with the
moment it was made: it names no person and opens one report only. It is valid for RESIDENT_LINK_DAYS after it was
made; every mail to the resident carries a fresh one. Once the report's contact details or content are removed
(anonymisation, an erasure, destruction) no link opens it any more. In core because intake's mails make it.
"""
import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from gdt.db import db
from gdt.models import Report

SALT = "gdt.resident-link"


class LinkExpired(Exception):
    """A genuine link past its validity: the page says how to get a new one."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(report: Report) -> str:
    return _serializer().dumps(report.id)


def token_for_reference(reference: str) -> str | None:
    """For the receipt page, shown only to the browser that sent the report."""
    report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
    return link_token(report) if report is not None else None


def page_url(report: Report) -> str:
    """The full address for a mail."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/mijn-melding/{link_token(report)}"


def read_link_token(token: str) -> Report | None:
    """The report a valid link names; None for a tampered link or a report no longer open to its resident.

    Raises LinkExpired for a genuine but expired link."""
    max_age = current_app.config["RESIDENT_LINK_DAYS"] * 86400
    try:
        report_id = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as expired:
        raise LinkExpired from expired
    except BadSignature:
        return None
    if not isinstance(report_id, int):
        return None
    report = db.session.get(Report, report_id)
    if report is None or report.destroyed_at is not None or report.contact_removed_at is not None:
        return None
    return report
