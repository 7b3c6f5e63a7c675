"""Marshmallow schemas of the staff API, and how its problem+json answers are documented.

Naming, one rule for the whole API: query keys are camelCase (NL API Design Rules
/core/query-keys-camel-case: `receivedFrom`, `pageSize`); JSON members, in requests and answers, are
snake_case like the app intake's bodies (`house_number`, `may_contact`). The problem document keeps
the ZGW name `invalidParams`. Request bodies refuse unknown members (`unknown = RAISE`), so a typo
is a 422 naming the member instead of a silently ignored value. Messages are Dutch, like the pages'.
"""
from datetime import date

import marshmallow as ma
from marshmallow import fields, validate

# One Problem schema for the whole API document (two classes of one name would clash in the OpenAPI components).
from gdt.api import docs, strict_json
from gdt.api.intake_schemas import StrictBoolean
from gdt.db import AMSTERDAM
from gdt.models.referrals import QUESTION_MAX
from gdt.models.reports import CHANNELS, REPORT_STATUSES
from gdt.services.core import pagination
from workflows import CASE_MODES, TRIAGE_OUTCOMES

MAX_PAGE_SIZE = 100
PROBLEM_DESCRIPTIONS = {
    400: "De body is geen strikte JSON (onleesbaar, NaN, dubbele sleutels, te diep genest, een getal van "
         "duizenden cijfers, …).",
    401: "Geen of een ongeldig bearer-token (ingetrokken, of van een gedeactiveerd account).",
    403: "Uw rol of need-to-know geeft geen toegang.",
    404: "Deze melding of casus bestaat niet.",
    409: "De stap kan niet in de huidige status, of iemand anders wijzigde het record tegelijk.",
    412: "If-Match noemt een oudere versie dan de huidige: iemand anders wijzigde het record intussen.",
    413: f"De body is groter dan {strict_json.STAFF_MAX_BYTES // 1024} kB.",
    415: "De body is geen application/json in UTF-8.",
    422: "Ongeldige invoer; invalidParams noemt elk veld met de reden.",
}
ETAG_HEADER = {"description": 'Versie van de melding of casus, bijvoorbeeld "3"; stuur terug als If-Match.',
               "schema": {"type": "string"}}
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": "De ETag die u las. Bij een andere versie: 412 en er verandert niets. "
                           "Zonder If-Match geldt de wijziging voor de huidige versie."}


class Text(fields.String):
    default_error_messages = {"invalid": "Geef tekst op.", "required": "Dit veld is verplicht.",
                              "null": "Dit veld mag niet leeg (null) zijn."}


class Day(fields.Date):
    """A calendar day between 1900 and 9999: 0001-01-01 in Amsterdam time is no UTC date at all."""

    default_error_messages = {"invalid": "Geef een datum als JJJJ-MM-DD.",
                              "range": "Kies een datum tussen 1900-01-01 en 9999-12-30."}

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not date(1900, 1, 1) <= day <= date(9999, 12, 30):
            raise self.make_error("range")
        return day


class Number(fields.Integer):
    default_error_messages = {"invalid": "Geef een geheel getal."}


class LocalDateTime(fields.DateTime):
    """ISO 8601 in Amsterdam time with its offset, e.g. 2026-03-01T13:00:00+01:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value.astimezone(AMSTERDAM).isoformat() if value is not None else None


class Inline(fields.Nested):
    """A nested object made of the parent's own columns (report.postcode → location.postcode).

    With `when`, the object is null while that column is empty (no triage decision yet).
    """

    def __init__(self, nested, *, when: str | None = None, **kwargs):
        super().__init__(nested, **kwargs)
        self.when = when

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj if self.when is None or getattr(obj, self.when) is not None else None


def choice(options, **kwargs) -> Text:
    return Text(validate=validate.OneOf(options, error="Kies een van: {choices}."), **kwargs)


class StrictSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    error_messages = {"unknown": "Onbekend veld.", "type": "Stuur een JSON-object."}


# Requests ---------------------------------------------------------------------------------------


MAX_PAGE = pagination.MAX_PAGE  # one bound for every list (gdt.services.core.pagination)


class ReportFilterSchema(StrictSchema):
    status = choice(REPORT_STATUSES)
    channel = choice(CHANNELS)
    received_from = Day(data_key="receivedFrom", metadata={"description": "Eerste ontvangstdag (Amsterdamse tijd)."})
    received_to = Day(data_key="receivedTo", metadata={"description": "Laatste ontvangstdag, inbegrepen."})
    # Bounded, so OFFSET stays small on every database (a page past the end is simply empty).
    page = Number(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE, error="Kies een pagina van 1 tot en met "
                                                                                     f"{MAX_PAGE}."))
    page_size = Number(data_key="pageSize", load_default=25,
                       validate=validate.Range(min=1, max=MAX_PAGE_SIZE, error="Kies 1 tot en met 100."))

    @ma.validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("received_from") and data.get("received_to") and data["received_to"] < data["received_from"]:
            raise ma.ValidationError("receivedTo ligt voor receivedFrom.", field_name="receivedTo")


class TriageSchema(StrictSchema):
    outcome = choice(TRIAGE_OUTCOMES, required=True)
    partner = Text(allow_none=True, metadata={"description": "Sleutel van een actieve ketenpartner; bij referred."})
    reason = Text(allow_none=True, metadata={"description": "Interne toelichting van het team (max. 2000 tekens); "
                                                            "de ketenpartner ziet die nooit."})
    question = Text(allow_none=True, metadata={
        "description": f"Vraag aan de ketenpartner, voor de ketenpartner geschreven (max. {QUESTION_MAX} tekens); "
                       "alleen bij referred. De ketenpartner leest die achter de link en in de webhook."})

    @ma.validates_schema
    def _partner_only_when_referred(self, data, **kwargs):
        if data.get("outcome") == "escalated" and data.get("partner"):
            raise ma.ValidationError("Een ketenpartner hoort alleen bij doorverwijzen.", field_name="partner")
        if data.get("outcome") == "escalated" and data.get("question"):
            raise ma.ValidationError("Een vraag aan de ketenpartner hoort alleen bij doorverwijzen.",
                                     field_name="question")


class ModeSchema(StrictSchema):
    mode = choice(CASE_MODES, required=True)


class CloseSchema(StrictSchema):
    result = Text(required=True, metadata={"description": "Een actief resultaat uit de lijst van de beheerder, "
                                                          "zoals de-escalated of handed-over-zvh."})
    note = Text(allow_none=True, metadata={"description": "Toelichting (max. 2000 tekens)."})
    carry_over = StrictBoolean(load_default=False, metadata={
        "description": "Open afspraken overdragen; zonder dit sluit een casus alleen als alle afspraken klaar zijn."})


# Answers ----------------------------------------------------------------------------------------


class KeySchema(ma.Schema):
    key = fields.String()


class NameSchema(ma.Schema):
    name = fields.String()


class CaseRefSchema(ma.Schema):
    reference = fields.String()
    status = fields.String()


class EventSchema(ma.Schema):
    occurred_at = LocalDateTime()
    event = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.Pluck(NameSchema, "name", allow_none=True, metadata={"description": "null: het systeem."})
    detail = fields.Dict(allow_none=True, metadata={"description": "Sleutels en kenmerken, nooit persoonsgegevens."})


class ReportSummarySchema(ma.Schema):
    reference = fields.String()
    channel = fields.String()
    status = fields.String()
    received_at = LocalDateTime()
    category = fields.Pluck(KeySchema, "key")
    postcode = fields.String()
    case = fields.Nested(CaseRefSchema, allow_none=True)


class LocationViewSchema(ma.Schema):
    postcode = fields.String()
    house_number = fields.Integer()
    house_number_addition = fields.String(allow_none=True)
    street = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    bag_id = fields.String(allow_none=True, metadata={"description": "BAG-nummeraanduiding; null: niet gevalideerd."})


class ReporterViewSchema(ma.Schema):
    anonymous = fields.Boolean(attribute="reporter_is_anonymous")
    name = fields.String(attribute="reporter_name", allow_none=True)
    email = fields.String(attribute="reporter_email", allow_none=True)
    phone = fields.String(attribute="reporter_phone", allow_none=True)
    may_contact = fields.Boolean(attribute="reporter_may_contact")


class DecisionSchema(ma.Schema):
    outcome = fields.String(attribute="triage_outcome")
    reason = fields.String(attribute="triage_reason", allow_none=True)
    triaged_at = LocalDateTime()
    triaged_by = fields.Pluck(NameSchema, "name", allow_none=True)
    partner = fields.Pluck(KeySchema, "key", attribute="referred_partner", allow_none=True)


class AddressSignalSchema(ma.Schema):
    earlier_reports = fields.Integer()
    has_open_case = fields.Boolean()


class EarlierReportSchema(ma.Schema):
    reference = fields.String()
    received_at = LocalDateTime()
    status = fields.String()
    category = fields.Pluck(KeySchema, "key")
    case = fields.Nested(CaseRefSchema, allow_none=True)


class OpenCaseSchema(CaseRefSchema):
    opened_at = LocalDateTime()


class ReportDetailSchema(ReportSummarySchema):
    """`address_history` and `address_open_case` (another report's open case at the address) are null for
    intake, who may only know *that* the address is known (docs/domain.md): `address_signal` tells that."""

    description = fields.String(allow_none=True)
    location = Inline(LocationViewSchema)
    reporter = Inline(ReporterViewSchema)
    triage = Inline(DecisionSchema, when="triage_outcome", allow_none=True)
    history = fields.List(fields.Nested(EventSchema), attribute="events")
    address_signal = fields.Nested(AddressSignalSchema)
    address_history = fields.List(fields.Nested(EarlierReportSchema), allow_none=True)
    address_open_case = fields.Nested(OpenCaseSchema, allow_none=True)
    suggested_partner = fields.Pluck(KeySchema, "key", allow_none=True, dump_only=True, metadata={
        "description": "De ketenpartner die bij de categorie is voorgesteld voor een doorverwijzing (alleen een "
                       "voorstel; null: geen voorstel)."})


class TriageResultSchema(ma.Schema):
    reference = fields.String()
    status = fields.String()
    outcome = fields.String(attribute="triage_outcome")
    partner = fields.Pluck(KeySchema, "key", attribute="referred_partner", allow_none=True)
    case = fields.Nested(CaseRefSchema, allow_none=True, metadata={"description": "De geopende casus bij escalated."})


class CaseReportSchema(EarlierReportSchema):
    address = fields.String(attribute="display_address")


class CasePartnerSchema(ma.Schema):
    partner = fields.Pluck(KeySchema, "key")
    role = fields.String(allow_none=True)


class NoteSchema(ma.Schema):
    author = fields.Pluck(NameSchema, "name")
    created_at = LocalDateTime()
    body = fields.String()


class CaseDetailSchema(ma.Schema):
    reference = fields.String()
    status = fields.String()
    source = fields.String()
    mode = fields.String(allow_none=True)
    coordinator = fields.Pluck(NameSchema, "name", allow_none=True)
    received_at = LocalDateTime()
    opened_at = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True)
    result = fields.String(allow_none=True)
    result_note = fields.String(allow_none=True)
    reports = fields.List(fields.Nested(CaseReportSchema))
    partners = fields.List(fields.Nested(CasePartnerSchema))
    notes = fields.List(fields.Nested(NoteSchema))
    history = fields.List(fields.Nested(EventSchema), attribute="events")


def problems(blp, *statuses: int):
    """Document the problem+json answers an operation can give."""
    return docs.problems(blp, PROBLEM_DESCRIPTIONS, *statuses)
