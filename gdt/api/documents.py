"""Case documents in the staff API: list and upload on a case, one document with its versions, a version's content,
a new version.

Personal bearer tokens (or the pages' session, with CSRF on writes). Coordinators who may open the case see and
upload everything; a partner user's token sees only the documents flagged for partners of the cases its
organisation takes part in (another case: 403; an unflagged document: 404). The rules, the upload checks and
the audit are the pages' (gdt.services.documents): every download is audited with who, which version and of
which case. Uploads are multipart/form-data; refusals are problem+json with invalidParams naming the field.
"""
import io
from datetime import date

import marshmallow as ma
from flask import abort, request, send_file, url_for
from marshmallow import fields

from gdt.api import blueprint, docs
from gdt.api.auth import api_user, staff
from gdt.api.docs import API_VERSION_HEADER
from gdt.api.intake import created_headers
from gdt.api.staff import PRIVATE
from gdt.api.staff_schemas import PROBLEM_DESCRIPTIONS, LocalDateTime
from gdt.models.documents import DOCUMENT_TYPES, VERSION_SOURCES
from gdt.services.casework import cases
from gdt.services.core.errors import ValidationFailed
from gdt.services.documents import file_check, reading, store

blp = blueprint("documents", "Documenten van een casus (proces-verbaal, verslag, brief, besluit …) met hun versies; "
                             "regisseurs alles, ketenpartners alleen wat voor hen zichtbaar is gemaakt.")

ID = "int(max=2147483647)"
READERS, WRITERS = ("coordinator", "partner"), ("coordinator",)
HEADERS = {"API-Version": API_VERSION_HEADER}
CREATED = {"Location": {"description": "URL van het aangemaakte record.", "schema": {"type": "string"}},
           "API-Version": API_VERSION_HEADER}
FILE_FIELD = {"type": "string", "format": "binary", "description":
              "PDF (zonder scripts of ingesloten bestanden), foto (.jpg/.jpeg/.png/.heic/.heif; opnieuw gecodeerd als "
              "JPEG, zonder EXIF/GPS), Office-document (.docx, .xlsx, .odt; geen macro's, geen .doc/.xls) of "
              "geluidsopname (.mp3, .m4a, .wav, .ogg), hoogstens DOCUMENT_MAX_BYTES (standaard 20 MB). Het type "
              "wordt aan de inhoud herkend en moet bij de extensie passen."}
NEW_DOCUMENT = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["document_type", "title", "document_date", "file"],
    "properties": {
        "document_type": {"type": "string", "enum": list(DOCUMENT_TYPES)},
        "title": {"type": "string", "maxLength": 200},
        "document_date": {"type": "string", "format": "date"},
        "visible_to_partners": {"type": "boolean", "default": False,
                                "description": "Zichtbaar voor de ketenpartners van deze casus."},
        "file": FILE_FIELD}}}}}
NEW_VERSION = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {"file": FILE_FIELD}}}}}
CONTENT = {"200": {"description": "De inhoud van de versie, als download (Content-Disposition: attachment).",
                   "headers": {"Content-Disposition": {"schema": {"type": "string"}},
                               "API-Version": API_VERSION_HEADER},
                   "content": {content_type: {"schema": {"type": "string", "format": "binary"}}
                               for content_type in file_check.CONTENT_TYPES}}}
TRUE, FALSE = ("true", "1", "on", "yes", "y"), ("false", "0", "off", "no", "n", "")
NOT_MULTIPART = "Stuur het document als multipart/form-data."
MISSING_FILE = "Voeg een bestand toe in het veld file."
NOT_A_BOOLEAN = "Gebruik true of false."
NOT_A_DATE = "Gebruik een datum als JJJJ-MM-DD."
PROBLEMS = PROBLEM_DESCRIPTIONS | {
    403: "Uw rol of need-to-know geeft geen toegang (een ketenpartner: niet bij deze casus).",
    404: "Deze casus, dit document of deze versie bestaat niet (of is niet voor ketenpartners zichtbaar gemaakt).",
    413: "De aanvraag is groter dan 25 MB.",
    415: "De body is geen multipart/form-data.",
    422: "Ongeldige velden of een bestand dat niet kan worden toegevoegd (invalidParams: document_type, title, "
         "document_date, visible_to_partners, file).",
}


class VersionSchema(ma.Schema):
    number = fields.Integer(required=True)
    source = fields.String(required=True, metadata={"enum": list(VERSION_SOURCES)})
    letter_template_name = fields.String(allow_none=True)
    content_type = fields.String(required=True)
    extension = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    created_at = LocalDateTime(required=True)
    content_url = fields.Function(lambda version: url_for(
        "api_documents.version_content", id=version.document_id, number=version.number), required=True)


class DocumentSchema(ma.Schema):
    id = fields.Integer(required=True)
    case_reference = fields.Function(lambda document: document.case.reference, required=True)
    document_type = fields.String(required=True, metadata={"enum": list(DOCUMENT_TYPES)})
    title = fields.String(required=True)
    document_date = fields.Date(required=True)
    visible_to_partners = fields.Boolean(required=True)
    version = fields.Integer(required=True, metadata={"description": "Versie van de gegevens (optimistic locking)."})
    created_at = LocalDateTime(required=True)
    versions = fields.List(fields.Nested(VersionSchema), required=True)


def _problems(*statuses: int):
    return docs.problems(blp, PROBLEMS, *statuses)


@blp.route("/cases/<reference>/documents")
@staff(*READERS)
@blp.response(200, DocumentSchema(many=True), headers=HEADERS)
@_problems(401, 403, 404)
@blp.doc(summary="Documenten van een casus", description="Nieuwste datum eerst, met hun versies; een ketenpartner "
         "ziet alleen de documenten die voor ketenpartners zichtbaar zijn. De inzage van de casus staat in de "
         "auditlog.")
def list_documents(reference: str):
    user = api_user()
    return reading.documents_of(user, cases.view_case(reference, actor=user)), PRIVATE


@blp.route("/cases/<reference>/documents", methods=["POST"])
@staff(*WRITERS)
@blp.doc(summary="Document toevoegen", description="Een nieuw document met zijn eerste versie; het bestand wordt "
         "aan zijn inhoud gecontroleerd en buiten de webroot bewaard. Staat in de auditlog.",
         requestBody=NEW_DOCUMENT)
@blp.response(201, DocumentSchema, headers=CREATED)
@_problems(401, 403, 404, 413, 415, 422)
def add_document(reference: str):
    user = api_user()
    data, filename = _upload()
    case = cases.view_case(reference, actor=user)
    document = store.add_document(case, document_type=_text("document_type"), title=_text("title"),
                                  document_date=_date(), visible_to_partners=_boolean(), data=data,
                                  filename=filename, actor=user)
    return document, 201, created_headers(url_for(".show_document", id=document.id), replayed=False)


@blp.route(f"/documents/<{ID}:id>")
@staff(*READERS)
@blp.response(200, DocumentSchema, headers=HEADERS)
@_problems(401, 403, 404)
@blp.doc(summary="Document", description="Eén document met zijn versies; elke inzage staat in de auditlog.")
def show_document(id: int):
    return reading.document_for(api_user(), id), PRIVATE


@blp.route(f"/documents/<{ID}:id>/versions", methods=["POST"])
@staff(*WRITERS)
@blp.doc(summary="Nieuwe versie", description="Voegt een versie toe, genummerd na de hoogste; staat in de "
         "auditlog.", requestBody=NEW_VERSION)
@blp.response(201, VersionSchema, headers=CREATED)
@_problems(401, 403, 404, 409, 413, 415, 422)
def add_version(id: int):
    user = api_user()
    data, filename = _upload()
    document = reading.document_for(user, id, audited=False)  # the upload is audited
    version = store.add_version(document, data=data, filename=filename, actor=user)
    return version, 201, created_headers(url_for(".version_content", id=id, number=version.number),
                                         replayed=False)


@blp.route(f"/documents/<{ID}:id>/versions/<{ID}:number>/content")
@staff(*READERS)
@blp.doc(summary="Inhoud van een versie", description="Het bestand als download; elke download staat met wie, "
         "welke versie en van welke casus in de auditlog.", responses=CONTENT)
@_problems(401, 403, 404)
def version_content(id: int, number: int):
    version, stored = reading.open_version(api_user(), id, number)
    # Read whole from the store (folder or bucket) and sent by GDT itself, never as a link into the bucket.
    response = send_file(io.BytesIO(stored.read_bytes()), mimetype=version.content_type, as_attachment=True,
                         download_name=f"{version.document.case.reference}-document-{id}-v{number}."
                                       f"{version.extension}", max_age=0, conditional=False)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _upload() -> tuple[bytes, str]:
    if request.mimetype != "multipart/form-data":
        abort(415, description=NOT_MULTIPART)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed({"file": MISSING_FILE})
    return upload.read(), upload.filename or ""


def _text(name: str) -> str:
    return request.form.get(name, "")


def _date() -> date | None:
    raw = request.form.get("document_date", "")
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed({"document_date": NOT_A_DATE}) from None


def _boolean() -> bool:
    raw = request.form.get("visible_to_partners", "").strip().lower()
    if raw not in TRUE + FALSE:
        raise ValidationFailed({"visible_to_partners": NOT_A_BOOLEAN})
    return raw in TRUE

