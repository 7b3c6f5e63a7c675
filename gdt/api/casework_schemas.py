"""Marshmallow schemas of the staff API's case meetings and plan of action (gdt.api.casework).

The naming rule of the whole API holds here too (gdt.api.staff_schemas): JSON members are snake_case
(`starts_at`, `working_days`, `drop_reason`), request bodies refuse unknown members, messages are Dutch.
The schemas check only the shape; whether a moment lies in the future, a partner is active or an
owner exists is decided by gdt.services.casework.meetings and gdt.services.casework.actions, the same
rules the pages use.

Optimistic locking: every meeting and action carries its `version`; a write on one (hold, move, cancel,
update) must send back the version it read, and a stale one is refused with 409 without changes.
"""

from datetime import date

import marshmallow as ma
from marshmallow import fields, validate

from gdt.api import docs
from gdt.api.intake_schemas import StrictBoolean
from gdt.api.staff_schemas import (
    PROBLEM_DESCRIPTIONS,
    CaseRefSchema,
    Inline,
    LocalDateTime,
    Number,
    StrictSchema,
    Text,
    choice,
)
from gdt.db import AMSTERDAM
from gdt.models.casework import ACTION_STATUSES, MEETING_STATUSES

ACTION_OUTCOMES = ("update", "complete", "drop")
MAX_ITEMS = 50  # invitees, people or decisions in one request: far more than any meeting has
KEY_PATTERN = r"[^\x00-\x1f\x7f:]{1,60}"  # a partner key as stored (no control characters, at most 60 long)
OWNER = validate.Regexp(
    rf"^(partner:{KEY_PATTERN}|user:[0-9]{{1,9}})$",
    error="Gebruik partner:SLEUTEL (een ketenpartner) of user:ID (een regisseur).",
)
CASEWORK_PROBLEMS = PROBLEM_DESCRIPTIONS | {
    404: "Deze casus, dit overleg of deze afspraak bestaat niet.",
    409: "De stap kan niet in de huidige status (overleg al gehouden of afgezegd, afspraak al afgerond, casus "
    "gesloten), of version is niet meer de huidige: iemand anders wijzigde het record intussen.",
    422: "Ongeldige invoer; invalidParams noemt elk veld met de reden (bij besluiten als decisions.0.owner).",
}
VERSION_DESCRIPTION = "De version die u las. Is die niet meer de huidige, dan 409 en er verandert niets."
MAX_ID = 2_147_483_647  # a database integer: a version or id beyond it names no record
ID_RANGE = validate.Range(min=1, max=MAX_ID, error=f"Geef een geheel getal van 1 tot en met {MAX_ID}.")
VERSION_RANGE = validate.Range(min=0, max=MAX_ID, error=f"Geef een geheel getal van 0 tot en met {MAX_ID}.")


class Moment(fields.AwareDateTime):
    """ISO 8601; without an offset it means Amsterdam time. Kept between 1900 and 9999 so UTC can hold it."""

    default_error_messages = {
        "invalid": "Geef datum en tijd in ISO 8601, zoals 2026-03-01T13:00:00+01:00.",
        "range": "Kies een moment tussen 1900 en 9999.",
    }

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=AMSTERDAM, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not date(1900, 1, 2) <= moment.date() <= date(9999, 12, 30):
            raise self.make_error("range")
        return moment


def _items(field: fields.Field, description: str) -> fields.List:
    return fields.List(
        field,
        load_default=list,
        validate=validate.Length(max=MAX_ITEMS, error=f"Hoogstens {MAX_ITEMS} tegelijk."),
        metadata={"description": description},
    )


def _version() -> Number:
    return Number(required=True, strict=True, validate=VERSION_RANGE, metadata={"description": VERSION_DESCRIPTION})


def _owner(**kwargs) -> Text:
    return Text(
        validate=OWNER,
        metadata={
            "description": "partner:SLEUTEL (een actieve ketenpartner, zoals partner:politie) of user:ID "
            "(een actieve regisseur).",
            "example": "partner:politie",
        },
        **kwargs,
    )


def _working_days(**kwargs) -> Number:
    return Number(
        strict=True,
        metadata={"description": "Termijn in werkdagen vanaf nu (0 tot en met 250); de deadline ligt daarmee vast."},
        **kwargs,
    )


# Requests ---------------------------------------------------------------------------------------


class PlanMeetingSchema(StrictSchema):
    starts_at = Moment(required=True, metadata={"description": "Datum en tijd, in de toekomst."})
    location = Text(required=True, metadata={"description": "Zaal, of ‘online’ met de link (max. 200 tekens)."})
    partners = _items(
        Text(validate=validate.Regexp(rf"^{KEY_PATTERN}$", error="Geef de sleutel van een ketenpartner.")),
        "Sleutels van actieve ketenpartners; elk krijgt een uitnodiging met een persoonlijke link.",
    )
    people = _items(Text(), "Namen van andere genodigden, zoals de bewoner (max. 120 tekens per naam).")


class DecisionInputSchema(StrictSchema):
    description = Text(required=True, metadata={"description": "Wat er gebeurt (max. 2000 tekens)."})
    owner = _owner(required=True)
    working_days = _working_days(required=True)


class HoldMeetingSchema(StrictSchema):
    attended = _items(
        Number(strict=True, validate=ID_RANGE),
        "Ids van de genodigden (invitees[].id) die aanwezig waren; de rest was afwezig.",
    )
    minutes = Text(allow_none=True, metadata={"description": "Het verslag (max. 20000 tekens)."})
    decisions = _items(fields.Nested(DecisionInputSchema), "Besluiten; elk wordt een afspraak in het plan van aanpak.")
    held_on = fields.Date(
        load_default=None, allow_none=True, error_messages={"invalid": "Geef een datum als 2026-03-01."},
        metadata={"description": "De dag waarop het overleg werkelijk is gehouden (standaard vandaag, Amsterdamse "
                  "tijd); niet in de toekomst en niet voor de dag waarop het werd ingepland."})
    earlier_than_planned = StrictBoolean(
        load_default=False,
        metadata={"description": "true bevestigt dat het overleg eerder is gehouden dan de geplande dag; zonder "
                  "die bevestiging is een held_on voor de geplande dag 422 (earlier_than_planned)."})
    version = _version()


class CancelMeetingSchema(StrictSchema):
    reason = Text(required=True, metadata={"description": "Waarom het overleg niet doorgaat (max. 500 tekens)."})
    version = _version()


class MoveMeetingSchema(StrictSchema):
    starts_at = Moment(required=True, metadata={"description": "De nieuwe datum en tijd, in de toekomst."})
    location = Text(required=True, metadata={"description": "De (nieuwe) plaats: zaal, of ‘online’ met de link "
                                                            "(max. 200 tekens)."})
    version = _version()


class AgreeActionSchema(StrictSchema):
    description = Text(required=True, metadata={"description": "Wat er gebeurt (max. 2000 tekens)."})
    owner = _owner(required=True)
    working_days = _working_days(required=True)


class UpdateActionSchema(StrictSchema):
    outcome = choice(
        ACTION_OUTCOMES,
        required=True,
        metadata={"description": "update: voortgang melden; complete: afgerond; drop: vervalt (reason verplicht)."},
    )
    progress = Text(allow_none=True, metadata={"description": "Stand van zaken (max. 2000 tekens)."})
    reason = Text(
        allow_none=True, metadata={"description": "Waarom de afspraak vervalt; verplicht bij drop (max. 500 tekens)."}
    )
    version = _version()


# Answers ----------------------------------------------------------------------------------------


class _Key(ma.Schema):
    key = fields.String()


class _Id(ma.Schema):
    id = fields.Integer()


class InviteeSchema(ma.Schema):
    id = fields.Integer(metadata={"description": "Noem dit id in attended bij het houden van het overleg."})
    partner = fields.Pluck(_Key, "key", allow_none=True, metadata={"description": "Sleutel; null bij een persoon."})
    name = fields.String(allow_none=True, metadata={"description": "Naam van een persoon; null bij een partner."})
    attended = fields.Boolean(allow_none=True, metadata={"description": "null zolang het overleg niet gehouden is."})


class MeetingSchema(ma.Schema):
    id = fields.Integer()
    case = fields.Nested(CaseRefSchema)
    starts_at = LocalDateTime()
    location = fields.String()
    status = fields.String(metadata={"enum": list(MEETING_STATUSES)})
    invitees = fields.List(fields.Nested(InviteeSchema))
    minutes = fields.String(allow_none=True)
    held_on = fields.Date(allow_none=True, metadata={"description": "De dag waarop het overleg is gehouden; null "
                                                                    "zolang het niet gehouden is."})
    cancel_reason = fields.String(allow_none=True)
    decisions = fields.List(
        fields.Pluck(_Id, "id"), metadata={"description": "Ids van de afspraken die het overleg besloot."}
    )
    version = fields.Integer()


class OwnerSchema(ma.Schema):
    partner = fields.Pluck(
        _Key,
        "key",
        attribute="owner_partner",
        allow_none=True,
        metadata={"description": "Sleutel van de ketenpartner; null bij een regisseur."},
    )
    user_id = fields.Integer(
        attribute="owner_user_id",
        allow_none=True,
        metadata={"description": "Id van de regisseur; null bij een ketenpartner."},
    )
    name = fields.String(attribute="owner_label")


class ActionSchema(ma.Schema):
    id = fields.Integer()
    case = fields.Nested(CaseRefSchema)
    description = fields.String()
    owner = Inline(OwnerSchema)
    due_at = LocalDateTime()
    status = fields.String(metadata={"enum": list(ACTION_STATUSES)})
    progress = fields.String(allow_none=True)
    drop_reason = fields.String(allow_none=True)
    finished_at = LocalDateTime(allow_none=True)
    carried_over = fields.Boolean(metadata={"description": "Open gebleven toen de casus sloot."})
    meeting_id = fields.Integer(allow_none=True, metadata={"description": "Het overleg dat haar besloot."})
    version = fields.Integer()


def problems(blp, *statuses: int):
    """Document the problem+json answers an operation can give (gdt.api.docs)."""
    return docs.problems(blp, CASEWORK_PROBLEMS, *statuses)
