"""Reports from the Woonoverlast-app (POST /api/v1/reports) and the public status the app may show its reporter.

Nothing accepted is lost (docs/decisions/0002-transactional-outbox.md): the report, its history, its
idempotency record, the audit event and the queued receipt are written in one unit of work. The 201
answer is sent only after that commit, so a reference the app has seen is always in the database.

The status token lets the reporter's app ask for the public status of one report. It is stored
only as a SHA-256 hash. So that a retry can get the very same answer without the token being kept
in plain text anywhere, the token is an HMAC, under the server's SECRET_KEY, of the client, the
Idempotency-Key and the reference: unguessable without the secret, and computed again on a replay.
"""
import base64
import hashlib
import hmac
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from gdt.db import db
from gdt.models import ApiClient, IdempotencyRecord, Report
from gdt.services.core import audit, idempotency, resident_links
from gdt.services.core.errors import Conflict, NotFound
from gdt.services.core.tokens import digest
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.intake import receipts, report_intake

STATUS_TOKEN_PREFIX = "gdts_"
PUBLIC_STATUSES = ("received", "in_progress", "handled")
NOT_FOUND = "Er is geen melding met dit kenmerk en dit statustoken."


class Answer(NamedTuple):
    """What to send back: the status code, the JSON body and whether it repeats an earlier answer."""

    status: int
    body: dict
    replayed: bool = False


def register_app_report(data: report_intake.ReportInput, *, client: ApiClient, idempotency_key: str,
                        request_hash: str) -> Answer:
    """Register a report sent by `client`, or repeat the answer to the earlier request with this key.

    Raises ValidationFailed (the intake's field names), ServiceError 422 (key reused for another
    body) or Conflict 409 (the first request with this key is still being written).

    A new key is the common case, so the report is written straight away: the unique index on
    (client, key) finds a retry, after which the earlier answer is looked up (an expired one is
    deleted there and the report written once more). A retry costs a rolled-back write and leaves
    a gap in the reference numbers; a first request costs no lookup.
    """
    fields = report_intake.with_address_ids(report_intake.clean_report_input(data, resident=True), chosen=None)
    try:
        return _register_new(fields, client, idempotency_key, request_hash)
    except Conflict:  # the key was used before (or is being used right now)
        return _answer_retry(fields, client, idempotency_key, request_hash)


def _answer_retry(fields: dict, client: ApiClient, idempotency_key: str, request_hash: str) -> Answer:
    """The first answer to a key already taken; when its record had expired (`find` deletes it), the report anew."""
    with unit_of_work():
        earlier = idempotency.find(client, idempotency_key, request_hash)
    if earlier is not None:
        return _replay(earlier, client, idempotency_key)
    try:
        return _register_new(fields, client, idempotency_key, request_hash)
    except Conflict:
        return _replay(idempotency.find_after_clash(client, idempotency_key, request_hash), client, idempotency_key)


def _register_new(fields: dict, client: ApiClient, idempotency_key: str, request_hash: str) -> Answer:
    """The report, its idempotency record, audit event and receipt in one unit of work; Conflict when the key is
    taken (PostgreSQL waits at the unique index for a request with the same key that is still being written)."""
    with unit_of_work():
        report, token = _new_report(fields, client, idempotency_key)
        body = {"reference": report.reference, "status": "received"}
        idempotency.remember(client, idempotency_key, request_hash, 201, body, report=report)
        audit.record(None, "create", "report", report.reference, detail={"client": client.name})
        receipts.queue_receipt(report)  # follow-up work: an outbox row in this same transaction
        answer = Answer(201, body | {"statusToken": token, "residentUrl": resident_links.page_url(report)})
    return answer  # built before the commit, which expires the report: reading it afterwards would cost a query


@joins_unit_of_work
def _new_report(fields: dict, client: ApiClient, idempotency_key: str) -> tuple[Report, str]:
    """The report with its status token. The reference is drawn first: the token is derived from it."""
    reference = report_intake.new_reference()
    token = status_token(client, idempotency_key, reference)
    report = report_intake.add_report(fields, channel="app", reference=reference, api_client_id=client.id,
                                      reporter_token_hash=digest(token))
    return report, token


def _replay(record: IdempotencyRecord, client: ApiClient, idempotency_key: str) -> Answer:
    body = dict(record.response_body)
    if record.status_code == 201:
        body["statusToken"] = status_token(client, idempotency_key, body["reference"])
        report = db.session.scalar(sa.select(Report).where(Report.reference == body["reference"]))
        body["residentUrl"] = resident_links.page_url(report)  # a fresh link, never one kept in the record
    return Answer(record.status_code, body, replayed=True)


def status_token(client: ApiClient, idempotency_key: str, reference: str) -> str:
    message = "\x00".join(("gdt.status-token", str(client.id), idempotency_key, reference)).encode()
    mac = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()
    return STATUS_TOKEN_PREFIX + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def public_status(reference: str, raw_token: str | None) -> str:
    """received, in_progress or handled; NotFound alike for an unknown report and a wrong token."""
    if not raw_token or len(raw_token) > 100:
        raise NotFound(NOT_FOUND)
    report = db.session.scalar(sa.select(Report).where(Report.reporter_token_hash == digest(raw_token))
                               .options(selectinload(Report.case)))
    if report is None or not hmac.compare_digest(report.reference.encode(), reference.encode()):
        raise NotFound(NOT_FOUND)
    return public_status_of(report)


def public_status_of(report: Report) -> str:
    """received = not yet triaged; in_progress = referred, or escalated with an open case; handled = closed."""
    if report.status == "received":
        return "received"
    if report.status == "closed" or (report.status == "escalated" and report.case and report.case.status == "closed"):
        return "handled"
    return "in_progress"

