"""Photos and sound fragments from the Woonoverlast-app: POST /reports/{reference}/attachments.

The app sends the report first (POST /reports) and then each file on its own, so a slow upload
never holds the report back: the report has its reference before the first byte of a photo.
"""
import marshmallow as ma
from flask import abort, request
from werkzeug.exceptions import ServiceUnavailable

from gdt.api import blueprint
from gdt.api.auth import api_client, client
from gdt.api.docs import problems
from gdt.api.intake import LIMITS, _client_key, _ip_key, _limit
from gdt.extensions import limiter
from gdt.services.core.errors import ValidationFailed
from gdt.services.intake import attachments

blp = blueprint("attachments", "Foto's en geluidsopnamen bij een melding uit de app.")

LIMITS.setdefault("APP_ATTACHMENT_CLIENT_RATE_LIMIT", "240 per minute")
PROBLEM_TEXT = {
    401: "Geen geldig bearer-token van een API-client.",
    403: "Deze API-client is niet van het kanaal app.",
    404: "Geen melding met dit kenmerk van deze client (een melding van een andere client ook niet).",
    413: "De aanvraag is groter dan 25 MB.",
    415: "De body is geen multipart/form-data.",
    422: "Het bestand ontbreekt, is leeg, te groot (ook: te veel pixels), van een niet toegestaan type, past niet "
         "bij zijn extensie, is beschadigd of geen echte geluidsopname, of de melding heeft al het maximum aantal "
         "bijlagen (invalidParams: file).",
    429: "Te veel aanvragen; wacht het aantal seconden uit Retry-After.",
    503: "Er worden op dit moment te veel foto's verwerkt; de melding zelf staat al vast. Stuur het bestand na "
         "het aantal seconden uit Retry-After opnieuw.",
}
BUSY_RETRY_AFTER_SECONDS = 10
UPLOAD = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description":
                            "Eén foto (.jpg/.jpeg/.png/.heic/.heif, hoogstens 10 MB; wordt opnieuw gecodeerd als "
                            "JPEG, zonder EXIF/GPS) of geluidsopname (.m4a/.aac/.mp3/.ogg/.wav, hoogstens 20 MB; "
                            "moet als geluid te lezen zijn en wordt bewaard zoals verstuurd). "
                            "Het type wordt aan de inhoud herkend en moet bij de extensie passen."}}}}}}


class AttachmentCreatedSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": ["photo", "audio"]})
    contentType = ma.fields.String(required=True, attribute="content_type")
    size = ma.fields.Integer(
        required=True, attribute="size_bytes", metadata={"description": "Bytes, zoals opgeslagen."}
    )


def _problems(*codes: int):
    return problems(blp, PROBLEM_TEXT, *codes)


@blp.route("/reports/<reference>/attachments", methods=["POST"])
@blp.doc(summary="Foto of geluidsopname bij een melding", requestBody=UPLOAD)
@blp.response(201, AttachmentCreatedSchema, description="Opgeslagen.")
@_problems(401, 403, 404, 413, 415, 422, 429, 503)
@limiter.limit(_limit("APP_ATTACHMENT_CLIENT_RATE_LIMIT"), key_func=_client_key)
@limiter.limit(_limit("APP_INTAKE_IP_RATE_LIMIT"), key_func=_ip_key)
@client("app")
def add_attachment(reference: str):
    """Store one file with a report this client sent."""
    if request.mimetype != "multipart/form-data":
        abort(415, description="Stuur het bestand als multipart/form-data in het veld file.")
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed({"file": attachments.MISSING})
    try:
        attachment = attachments.add_from_client(reference, upload.filename, upload.read(), client=api_client())
    except attachments.Busy as busy:  # the report is stored already; only this file must come again
        raise ServiceUnavailable(str(busy.message), retry_after=BUSY_RETRY_AFTER_SECONDS) from None
    return attachment, 201, {"Cache-Control": "no-store"}
