"""Partner registrations through the API (channel `partner`): a chain partner's own system registers a case.

Only API clients of channel "partner" may call it (`api-clients create NAME --channel partner --partner
KEY`); the registering organisation is the client's partner, never taken from the body. The
Idempotency-Key has the app intake's semantics (gdt.services.core.idempotency), the body is strict JSON,
the field rules are the intake's and the registration form's (gdt.services.intake.partner_registrations).
"""
from typing import NoReturn

from flask import request, url_for
from marshmallow import ValidationError, fields

from gdt.api import blueprint, strict_json
from gdt.api.auth import api_client, client
from gdt.api.docs import problems
from gdt.api.intake import CREATED_HEADERS, IDEMPOTENCY_KEY, LIMITS, _client_key, _ip_key, _limit, created_headers
from gdt.api.intake_schemas import (
    _MESSAGES,
    HouseNumber,
    StrictSchema,
    _flatten,
    _text,
    refuse,
)
from gdt.extensions import limiter
from gdt.services.core import idempotency
from gdt.services.core.errors import ValidationFailed
from gdt.services.intake import partner_registrations

blp = blueprint("partner", "Aanmeldingen door ketenpartners (kanaal partner).")

LIMITS.setdefault("PARTNER_CLIENT_RATE_LIMIT", "60 per minute")
FIELD_NAMES = {  # registrations.RegistrationInput attribute → name in the API document
    "registrant_name": "registrant.name", "registrant_function": "registrant.function",
    "registrant_email": "registrant.email", "registrant_phone": "registrant.phone",
    "concerned_name": "concerned.name", "category": "category",
    "postcode": "location.postcode", "house_number": "location.house_number",
    "house_number_addition": "location.house_number_addition", "street": "location.street", "city": "location.city",
    "reason": "reason", "already_tried": "already_tried", "involved_partners": "involved_partners",
}
PROBLEM_TEXT = {
    400: "Geen of een ongeldige Idempotency-Key, of de body is geen strikte JSON.",
    401: "Geen geldig bearer-token van een API-client, of de organisatie van de client is gedeactiveerd.",
    403: "Deze API-client is niet van het kanaal partner, of zijn organisatie is niet actief.",
    404: "Geen aanmelding van de organisatie van deze client met dit kenmerk.",
    409: "Een eerdere aanvraag met deze Idempotency-Key wordt nog verwerkt; probeer het zo opnieuw.",
    413: f"De body is groter dan {strict_json.MAX_BYTES // 1024} kB.",
    415: "De body is geen application/json in UTF-8.",
    422: "Ongeldige velden (invalidParams, zoals location.postcode), of de Idempotency-Key is al gebruikt voor "
         "een andere body.",
    429: "Te veel aanvragen; wacht het aantal seconden uit Retry-After.",
}


class RegistrantSchema(StrictSchema):
    name = _text("Naam van wie aanmeldt.", required=True, maxLength=120)
    function = _text("Functie.", maxLength=120)
    email = _text("E-mailadres.", maxLength=254)
    phone = _text("Telefoonnummer.", maxLength=30)


class ConcernedSchema(StrictSchema):
    name = _text("Naam van de betrokkene, als bekend.", maxLength=120)


class LocationSchema(StrictSchema):
    postcode = _text("Postcode, zoals 1234AB.", required=True, example="5611AB")
    house_number = HouseNumber(required=True, error_messages=_MESSAGES, metadata={
        "oneOf": [{"type": "integer", "minimum": 1, "maximum": 99999}, {"type": "string", "pattern": "^[0-9]{1,5}$"}]})
    house_number_addition = _text("Huisletter en/of toevoeging.")
    street = _text("Straatnaam.", maxLength=120)
    city = _text("Woonplaats.", maxLength=80)


class RegistrationSchema(StrictSchema):
    registrant = fields.Nested(RegistrantSchema, required=True, error_messages=_MESSAGES)
    concerned = fields.Nested(ConcernedSchema, load_default=dict, error_messages=_MESSAGES)
    category = _text("Sleutel van de categorie, zoals geluidsoverlast.", required=True)
    location = fields.Nested(LocationSchema, required=True, error_messages=_MESSAGES)
    reason = _text("Waarom de partner aanmeldt.", required=True, maxLength=partner_registrations.TEXT_MAX)
    already_tried = _text("Wat al geprobeerd is.", maxLength=partner_registrations.TEXT_MAX)
    involved_partners = fields.List(fields.String(), load_default=list, error_messages=_MESSAGES, metadata={
        "description": "Sleutels van andere betrokken ketenpartners, zoals politie of ggz."})


class RegistrationCreatedSchema(StrictSchema):
    reference = fields.String(metadata={"example": "GDT-2026-000124"})
    status = fields.String(metadata={"enum": ["received"]})


class RegistrationStatusSchema(StrictSchema):
    reference = fields.String()
    status = fields.String(metadata={"enum": list(partner_registrations.STATUS_LABELS),
                                     "description": "received, in_progress of handled; nooit inhoud van de casus."})


def _problems(*codes: int):
    return problems(blp, PROBLEM_TEXT, *codes)


@blp.route("/partner-registrations", methods=["POST"])
@blp.doc(summary="Casus aanmelden als ketenpartner", parameters=[IDEMPOTENCY_KEY], requestBody={
    "required": True, "content": {"application/json": {"schema": RegistrationSchema}}})
@blp.response(201, RegistrationCreatedSchema, description="Ontvangen (of herhaald antwoord bij dezelfde sleutel).",
              headers=CREATED_HEADERS)
@_problems(400, 401, 403, 409, 413, 415, 422, 429)
@limiter.limit(_limit("PARTNER_CLIENT_RATE_LIMIT"), key_func=_client_key)
@limiter.limit(_limit("APP_INTAKE_IP_RATE_LIMIT"), key_func=_ip_key)
@client("partner")
def create_registration():
    key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
    document = strict_json.load_request_object()
    data = _load(document)
    try:
        body, replayed = partner_registrations.register_from_client(data, client=api_client(), idempotency_key=key,
                                                            request_hash=idempotency.fingerprint(document))
    except ValidationFailed as failed:
        _refuse(failed.errors)
    return body, 201, created_headers(url_for(".registration_status", reference=body["reference"]), replayed=replayed)


@blp.route("/partner-registrations/<reference>")
@blp.doc(summary="Status van een eigen aanmelding")
@blp.response(200, RegistrationStatusSchema, description="Alleen de status; nooit inhoud van de casus.")
@_problems(401, 403, 404, 429)
@limiter.limit(_limit("PARTNER_CLIENT_RATE_LIMIT"), key_func=_client_key)
@client("partner")
def registration_status(reference: str):
    report = partner_registrations.view_for_partner(reference, client=api_client())
    return {"reference": report.reference, "status": partner_registrations.partner_status(report)}, 200, \
        {"Cache-Control": "no-store"}


def _load(document: dict) -> partner_registrations.RegistrationInput:
    try:
        loaded = RegistrationSchema().load(document)
    except ValidationError as error:
        refuse(_flatten(error.messages))
    values = {}
    for name, path in FIELD_NAMES.items():
        value = loaded
        for part in path.split("."):
            value = (value or {}).get(part)
        values[name] = value
    return partner_registrations.RegistrationInput(**values)


def _refuse(errors: dict) -> NoReturn:
    refuse({FIELD_NAMES.get(name, name): message for name, message in errors.items()})
