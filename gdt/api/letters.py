"""Letters in the staff API: the active letter templates, and writing a letter on a case, saved in its dossier as a
document ("brief", or "besluit" for a decision) whose metadata comes back (201).

Personal bearer tokens (or the pages' session, with CSRF on writes) of coordinators who may open the case; the rules,
the sandbox and the audit are the pages' (gdt.services.letters.generate). Refusals are problem+json with
invalidParams naming the field.
"""
import marshmallow as ma
from flask import url_for
from marshmallow import fields, validate

from gdt.api import blueprint, docs
from gdt.api.auth import api_user, staff
from gdt.api.docs import API_VERSION_HEADER
from gdt.api.documents import DocumentSchema
from gdt.api.intake import created_headers
from gdt.api.staff import COORDINATORS, PRIVATE
from gdt.api.staff_schemas import PROBLEM_DESCRIPTIONS, Number, StrictSchema, Text
from gdt.services.casework import cases
from gdt.services.letters import fields as letter_fields
from gdt.services.letters import generate

blp = blueprint("letters", "Brieven uit sjablonen: de sjablonen, en een brief maken bij een casus (komt als PDF bij "
                           "de documenten van de casus).")

HEADERS = {"API-Version": API_VERSION_HEADER}
CREATED = {"Location": {"description": "URL van het document met de brief.", "schema": {"type": "string"}},
           "API-Version": API_VERSION_HEADER}
PROBLEMS = PROBLEM_DESCRIPTIONS | {
    403: "Alleen een regisseur die de casus mag openen, maakt brieven.",
    404: "Deze casus bestaat niet.",
    422: "Ongeldige keuzes (invalidParams: template_id, party_id, addressee_name, address, intervention_id, "
         "afspraak, toelichting).",
}
DATABASE_ID = validate.Range(min=1, max=2147483647, error="Geef een bestaand nummer.")


class TemplateSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    is_decision = fields.Boolean(required=True, metadata={
        "description": "Een besluit: opgeslagen als soort besluit, met de bezwaarclausule."})
    subject = fields.String(required=True, metadata={"description": "Het onderwerp als sjabloon (Jinja)."})


class LetterSchema(StrictSchema):
    template_id = Number(required=True, validate=DATABASE_ID, metadata={"description": "Een actief sjabloon."})
    party_id = Number(allow_none=True, validate=DATABASE_ID, metadata={
        "description": "Een betrokkene van de casus als geadresseerde; zonder: addressee_name."})
    addressee_name = Text(allow_none=True, metadata={"description": "Naam van de geadresseerde (zonder party_id)."})
    address = Text(allow_none=True, metadata={
        "description": "Adres van de geadresseerde op één regel; weggelaten: het adres van de casus."})
    intervention_id = Number(allow_none=True, validate=DATABASE_ID, metadata={
        "description": "De interventie van deze casus waar de brief bij hoort (veld interventie)."})
    afspraak = Text(allow_none=True, metadata={
        "description": f"Datum, tijd en plaats van een gesprek (max. {letter_fields.EXTRA_MAX} tekens)."})
    toelichting = Text(allow_none=True, metadata={
        "description": f"Een alinea voor in de brief (max. {letter_fields.EXTRA_MAX} tekens)."})


def _problems(*statuses: int):
    return docs.problems(blp, PROBLEMS, *statuses)


@blp.route("/letter-templates")
@staff(*COORDINATORS)
@blp.response(200, TemplateSchema(many=True), headers=HEADERS)
@_problems(401, 403)
@blp.doc(summary="Briefsjablonen", description="De actieve sjablonen, op naam.")
def list_templates():
    return generate.active_templates(), PRIVATE


@blp.route("/cases/<reference>/letters", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(LetterSchema)
@blp.response(201, DocumentSchema, headers=CREATED)
@_problems(400, 401, 403, 404, 413, 415, 422)
@blp.doc(summary="Brief maken", description="Maakt de brief als PDF/UA en bewaart hem als document van de casus, "
         "gedateerd vandaag en niet zichtbaar voor ketenpartners. Staat in de auditlog.")
def create_letter(body: dict, reference: str):
    user = api_user()
    case = cases.view_case(reference, actor=user)
    if body.get("address") is None:
        body["address"] = generate.case_address(case)
    document = generate.save(case, actor=user, **body)
    return document, 201, created_headers(url_for("api_documents.show_document", id=document.id), replayed=False)
