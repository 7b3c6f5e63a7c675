"""Reports from the public webform (/melden): one report per form, whatever the browser does.

Every rendering of the form carries a one-time key made (and signed) by the server. The key is
stored as an idempotency record of the internal "webformulier" client in the report's own
transaction, so a double click, a reload of the POST or the back button and "verstuur" again
finds the first report instead of making a second one. Unlike the app's API (where the same key
with another body is an error) the webform answers any repeat of a key with the first report:
a resident who went back to correct something has already reported, and is told so.
"""
import logging
import secrets
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from gdt.db import db
from gdt.models import ApiClient
from gdt.services.core import audit, idempotency
from gdt.services.core.errors import Conflict, ValidationFailed
from gdt.services.core.tokens import digest
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachments, receipts, report_intake

log = logging.getLogger(__name__)

CLIENT_NAME = "webformulier"
KEY_SALT = "gdt.webform.key"
KEY_MAX_AGE = 7 * 24 * 3600  # as long as an idempotency record lives: a tab left open for days still works
MAX_PHOTOS = 3
REQUEST_HASH = "webform"  # the key alone decides (see the module docstring)
BAD_KEY = _l("Het formulier is niet compleet geladen. Controleer uw gegevens en verstuur het opnieuw.")
TOO_MANY_PHOTOS = _l("U kunt hoogstens %(count)s foto's toevoegen.")


class Received(NamedTuple):
    reference: str
    repeated: bool  # True when this form had been sent before


def issue_form_key() -> str:
    return _serializer().dumps(secrets.token_urlsafe(16))


def register(
    data: report_intake.ReportInput, photos: list[tuple[str | None, bytes]], *, form_key: str | None
) -> Received:
    """Store the report (with its photos, history, audit event and receipt) or find the one this form made."""
    key = _read_key(form_key)
    client = webform_client()
    earlier = idempotency.find(client, key, REQUEST_HASH)
    if earlier is not None:
        return Received(earlier.response_body["reference"], repeated=True)
    fields, prepared = _checked(data, photos)
    try:
        with unit_of_work():
            report = report_intake.add_report(fields, channel="webform", api_client_id=client.id)
            idempotency.remember(client, key, REQUEST_HASH, 201, {"reference": report.reference}, report=report)
            for photo in prepared:
                attachments.store(report, photo, api_client=client)
            audit.record(
                None, "create", "report", report.reference, detail={"channel": "webform", "photos": len(prepared)}
            )
            receipts.queue_receipt(report)
    except Conflict:
        # The same form sent twice at once: the other request committed first (or is about to).
        winner = idempotency.find_after_clash(client, key, REQUEST_HASH)
        return Received(winner.response_body["reference"], repeated=True)
    return Received(report.reference, repeated=False)


def webform_client() -> ApiClient:
    """The internal API client the webform's idempotency records and uploads belong to; made on first use.

    Its token hash is of a random value nobody ever sees: it cannot be used to call the API.
    """
    client = db.session.scalar(sa.select(ApiClient).where(ApiClient.name == CLIENT_NAME))
    if client is None:
        try:
            with unit_of_work():
                db.session.add(ApiClient(name=CLIENT_NAME, channel="webform", token_hash=digest(secrets.token_hex(32))))
        except Conflict:
            pass  # the very first two forms at once: the other request made it
        client = db.session.scalar(sa.select(ApiClient).where(ApiClient.name == CLIENT_NAME))
    return client


def _checked(data: report_intake.ReportInput, photos: list[tuple[str | None, bytes]]) -> tuple[dict, list]:
    """Every field and every photo checked at once, so the resident sees all mistakes together."""
    errors, fields, prepared = {}, None, []
    try:
        fields = report_intake.with_address_ids(report_intake.clean_report_input(data), chosen=None)
    except ValidationFailed as failed:
        errors |= failed.errors
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = TOO_MANY_PHOTOS % {"count": MAX_PHOTOS}
    else:
        for filename, content in photos:
            try:
                prepared.append(attachments.prepare(filename, content))
            except ValidationFailed as failed:
                errors["photos"] = failed.errors[attachments.FIELD]
                break
        if any(photo.kind != "photo" for photo in prepared):
            errors["photos"] = attachments.NOT_A_PHOTO
    if errors:
        raise ValidationFailed(errors)
    return fields, prepared


def _read_key(form_key: str | None) -> str:
    try:
        return _serializer().loads(form_key or "", max_age=KEY_MAX_AGE)
    except BadSignature:
        log.info("webform: a form without a valid one-time key was refused")
        raise ValidationFailed({"form_key": BAD_KEY}) from None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=KEY_SALT)
