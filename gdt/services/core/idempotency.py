"""Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header; docs/decisions/0010-idempotency-keys.md).

Policy, as the draft asks a server to document it:

* The key is required on POST /api/v1/reports (400 without it): the app makes one when the
  reporter taps "verstuur" and sends it again with every retry.
* Syntax: a Structured-Field string (`"8e03978e-…"`, the draft's form) or, because many clients
  send it so, the same characters bare (`8e03978e-…`). 1–255 printable ASCII characters; the
  quoted and the bare spelling are the same key.
* Scope: a key belongs to one API client; two clients never see each other's keys.
* Fingerprint: SHA-256 of the request body in canonical JSON (sorted keys, no spaces), so a
  retry that serialises the same document differently is still the same request.
* Same key, same fingerprint: the first answer again (status and body), marked replayed.
  Same key, other fingerprint: 422. A retry while the first request is still being written: 409.
* Only an accepted request (201) is remembered; a refused one may be corrected and sent again
  with the same key.
* Expiry: a record is kept for RETENTION (7 days, friendlier than Stripe's 24 hours to a phone
  that was offline). After that the key counts as new, and `prune_idempotency_records` deletes
  old records (for a periodic task or command).

The record is written in the caller's unit of work, in one transaction with the report.
"""
import hashlib
import json
import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from gdt.db import append_row, db, utcnow
from gdt.models import ApiClient, IdempotencyRecord, Report
from gdt.services.core.errors import Conflict, ServiceError
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
RETENTION = timedelta(days=7)
_SF_STRING = re.compile(r'"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"')
_BARE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z:/=]+")  # tchar plus ":" "/" (sf-token) and "=" (base64)

MISSING = "Stuur een Idempotency-Key mee, bijvoorbeeld een UUID, en gebruik die opnieuw bij elke herhaling."
MALFORMED = (f"De Idempotency-Key moet een Structured-Field-string zijn, zoals \"8e03978e-40d5-43e8\", "
             f"van 1 tot en met {MAX_LENGTH} afdrukbare ASCII-tekens.")
REUSED = ("Deze Idempotency-Key is al gebruikt voor een andere aanvraag. "
          "Gebruik een nieuwe sleutel voor een nieuwe melding.")
IN_PROGRESS = "Een eerdere aanvraag met deze Idempotency-Key wordt nog verwerkt. Probeer het zo nog eens."


class BadIdempotencyKey(ServiceError):
    status = 400


def parse_key(raw: str | None) -> str:
    """The key from the header value, or BadIdempotencyKey (400) when it is missing or malformed."""
    if raw is None or not raw.strip():
        raise BadIdempotencyKey(MISSING, field=HEADER, code="idempotency_key_missing")
    value = raw.strip(" \t")
    quoted = _SF_STRING.fullmatch(value)
    if quoted:
        key = re.sub(r"\\(.)", r"\1", quoted.group(1))
    elif _BARE.fullmatch(value):
        key = value
    else:
        key = ""
    if not 1 <= len(key) <= MAX_LENGTH:
        raise BadIdempotencyKey(MALFORMED, field=HEADER, code="idempotency_key_invalid")
    return key


def fingerprint(document: Any) -> str:
    """SHA-256 of the document in canonical JSON: the same request, however it was serialised."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@joins_unit_of_work
def find(client: ApiClient, key: str, request_hash: str) -> IdempotencyRecord | None:
    """The live record for (client, key) when it was made by the same request; 422 when by another one.

    An expired record is deleted here, in the transaction that will write the new one (so the
    happy path needs no DELETE of its own).
    """
    record = db.session.scalar(sa.select(IdempotencyRecord).where(
        IdempotencyRecord.client_id == client.id, IdempotencyRecord.key == key))
    if record is not None and record.created_at < utcnow() - RETENTION:
        db.session.execute(sa.delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
        db.session.expunge(record)
        return None
    if record is not None and record.request_hash != request_hash:
        raise ServiceError(REUSED, code="idempotency_key_reused")
    return record


def find_after_clash(client: ApiClient, key: str, request_hash: str) -> IdempotencyRecord:
    """After our insert lost the race on (client, key): the winner's record, or 409 while it is unfinished."""
    record = find(client, key, request_hash)
    if record is None:
        raise Conflict(IN_PROGRESS, code="idempotency_in_progress")
    return record


@joins_unit_of_work
def remember(client: ApiClient, key: str, request_hash: str, status_code: int, body: dict,
             *, report: Report | None = None) -> IdempotencyRecord:
    """Store the answer in the caller's unit of work (after `find`, which cleared an expired record)."""
    record = IdempotencyRecord(client_id=client.id, key=key, request_hash=request_hash, status_code=status_code,
                               response_body=body, report_id=report.id if report is not None else None)
    append_row(record)
    return record


def prune_idempotency_records(older_than: timedelta = RETENTION) -> int:
    """Delete records older than `older_than`; returns how many. Their reports stay, of course."""
    with unit_of_work() as session:
        return session.execute(
            sa.delete(IdempotencyRecord).where(IdempotencyRecord.created_at < utcnow() - older_than)
        ).rowcount
