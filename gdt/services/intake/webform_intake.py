"""Reports from the public webform (/melden): one report per form, whatever the browser does.

Every form has an id (in its address, /melden?formulier=<id>) and carries a one-time key the server
signs: the form id and the browser that received it (a random id in that browser's session). The
report is stored with an idempotency record of the internal "webformulier" client under the pair
(browser, form), in the report's own transaction. So a double click, a reload of the POST, the back
button and "verstuur" again, or the form's address opened again in the same browser finds the first
report instead of making a second one, while a key replayed from another browser is refused before
anything is looked up: it never shows the first report's reference. Unlike the app's API (where the
same key with another body is an error) the webform answers any repeat of a key with the first
report: a resident who went back to correct something has already reported, and is told so.
"""
import hashlib
import hmac
import logging
import re
import secrets
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from gdt.db import db
from gdt.models import ApiClient
from gdt.services.core import audit, idempotency
from gdt.services.core.errors import Conflict, ServiceError, ValidationFailed
from gdt.services.core.tokens import digest
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachments, receipts, report_intake

log = logging.getLogger(__name__)

CLIENT_NAME = "webformulier"
KEY_SALT = "gdt.webform.key"
KEY_MAX_AGE = 7 * 24 * 3600  # as long as an idempotency record lives: a tab left open for days still works
MAX_PHOTOS = 3
REQUEST_HASH = "webform"  # the key alone decides (see the module docstring)
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16): a form id, a browser id
BAD_KEY = _l("Het formulier is niet compleet geladen. Controleer uw gegevens en verstuur het opnieuw.")
OTHER_BROWSER = _l("Dit formulier is in een andere browser geopend en is daarom niet verstuurd. "
                   "Vul hieronder een nieuw formulier in.")
TOO_MANY_PHOTOS = _l("U kunt hoogstens %(count)s foto's toevoegen.")
# The intake's rules are shared with the phone intake and the API, and some of their messages speak to staff
# about the reporter. On the public form the resident reads these instead (field: (staff's, resident's)).
RESIDENT_WORDING = {
    "category": (_l("Kies een categorie."), _l("Kies wat voor overlast het is.")),
    "reporter_name": (_l("Vul de naam van de melder in, of kies anoniem."),
                      _l("Vul uw naam in, of kies ‘Ik wil anoniem melden’.")),
    "reporter_phone": (_l("Vul een telefoonnummer of e-mailadres in als de melder benaderd mag worden."),
                       _l("Vul uw telefoonnummer of e-mailadres in als wij contact met u mogen opnemen.")),
}


class OtherBrowser(ServiceError):
    """The one-time key was given to another browser: a copied or replayed form. Nothing is looked up."""


class Received(NamedTuple):
    reference: str
    repeated: bool  # True when this form had been sent before
    form_id: str


def new_id() -> str:
    """A new form id or browser id: random, 22 URL-safe characters."""
    return secrets.token_urlsafe(16)


def is_id(value: str | None) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def issue_form_key(form_id: str, browser: str) -> str:
    """The one-time key of form `form_id` as shown to `browser` (signed, so neither can be swapped)."""
    return _serializer().dumps({"form": form_id, "browser": browser})


def form_of(form_key: str | None, browser: str) -> str | None:
    """The form id the key names when it is a valid key given to `browser`; None otherwise."""
    try:
        return _read_key(form_key, browser)
    except ServiceError:
        return None


def sent_reference(form_id: str, browser: str) -> str | None:
    """The reference of the report `browser` sent with form `form_id`, or None (not sent, or not by it)."""
    record = idempotency.find(webform_client(), _record_key(browser, form_id), REQUEST_HASH)
    return record.response_body["reference"] if record is not None else None


def register(
    data: report_intake.ReportInput, photos: list[tuple[str | None, bytes]], *, form_key: str | None, browser: str
) -> Received:
    """Store the report (with its photos, history, audit event and receipt) or find the one this form made.

    `browser` is the id the sending browser's session holds; a key given to another browser is refused
    with OtherBrowser before anything is looked up.
    """
    form_id = _read_key(form_key, browser)
    key = _record_key(browser, form_id)
    client = webform_client()
    earlier = idempotency.find(client, key, REQUEST_HASH)
    if earlier is not None:
        return Received(earlier.response_body["reference"], repeated=True, form_id=form_id)
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
        return Received(winner.response_body["reference"], repeated=True, form_id=form_id)
    return Received(report.reference, repeated=False, form_id=form_id)


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
        fields = report_intake.with_address_ids(report_intake.clean_report_input(data, resident=True),
                                                 chosen=None)
    except ValidationFailed as failed:
        errors |= failed.errors
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = TOO_MANY_PHOTOS % {"count": MAX_PHOTOS}
    else:
        for filename, content in photos:
            try:
                prepared.append(attachments.prepare(filename, content, photos_only=True))
            except ValidationFailed as failed:  # named, so the resident knows which of the photos to change
                name = attachments.display_name(filename)
                message = failed.errors[attachments.FIELD]
                errors["photos"] = f"{name}: {message}" if name else message
                break
    if errors:
        raise ValidationFailed(_for_the_resident(errors))
    return fields, prepared


def _for_the_resident(errors: dict) -> dict:
    """The intake's messages written for staff ("de melder") as the resident on the form is addressed ("u")."""
    return {field: RESIDENT_WORDING[field][1] if field in RESIDENT_WORDING
            and str(message) == str(RESIDENT_WORDING[field][0]) else message
            for field, message in errors.items()}


def _read_key(form_key: str | None, browser: str) -> str:
    """The form id of a valid key given to `browser`.

    Unreadable, expired or of the old kind (no browser in it): ValidationFailed on the key, and the form
    comes back with what was typed. Given to another browser: OtherBrowser.
    """
    try:
        payload = _serializer().loads(form_key or "", max_age=KEY_MAX_AGE)
    except BadSignature:
        payload = None
    if not isinstance(payload, dict) or not is_id(payload.get("form")) or not is_id(payload.get("browser")):
        log.info("webform: a form without a valid one-time key was refused")
        raise ValidationFailed({"form_key": BAD_KEY})
    if not hmac.compare_digest(payload["browser"], browser or ""):
        log.info("webform: a one-time key given to another browser was refused")
        raise OtherBrowser(OTHER_BROWSER, field="form_key", code="other_browser")
    return payload["form"]


def _record_key(browser: str, form_id: str) -> str:
    """The idempotency key of (browser, form): only the browser that sent a form finds its report."""
    return hashlib.sha256(f"{browser}:{form_id}".encode()).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=KEY_SALT)
