"""The Woonoverlast-app's API: GET /categories, POST /reports and the reporter's GET /reports/{reference}/status.

Only API clients of channel "app" may call it (bearer token from `api-clients create NAME
--channel app`). Rate limits (Flask-Limiter, Redis when configured): a POST counts against the
client (all devices of the app share one client) and against the caller's IP address, the status
question against the IP address. The IP is `request.remote_addr`, which only ProxyFix may set from
X-Forwarded-For, so a forged header never resets a counter. The limits are checked before the
token, so guessing tokens is limited too; the defaults can be changed in the app config.
"""
from flask import current_app, request, url_for

from gdt.api import blueprint, intake_schemas, strict_json
from gdt.api.auth import api_client, bearer_principal, client
from gdt.api.docs import problems
from gdt.api.intake_schemas import AppCategorySchema, AppReportCreatedSchema, AppReportStatusSchema
from gdt.extensions import limiter
from gdt.models import ApiClient
from gdt.services.core import idempotency, reference_data
from gdt.services.core.errors import ValidationFailed
from gdt.services.intake import app_intake

blp = blueprint("intake", "Meldingen uit de Woonoverlast-app en hun publieke status.")

STATUS_TOKEN_HEADER = "X-Status-Token"
LIMITS = {"APP_INTAKE_CLIENT_RATE_LIMIT": "120 per minute", "APP_INTAKE_IP_RATE_LIMIT": "600 per hour",
          "APP_STATUS_IP_RATE_LIMIT": "300 per minute"}
PROBLEM_TEXT = {
    400: "Geen of een ongeldige Idempotency-Key, of de body is geen strikte JSON (NaN, dubbele sleutels, …).",
    401: "Geen geldig bearer-token van een API-client.",
    403: "Deze API-client is niet van het kanaal app.",
    404: "Onbekend kenmerk of verkeerd statustoken (niet te onderscheiden).",
    409: "Een eerdere aanvraag met deze Idempotency-Key wordt nog verwerkt; probeer het zo opnieuw.",
    413: f"De body is groter dan {strict_json.MAX_BYTES // 1024} kB.",
    415: "De body is geen application/json in UTF-8.",
    422: "Ongeldige velden (invalidParams, zoals location.postcode), of de Idempotency-Key is al "
         "gebruikt voor een andere body.",
    429: "Te veel aanvragen; wacht het aantal seconden uit Retry-After.",
}
IDEMPOTENCY_KEY = {
    "in": "header", "name": idempotency.HEADER, "required": True, "schema": {"type": "string", "maxLength": 257},
    "description": "Verplicht. Een Structured-Field-string (\"8e03978e-…\", UUID aanbevolen; ook zonder "
                   "aanhalingstekens), 1–255 afdrukbare ASCII-tekens, per melding nieuw en bij elke herhaling "
                   "dezelfde. Dezelfde sleutel met dezelfde body geeft hetzelfde antwoord (header "
                   "Idempotent-Replayed: true); met een andere body 422. Een sleutel geldt 7 dagen.",
}
CREATED_HEADERS = {"Location": {"schema": {"type": "string"}, "description": "URL van de status."},
                   "Idempotent-Replayed": {"schema": {"type": "string", "enum": ["true"]},
                                           "description": "Alleen bij een herhaald antwoord."}}
STATUS_TOKEN = {
    "in": "header", "name": STATUS_TOKEN_HEADER, "required": True, "schema": {"type": "string"},
    "description": "Het statusToken uit het antwoord op POST /reports (nooit in de URL).",
}


def _limit(name: str):
    return lambda: current_app.config.get(name, LIMITS[name])


def _client_key() -> str:
    caller = bearer_principal()
    return f"client:{caller.id}" if isinstance(caller, ApiClient) else f"ip:{request.remote_addr}"


def _ip_key() -> str:
    return f"ip:{request.remote_addr}"


def _problems(*codes: int):
    return problems(blp, PROBLEM_TEXT, *codes)


@blp.route("/categories")
@blp.doc(summary="Categorieën voor bewoners")
@blp.response(200, AppCategorySchema(many=True), description="De categorieën die een bewoner kan kiezen, in de "
              "volgorde van de beheerder, elk met de uitleg voor bewoners (helpText, null: geen).")
@_problems(401, 403, 429)
@limiter.limit(_limit("APP_STATUS_IP_RATE_LIMIT"), key_func=_ip_key)
@client("app")
def list_categories():
    """The active public categories: what POST /reports accepts as `category` (any other key is refused with 422)."""
    return reference_data.public_categories(), 200, {"Cache-Control": "no-cache"}


@blp.route("/reports", methods=["POST"])
@blp.doc(summary="Melding uit de app", parameters=[IDEMPOTENCY_KEY], requestBody={
    "required": True, "content": {"application/json": {"schema": intake_schemas.AppReportSchema}}})
@blp.response(201, AppReportCreatedSchema, description="Opgeslagen (of herhaald antwoord bij dezelfde sleutel).",
              headers=CREATED_HEADERS)
@_problems(400, 401, 403, 409, 413, 415, 422, 429)
@limiter.limit(_limit("APP_INTAKE_CLIENT_RATE_LIMIT"), key_func=_client_key)
@limiter.limit(_limit("APP_INTAKE_IP_RATE_LIMIT"), key_func=_ip_key)
@client("app")
def create_report():
    """Register a report; a retry with the same Idempotency-Key and body gets the same answer, never a second report."""
    key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
    document = strict_json.load_request_object()
    data = intake_schemas.load_report(document)
    try:
        answer = app_intake.register_app_report(data, client=api_client(), idempotency_key=key,
                                                request_hash=idempotency.fingerprint(document))
    except ValidationFailed as failed:
        intake_schemas.refuse_service_errors(failed.errors)
    return answer.body, answer.status, created_headers(url_for(".report_status", reference=answer.body["reference"]),
                                                       replayed=answer.replayed)


def created_headers(location: str, *, replayed: bool) -> dict:
    """The headers of an idempotent POST's answer (documented by CREATED_HEADERS)."""
    return {"Location": location, "Cache-Control": "no-store"} | ({"Idempotent-Replayed": "true"} if replayed else {})


@blp.route("/reports/<reference>/status")
@blp.doc(summary="Publieke status van een melding", parameters=[STATUS_TOKEN])
@blp.response(200, AppReportStatusSchema, description="Alleen de publieke status; nooit inhoud, partner of casus.")
@_problems(401, 403, 404, 429)
@limiter.limit(_limit("APP_STATUS_IP_RATE_LIMIT"), key_func=_ip_key)
@client("app")
def report_status(reference: str):
    """received, in_progress or handled, for the reporter who holds the report's status token."""
    status = app_intake.public_status(reference, request.headers.get(STATUS_TOKEN_HEADER))
    return {"reference": reference, "status": status}, 200, {"Cache-Control": "no-store"}
