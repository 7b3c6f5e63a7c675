"""The app intake API's documents: the shape here, the field rules in gdt.services.intake.report_intake.

The schemas check only the shape: which fields exist (anything else is refused, so no `status`,
`id` or `version` can be slipped in), which are present, and the JSON type of each. Whether a
postcode, house number, e-mail address or category is valid, and how long a text may be, is
decided by `intake.clean_report_input`, the same rules the phone form uses, so the form and the
API can never drift apart. FIELD_NAMES maps the service's flat names to the API's dotted names
in both directions.

Types: strings are strings; `anonymous` and `may_contact` are JSON booleans (no "true", 1 or "ja");
`house_number` is an integer or a string of ASCII digits (12 or "12": the app may send either),
never 12.0, true, [12] or an object.
"""
from typing import NoReturn

import flask_smorest
from marshmallow import RAISE, Schema, ValidationError, fields

from gdt.services.intake import app_intake, report_intake

FIELD_NAMES = {  # intake.ReportInput attribute → name in the API document
    "category": "category",
    "description": "description",
    "postcode": "location.postcode",
    "house_number": "location.house_number",
    "house_number_addition": "location.house_number_addition",
    "street": "location.street",
    "city": "location.city",
    "reporter_is_anonymous": "reporter.anonymous",
    "reporter_name": "reporter.name",
    "reporter_email": "reporter.email",
    "reporter_phone": "reporter.phone",
    "reporter_may_contact": "reporter.may_contact",
}
PROBLEM = "application/problem+json"

_MESSAGES = {"required": "Dit veld ontbreekt.", "null": "Dit veld mag niet null zijn."}


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "Onbekend veld.", "type": "Gebruik een JSON-object."}


class Text(fields.String):
    default_error_messages = {"invalid": "Gebruik tekst (een JSON-string)."}


class StrictBoolean(fields.Boolean):
    """true or false, nothing that merely looks like one."""

    default_error_messages = {"invalid": "Gebruik true of false."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class HouseNumber(fields.Field):
    """An integer or a string; the intake rule then accepts only 1–99999 in ASCII digits."""

    default_error_messages = {"invalid": 'Gebruik een geheel getal of cijfers als tekst, zoals 12 of "12".'}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.make_error("invalid")
        return value


def _text(description: str, *, required: bool = False, **metadata) -> Text:
    if required:
        return Text(required=True, error_messages=_MESSAGES, metadata={"description": description} | metadata)
    return Text(load_default=None, allow_none=True, error_messages=_MESSAGES,
                metadata={"description": description} | metadata)


class AppLocationSchema(StrictSchema):
    postcode = _text("Postcode, zoals 1234AB of 1234 ab.", required=True, example="5611AB")
    house_number = HouseNumber(required=True, error_messages=_MESSAGES, metadata={
        "description": "Huisnummer 1–99999 (geheel getal of cijfers als tekst); een letter hoort in de toevoeging.",
        "oneOf": [{"type": "integer", "minimum": 1, "maximum": 99999}, {"type": "string", "pattern": "^[0-9]{1,5}$"}],
        "example": 12})
    house_number_addition = _text("Huisletter en/of toevoeging, hoogstens zes letters of cijfers.", example="A")
    street = _text("Straatnaam.", maxLength=120)
    city = _text("Woonplaats.", maxLength=80)


class AppReporterSchema(StrictSchema):
    anonymous = StrictBoolean(load_default=False, error_messages=_MESSAGES,
                              metadata={"description": "Anoniem melden: naam en contactgegevens worden genegeerd."})
    name = _text("Naam van de melder; verplicht tenzij anoniem.", maxLength=120)
    email = _text("E-mailadres; een ontvangstbevestiging volgt als contact mag.", maxLength=254)
    phone = _text("Telefoonnummer, zoals 06 12345678.", maxLength=30)
    may_contact = StrictBoolean(load_default=False, error_messages=_MESSAGES, metadata={
        "description": "De melder mag benaderd worden; dan is e-mail of telefoon nodig."})


class AppReportSchema(StrictSchema):
    category = _text("Sleutel van een categorie uit GET /categories, zoals geluidsoverlast.", required=True,
                     example="geluidsoverlast")
    description = _text("Beschrijving van de overlast.", required=True, maxLength=report_intake.DESCRIPTION_MAX)
    location = fields.Nested(AppLocationSchema, required=True, error_messages=_MESSAGES)
    reporter = fields.Nested(AppReporterSchema, required=True, error_messages=_MESSAGES)


class AppCategorySchema(Schema):
    key = fields.String(metadata={"description": "Wat POST /reports als category verwacht.",
                                  "example": "geluidsoverlast"})
    label = fields.String(metadata={"description": "De naam zoals bewoners hem zien.", "example": "Geluidsoverlast"})
    helpText = fields.String(attribute="help_text", allow_none=True, metadata={
        "description": "Uitleg voor bewoners: wanneer kiest u deze categorie? null: geen uitleg.",
        "example": "Harde muziek, schreeuwen of bonken, vaak of 's nachts."})


class AppReportCreatedSchema(Schema):
    reference = fields.String(metadata={"description": "Publiek kenmerk van de melding.", "example": "GDT-2026-000123"})
    status = fields.String(metadata={"enum": ["received"]})
    statusToken = fields.String(metadata={
        "description": "Geheim token voor GET /reports/{reference}/status (header X-Status-Token); "
                       "bewaar het, het wordt alleen bij een herhaling met dezelfde Idempotency-Key opnieuw getoond."})
    residentUrl = fields.String(metadata={
        "description": "De persoonlijke link van de melder naar ‘Mijn melding’ (status en logboek), geldig "
                       "RESIDENT_LINK_DAYS dagen; alleen voor de melder zelf: niet loggen of delen."})


class AppReportStatusSchema(Schema):
    reference = fields.String(metadata={"example": "GDT-2026-000123"})
    status = fields.String(metadata={
        "enum": list(app_intake.PUBLIC_STATUSES),
        "description": "received: ontvangen; in_progress: in behandeling (doorverwezen of bij het team); "
                       "handled: afgehandeld."})


class InvalidParamSchema(Schema):
    name = fields.String(
        metadata={"description": "Het veld; geneste velden met punten.", "example": "location.postcode"})
    code = fields.String()
    reason = fields.String()


class ProblemSchema(Schema):
    """RFC 9457 problem details with the ZGW extension `invalidParams`: the one Problem of the whole API."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    code = fields.String()
    invalid_params = fields.List(fields.Nested(InvalidParamSchema), data_key="invalidParams")


def load_report(document: dict) -> report_intake.ReportInput:
    """The document as the intake service's input; 422 with dotted field names when its shape is wrong."""
    try:
        loaded = AppReportSchema().load(document)
    except ValidationError as error:
        refuse(_flatten(error.messages))
    return report_intake.ReportInput(**{name: _pick(loaded, path) for name, path in FIELD_NAMES.items()})


def refuse_service_errors(errors: dict) -> NoReturn:
    """The service's ValidationFailed.errors, under the API's names."""
    refuse({FIELD_NAMES.get(name, name): message for name, message in errors.items()})


def refuse(errors: dict) -> NoReturn:
    """422 problem+json with one invalidParams entry per field (gdt.api.problem_from_exception)."""
    flask_smorest.abort(422, messages={"json": errors})


def _pick(document: dict, path: str):
    for part in path.split("."):
        document = document[part]
    return document


def _flatten(messages: dict, prefix: str = "") -> dict:
    """{"location": {"postcode": ["…"]}} → {"location.postcode": "…"}; an object's own errors under its name."""
    flat = {}
    for name, reasons in messages.items():
        path = prefix if name == "_schema" else f"{prefix}{name}"
        if isinstance(reasons, dict):
            flat |= _flatten(reasons, f"{path}.")
        else:
            flat[path.rstrip(".") or "body"] = reasons[0] if isinstance(reasons, list) else reasons
    return flat
