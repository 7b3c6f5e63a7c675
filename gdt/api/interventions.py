"""Interventions in the staff API: the ladder's rungs, a case's interventions, recording one, one intervention and
its next step.

Personal bearer tokens of coordinators, with the pages' rules (gdt.services.interventions.recording): a formal step
is the mayor's decision and needs its decision letter, a document of the same case (documentId); dates follow the
steps. Every view of a case's interventions is audited as a view of the case, one intervention as its own view.
Optimistic locking by body, as in gdt.api.casework: a step names the `version` it was made on (409 when stale).
Refusals are problem+json; invalidParams names the members below.
"""
import marshmallow as ma
from flask import url_for
from marshmallow import fields

from gdt.api import blueprint, docs
from gdt.api.auth import api_user, staff
from gdt.api.casework_schemas import ID_RANGE, VERSION_RANGE
from gdt.api.docs import API_VERSION_HEADER
from gdt.api.intake import created_headers
from gdt.api.staff import COORDINATORS, PRIVATE
from gdt.api.staff_schemas import PROBLEM_DESCRIPTIONS, CaseRefSchema, Number, StrictSchema, Text, choice
from gdt.models.interventions import DECIDERS, INTERVENTION_OUTCOMES, INTERVENTION_STATUSES
from gdt.services.casework import cases
from gdt.services.core.errors import ValidationFailed
from gdt.services.interventions import ladder, recording
from gdt.services.interventions.recording import StepFields

blp = blueprint("interventions", "Interventies op de escalatieladder van een casus (gesprek … gedragsaanwijzing … "
                                 "sluiting), voor de regisseur (persoonlijk token).")

ID = "int(max=2147483647)"
HEADERS = {"API-Version": API_VERSION_HEADER}
CREATED = {"Location": {"description": "URL van het aangemaakte record.", "schema": {"type": "string"}},
           "API-Version": API_VERSION_HEADER}
PROBLEMS = PROBLEM_DESCRIPTIONS | {
    404: "Deze casus of deze interventie bestaat niet.",
    409: "De stap kan niet in de huidige status van de interventie, de casus is gesloten, of version is niet meer "
         "de huidige: iemand anders wijzigde de interventie intussen.",
    422: "Ongeldige invoer; invalidParams noemt elk veld met de reden (een formele stap zonder besluitbrief: "
         "document_id).",
}
DATE_ERROR = {"invalid": "Geef een datum als 2026-03-01."}


def _date(description: str, **kwargs) -> fields.Date:
    return fields.Date(allow_none=True, error_messages=DATE_ERROR, metadata={"description": description}, **kwargs)


def _step_members():
    """What a step and a new intervention may carry; which are needed depends on the step (see the descriptions)."""
    return {
        "decided_by": choice(DECIDERS, allow_none=True, metadata={
            "description": "Wie besloot: coordinator (de regisseur) of mayor (de burgemeester); verplicht bij een "
                           "besluit, bij een formele stap altijd mayor."}),
        "document_id": Number(strict=True, allow_none=True, validate=ID_RANGE, metadata={
            "description": "Id van een document van deze casus: de besluitbrief, verplicht bij een formele stap."}),
        "outcome": choice(INTERVENTION_OUTCOMES, allow_none=True, metadata={
            "description": "Het resultaat; verplicht bij beëindigen."}),
        "note": Text(allow_none=True, metadata={
            "description": "Toelichting op het resultaat, of de reden van intrekken (verplicht bij withdraw; max. "
                           "2000 tekens)."}),
    }


RecordSchema = StrictSchema.from_dict({
    "type": Text(required=True, metadata={"description": "Code van de soort (GET /intervention-types)."}),
    "status": choice(recording.RECORDABLE, required=True, metadata={
        "description": "Hoe ver de interventie is; de stappen ertussen worden met hun regels doorlopen."}),
    "proposed_on": _date("Voorgesteld op (niet in de toekomst).", required=True),
    "decided_on": _date("Besloten op; verplicht vanaf decided."),
    "in_force_on": _date("In werking per; verplicht bij in_force, mag tot een jaar vooruit."),
    "ended_on": _date("Beëindigd op; verplicht bij ended."),
    "partner": Text(allow_none=True, metadata={"description": "Sleutel van de ketenpartner die haar uitvoert; "
                                                              "die moet bij de casus betrokken zijn."}),
    **_step_members(),
}, name="RecordInterventionSchema")

StepSchema = StrictSchema.from_dict({
    "event": choice(recording.EVENTS, required=True, metadata={
        "description": "decide (besluiten), take_effect (in werking), end (beëindigen met resultaat), withdraw "
                       "(intrekken met reden)."}),
    "on": _date("De datum van de stap (in werking: tot een jaar vooruit; de rest niet in de toekomst).",
                required=True),
    "version": Number(required=True, strict=True, validate=VERSION_RANGE, metadata={
        "description": "De version die u las. Is die niet meer de huidige, dan 409 en er verandert niets."}),
    **_step_members(),
}, name="InterventionStepSchema")


class InterventionTypeSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    legal_ground = fields.String(allow_none=True)
    formal = fields.Boolean(metadata={"description": "Een besluit van de burgemeester, met besluitbrief."})
    position = fields.Integer(metadata={"description": "Hoogte op de ladder."})


class InterventionTypeRefSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    formal = fields.Boolean()


class _Key(ma.Schema):
    key = fields.String()


class InterventionSchema(ma.Schema):
    id = fields.Integer()
    case = fields.Nested(CaseRefSchema)
    type = fields.Nested(InterventionTypeRefSchema)
    status = fields.String(metadata={"enum": list(INTERVENTION_STATUSES)})
    legal_ground = fields.String(allow_none=True, metadata={"description": "De grondslag zoals die toen gold."})
    decided_by = fields.String(allow_none=True, metadata={"enum": list(DECIDERS)})
    proposed_on = fields.Date()
    decided_on = fields.Date(allow_none=True)
    in_force_on = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    partner = fields.Pluck(_Key, "key", allow_none=True)
    outcome = fields.String(allow_none=True, metadata={"enum": list(INTERVENTION_OUTCOMES)})
    outcome_note = fields.String(allow_none=True)
    document_id = fields.Integer(allow_none=True)
    allowed_steps = fields.Function(recording.allowed_steps, metadata={
        "description": "De stappen die de status nu toelaat.", "type": "array", "items": {"type": "string"}})
    version = fields.Integer()


class CaseInterventionsSchema(ma.Schema):
    highest_climbed = fields.String(allow_none=True, metadata={
        "description": "Code van de hoogste trede die is besloten; null als er nog geen is."})
    interventions = fields.List(fields.Nested(InterventionSchema))


def problems(*statuses: int):
    return docs.problems(blp, PROBLEMS, *statuses)


@blp.route("/intervention-types")
@staff(*COORDINATORS)
@blp.response(200, InterventionTypeSchema(many=True), headers=HEADERS)
@problems(401, 403)
@blp.doc(summary="De ladder", description="De soorten interventie die een regisseur kan kiezen, van licht naar zwaar.")
def intervention_types():
    return ladder.active_types(), PRIVATE


@blp.route("/cases/<reference>/interventions")
@staff(*COORDINATORS)
@blp.response(200, CaseInterventionsSchema, headers=HEADERS)
@problems(401, 403, 404)
@blp.doc(summary="Interventies van een casus", description="Alle interventies, de ladder op, met de hoogste trede "
         "die is besloten; elke inzage van de casus staat in de auditlog.")
def list_interventions(reference: str):
    case = cases.view_case(reference, actor=api_user())
    rungs = ladder.ladder(case)
    highest = ladder.highest_climbed(rungs)
    return {"highest_climbed": highest.code if highest else None,
            "interventions": [row for rung in rungs for row in rung.interventions]}, PRIVATE


@blp.route("/cases/<reference>/interventions", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(RecordSchema)
@blp.response(201, InterventionSchema, headers=CREATED)
@problems(400, 401, 403, 404, 409, 413, 415, 422)
@blp.doc(summary="Interventie vastleggen", description="Een interventie op een open casus, in de status die ze "
         "bereikte; een formele stap alleen door de burgemeester en met besluitbrief.")
def record_intervention(given: dict, reference: str):
    user = api_user()
    case = cases.view_case(reference, actor=user)
    try:
        intervention = recording.record(
            case, type_code=given["type"], status=given["status"], proposed_on=given["proposed_on"],
            decided_on=given.get("decided_on"), in_force_on=given.get("in_force_on"),
            ended_on=given.get("ended_on"), partner_key=given.get("partner"), fields=_fields(given), actor=user)
    except ValidationFailed as failed:  # the service's field for the type is type_code
        raise ValidationFailed({("type" if key == "type_code" else key): message
                                for key, message in failed.errors.items()}) from failed
    return intervention, 201, created_headers(url_for(".show_intervention", id=intervention.id), replayed=False)


@blp.route(f"/interventions/<{ID}:id>")
@staff(*COORDINATORS)
@blp.response(200, InterventionSchema, headers=HEADERS)
@problems(401, 403, 404)
@blp.doc(summary="Interventie", description="Eén interventie; elke inzage staat in de auditlog.")
def show_intervention(id: int):
    return recording.get(id, actor=api_user(), audited=True), PRIVATE


@blp.route(f"/interventions/<{ID}:id>/steps", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(StepSchema)
@blp.response(200, InterventionSchema, headers=HEADERS)
@problems(400, 401, 403, 404, 409, 413, 415, 422)
@blp.doc(summary="Volgende stap", description="Besluiten, in werking laten treden, beëindigen met resultaat of "
         "intrekken met reden, zoals de status toelaat (allowedSteps).")
def take_step(step: dict, id: int):
    user = api_user()
    intervention = recording.get(id, actor=user)
    return recording.take_step(intervention, step["event"], on=step["on"], fields=_fields(step),
                               seen_version=step["version"], actor=user), PRIVATE


def _fields(given: dict) -> StepFields:
    return StepFields(decided_by=given.get("decided_by"), document_id=given.get("document_id"),
                      outcome=given.get("outcome"), note=given.get("note"))
