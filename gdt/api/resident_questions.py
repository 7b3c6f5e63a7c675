"""The staff API for questions to the resident: list and ask per report, withdraw one.

Personal bearer tokens only, with the pages' rule (gdt.services.resident.questions): a coordinator who may open
the report. Every list loads the report through the audited `report_triage.view_report`; asking answers 409 when the
resident cannot be reached (no address or no consent), as the page says.
"""
import marshmallow as ma
from flask import url_for
from marshmallow import fields

from gdt.api import blueprint, docs
from gdt.api.auth import api_user, staff
from gdt.api.docs import API_VERSION_HEADER
from gdt.api.staff import COORDINATORS, PRIVATE
from gdt.api.staff_schemas import PROBLEM_DESCRIPTIONS, LocalDateTime, StrictSchema, Text
from gdt.services.resident import questions
from gdt.services.triage import report_triage

blp = blueprint("resident_questions", "Vragen aan de melder van een melding en hun antwoorden, voor de regisseur "
                                      "(persoonlijk token).")

ID = "int(max=2147483647)"  # a database integer: a larger id is a 404 from the router, never an overflow
HEADERS = {"API-Version": API_VERSION_HEADER}
CREATED = {"Location": {"description": "URL van de vragen bij deze melding.", "schema": {"type": "string"}},
           "API-Version": API_VERSION_HEADER}
QUESTION_PROBLEMS = PROBLEM_DESCRIPTIONS | {
    404: "Deze melding of vraag bestaat niet.",
    409: "De melder is niet bereikbaar (geen e-mailadres of geen toestemming), of de vraag is al beantwoord of "
         "ingetrokken.",
}


class QuestionSchema(ma.Schema):
    id = fields.Integer()
    report = fields.Function(lambda question: question.report.reference,
                             metadata={"description": "Kenmerk van de melding.", "type": "string"})
    text = fields.String()
    status = fields.Function(questions.status_of, metadata={"enum": ["open", "answered", "withdrawn"],
                                                             "type": "string"})
    asked_at = LocalDateTime()
    answer = fields.String(allow_none=True)
    answered_at = LocalDateTime(allow_none=True)
    reminded_at = LocalDateTime(allow_none=True)
    withdrawn_at = LocalDateTime(allow_none=True)


class AskSchema(StrictSchema):
    text = Text(required=True, metadata={"description": f"De vraag (max. {questions.QUESTION_MAX} tekens). De "
                                                        "melder krijgt een mail met de link, niet de vraag zelf."})


def _problems(*statuses: int):
    return docs.problems(blp, QUESTION_PROBLEMS, *statuses)


@blp.route("/reports/<reference>/questions")
@staff(*COORDINATORS)
@blp.response(200, QuestionSchema(many=True), headers=HEADERS)
@_problems(401, 403, 404)
@blp.doc(summary="Vragen aan de melder", description="Alle vragen aan de melder van deze melding, oudste eerst, "
         "met hun antwoord; elke inzage van de melding staat in de auditlog.")
def list_questions(reference: str):
    return questions.questions_of(report_triage.view_report(reference, actor=api_user())), PRIVATE


@blp.route("/reports/<reference>/questions", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(AskSchema)
@blp.response(201, QuestionSchema, headers=CREATED)
@_problems(400, 401, 403, 404, 409, 413, 415, 422)
@blp.doc(summary="Vraag stellen aan de melder", description="Alleen als de melder een e-mailadres gaf en "
         "benaderd mag worden; de melding toont dan ‘reactie gevraagd’ tot het antwoord er is.")
def ask(body: dict, reference: str):
    user = api_user()
    question = questions.ask(report_triage.view_report(reference, actor=user), body["text"], actor=user)
    return question, 201, {"Location": url_for(".list_questions", reference=reference)} | PRIVATE


@blp.route(f"/questions/<{ID}:id>/withdraw", methods=["POST"])
@staff(*COORDINATORS)
@blp.response(200, QuestionSchema, headers=HEADERS)
@_problems(401, 403, 404, 409)
@blp.doc(summary="Vraag intrekken", description="Een open vraag vervalt; de melder kan haar niet meer "
         "beantwoorden.")
def withdraw(id: int):
    user = api_user()
    return questions.withdraw(questions.get(id, actor=user), actor=user), PRIVATE
