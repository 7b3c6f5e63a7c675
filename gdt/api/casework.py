"""The staff API for running a case: case meetings (casusoverleg) and the plan of action.

Personal bearer tokens only, with the pages' role rule: only a coordinator plans, holds, moves and cancels
meetings and agrees and updates actions. Like gdt.api.staff, every view loads through an audited
service (`cases.view_case`, `meetings.get`), calls one service of gdt.services.casework.meetings or
gdt.services.casework.actions and serialises (gdt.api.casework_schemas); refusals come back as the services'
errors, which gdt.web answers as problem+json.

Names as in the rest of the API: JSON members snake_case (`starts_at`, `working_days`), paths kebab-case.
Optimistic locking is by body: hold, move, cancel and update name the `version` of the meeting or action
they were made on, and the services refuse a stale one with 409 (nothing changes). Planning and
agreeing add a record, so they need no version; they answer 201 with a Location.
"""
from flask import url_for

from gdt.api import blueprint
from gdt.api.auth import api_user, staff
from gdt.api.casework_schemas import (
    ActionSchema,
    AgreeActionSchema,
    CancelMeetingSchema,
    HoldMeetingSchema,
    MeetingSchema,
    MoveMeetingSchema,
    PlanMeetingSchema,
    UpdateActionSchema,
    problems,
)
from gdt.api.docs import API_VERSION_HEADER
from gdt.api.intake import created_headers
from gdt.api.staff import COORDINATORS, PRIVATE
from gdt.db import db
from gdt.models import Action, User
from gdt.services.casework import actions, cases, meetings
from gdt.services.core.errors import NotFound

blp = blueprint("casework", "Casusoverleggen en het plan van aanpak van een casus, voor de regisseur "
                            "(persoonlijk token).")

ID = "int(max=2147483647)"  # a database integer: a larger id is a 404 from the router, never an overflow
HEADERS = {"API-Version": API_VERSION_HEADER}
CREATED = {"Location": {"description": "URL van het aangemaakte record.", "schema": {"type": "string"}},
           "API-Version": API_VERSION_HEADER}
NO_ACTION = "Deze afspraak bestaat niet."


@blp.route("/cases/<reference>/meetings")
@staff(*COORDINATORS)
@blp.response(200, MeetingSchema(many=True), headers=HEADERS)
@problems(blp, 401, 403, 404)
@blp.doc(summary="Overleggen van een casus", description="Alle casusoverleggen, vroegste eerst, met genodigden, "
         "aanwezigheid, verslag en besluiten; elke inzage van de casus staat in de auditlog.")
def list_meetings(reference: str):
    return cases.view_case(reference, actor=api_user()).meetings, PRIVATE


@blp.route("/cases/<reference>/meetings", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(PlanMeetingSchema)
@blp.response(201, MeetingSchema, headers=CREATED)
@problems(blp, 400, 401, 403, 404, 409, 413, 415, 422)
@blp.doc(summary="Overleg plannen", description="Plant een overleg bij een open casus; de uitgenodigde "
         "ketenpartners krijgen een mail met datum, plaats en hun persoonlijke link (nooit namen of inhoud).")
def plan_meeting(plan: dict, reference: str):
    user = api_user()
    case = cases.view_case(reference, actor=user)
    meeting = meetings.plan(case, plan["starts_at"], plan["location"], plan["partners"], plan["people"], actor=user)
    return meeting, 201, created_headers(url_for(".show_meeting", id=meeting.id), replayed=False)


@blp.route(f"/meetings/<{ID}:id>")
@staff(*COORDINATORS)
@blp.response(200, MeetingSchema, headers=HEADERS)
@problems(blp, 401, 403, 404)
@blp.doc(summary="Overleg", description="Eén casusoverleg; elke inzage staat in de auditlog.")
def show_meeting(id: int):
    return meetings.get(id, actor=api_user()), PRIVATE


@blp.route(f"/meetings/<{ID}:id>/hold", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(HoldMeetingSchema)
@blp.response(200, MeetingSchema, headers=HEADERS)
@problems(blp, 400, 401, 403, 404, 409, 413, 415, 422)
@blp.doc(summary="Overleg vastleggen", description="Legt een gepland overleg vast als gehouden op de dag "
         "waarop het plaatsvond (held_on): wie aanwezig was, het verslag, en de besluiten, die in dezelfde stap "
         "afspraken in het plan van aanpak worden. Een dag voor de geplande dag vraagt earlier_than_planned: true.")
def hold_meeting(held: dict, id: int):
    user = api_user()
    meeting = meetings.get(id, actor=user)
    decisions = [meetings.Decision(decision["description"], decision["owner"], decision["working_days"])
                 for decision in held["decisions"]]
    meetings.hold(meeting, attended=set(held["attended"]), minutes=held.get("minutes"), decisions=decisions,
                  actor=user, seen_version=held["version"], held_on=held["held_on"],
                  earlier_than_planned=held["earlier_than_planned"])
    return meeting, PRIVATE


@blp.route(f"/meetings/<{ID}:id>/move", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(MoveMeetingSchema)
@blp.response(200, MeetingSchema, headers=HEADERS)
@problems(blp, 400, 401, 403, 404, 409, 413, 415, 422)
@blp.doc(summary="Overleg verplaatsen", description="Verplaatst een gepland overleg van een open casus naar een "
         "ander moment en/of een andere plaats, met dezelfde regels als plannen; de uitgenodigde ketenpartners "
         "krijgen een mail dat het overleg is verplaatst, met hun persoonlijke link.")
def move_meeting(moved: dict, id: int):
    user = api_user()
    meeting = meetings.get(id, actor=user)
    meetings.move(meeting, moved["starts_at"], moved["location"], actor=user, seen_version=moved["version"])
    return meeting, PRIVATE


@blp.route(f"/meetings/<{ID}:id>/cancel", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(CancelMeetingSchema)
@blp.response(200, MeetingSchema, headers=HEADERS)
@problems(blp, 400, 401, 403, 404, 409, 413, 415, 422)
@blp.doc(summary="Overleg afzeggen", description="Zegt een gepland overleg af, met een reden.")
def cancel_meeting(cancelled: dict, id: int):
    user = api_user()
    meeting = meetings.get(id, actor=user)
    meetings.cancel(meeting, cancelled["reason"], actor=user, seen_version=cancelled["version"])
    return meeting, PRIVATE


@blp.route("/cases/<reference>/actions")
@staff(*COORDINATORS)
@blp.response(200, ActionSchema(many=True), headers=HEADERS)
@problems(blp, 401, 403, 404)
@blp.doc(summary="Plan van aanpak", description="De afspraken van een casus, vroegste deadline eerst: wie wat "
         "doet en wanneer, en hoe ze afliepen; elke inzage van de casus staat in de auditlog.")
def list_actions(reference: str):
    return cases.view_case(reference, actor=api_user()).actions, PRIVATE


@blp.route("/cases/<reference>/actions", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(AgreeActionSchema)
@blp.response(201, ActionSchema, headers=CREATED)
@problems(blp, 400, 401, 403, 404, 409, 413, 415, 422)
@blp.doc(summary="Afspraak maken", description="Een nieuwe afspraak in het plan van aanpak van een open casus; "
         "de deadline is het aantal werkdagen vanaf nu.")
def agree_action(agreed: dict, reference: str):
    user = api_user()
    case = cases.view_case(reference, actor=user)
    action = actions.agree(case, agreed["description"], owner=agreed["owner"], working_days=agreed["working_days"],
                           actor=user)
    return action, 201, created_headers(url_for(".show_action", id=action.id), replayed=False)


@blp.route(f"/actions/<{ID}:id>")
@staff(*COORDINATORS)
@blp.response(200, ActionSchema, headers=HEADERS)
@problems(blp, 401, 403, 404)
@blp.doc(summary="Afspraak", description="Eén afspraak; de inzage staat als inzage van de casus in de auditlog.")
def show_action(id: int):
    return _action(id, api_user()), PRIVATE


@blp.route(f"/actions/<{ID}:id>", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(UpdateActionSchema)
@blp.response(200, ActionSchema, headers=HEADERS)
@problems(blp, 400, 401, 403, 404, 409, 413, 415, 422)
@blp.doc(summary="Afspraak bijwerken", description="Voortgang melden (update), afronden (complete) of laten "
         "vervallen met een reden (drop); alleen bij een open afspraak van een open casus.")
def update_action(change: dict, id: int):
    user = api_user()
    action = _action(id, user)
    actions.update(action, progress=change.get("progress"), outcome=change["outcome"], reason=change.get("reason"),
                   actor=user, seen_version=change["version"])
    return action, PRIVATE


def _action(action_id: int, user: User) -> Action:
    """An action, loaded through its case's audited view (need-to-know); gdt.services.casework.actions has no getter."""
    action = db.session.get(Action, action_id)
    if action is None:
        raise NotFound(NO_ACTION)
    cases.view_case(action.case.reference, actor=user)
    return action
