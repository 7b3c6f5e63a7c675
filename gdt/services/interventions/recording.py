"""Recording interventions on a case and taking them up the lifecycle (workflows/intervention.py).

A coordinator records what was tried: a type from the ladder, who decided, the dates, the partner carrying it out
and, at its end, the outcome. A step already taken is recorded in the status it reached: the lifecycle's events
run one after another from `proposed`, so every guard applies (a formal step is the mayor's decision and needs its
decision letter, a document of the same case). Dates follow the steps: proposed ≤ decided ≤ in force ≤ ended; only
a date of coming into force may lie ahead. Each step lands in the case's history and the audit log; the texts
(an outcome note, a reason) stay out of both.
"""
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Case, CasePartner, Partner, User
from gdt.models.documents import CaseDocument
from gdt.models.interventions import Intervention, InterventionType
from gdt.services.core import access, audit
from gdt.services.core.errors import Conflict, Forbidden, NotFound, ServiceError, ValidationFailed
from gdt.services.core.lifecycle import start, transition_case, transition_intervention
from gdt.services.core.transaction import check_version, in_unit_of_work, unit_of_work
from gdt.services.core.working_days import today
from gdt.validation import InvalidValue, clean_text
from workflows import InterventionLifecycle

NOTE_MAX = 2000
EARLIEST = date(1990, 1, 1)
DAYS_AHEAD = 366  # a behavioural order may take effect on a later date

# The events that take a new intervention from `proposed` to the status it is recorded in.
STEPS_TO = {"proposed": (), "decided": ("decide",), "in_force": ("decide", "take_effect"),
            "ended": ("decide", "end"), "ended_in_force": ("decide", "take_effect", "end")}
RECORDABLE = ("proposed", "decided", "in_force", "ended")
DATE_ORDER = ("proposed_on", "decided_on", "in_force_on", "ended_on")
EVENTS = ("decide", "take_effect", "end", "withdraw")
# The date each event sets, and the field it is known by in forms and the API.
EVENT_DATES = {"decide": "decided_on", "take_effect": "in_force_on", "end": "ended_on", "withdraw": "ended_on"}

NOT_YOURS = _l("U mag geen interventies vastleggen in deze casus.")
CLOSED = _l("De casus is gesloten; de interventies liggen vast.")
MISSING = _l("Deze interventie bestaat niet.")
NO_DATE = _l("Vul een geldige datum in.")


@dataclass(frozen=True)
class StepFields:
    """What a step may bring along; the lifecycle's guards say which ones it needs."""

    decided_by: str | None = None
    document_id: int | str | None = None
    outcome: str | None = None
    note: str | None = None


def record(case: Case, *, type_code: str | None, status: str | None, proposed_on, decided_on=None,
           in_force_on=None, ended_on=None, partner_key: str | None = None, fields: StepFields = StepFields(),
           actor: User | None) -> Intervention:
    """A new intervention on `case`, recorded in `status` (proposed, decided, in_force or ended); `actor` None is
    the system (the demo).

    ValidationFailed names every wrong field (type_code, status, the dates, partner, decided_by, document_id,
    outcome, note); Forbidden for anyone who may not edit the case; Conflict when the case is not open."""
    _check_may_edit(case, actor)
    errors = {}
    kind = _type(type_code, errors)
    if status not in RECORDABLE:
        errors["status"] = str(_l("Kies hoe ver de interventie is."))
    steps = _steps(status, in_force_on)
    dates = _record_dates({"proposed_on": proposed_on, "decided_on": decided_on, "in_force_on": in_force_on,
                           "ended_on": ended_on}, _needed_dates(steps), errors)
    partner = _partner(partner_key, case, errors)
    note, document = _note(fields.note, errors), _document(fields.document_id, case, errors)
    intervention = Intervention(case=case, type=kind, legal_ground=kind.legal_ground if kind else None,
                                document=document, partner_id=partner.id if partner else None,
                                created_by_id=actor.id if actor else None, **dates)
    start(intervention, InterventionLifecycle)
    if kind is not None and status in RECORDABLE:
        _climb(intervention, steps, fields, actor=actor, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    if "end" in steps:
        intervention.outcome, intervention.outcome_note = fields.outcome, note
    with nullcontext() if in_unit_of_work() else unit_of_work():  # the demo records inside its own
        db.session.add(intervention)
        db.session.flush()
        _history(intervention, "recorded", actor)
    return intervention


def take_step(intervention: Intervention, event: str | None, *, on, fields: StepFields = StepFields(),
              seen_version: int | str | None, actor: User) -> Intervention:
    """The next step (decide, take_effect, end, withdraw) on the date `on` (a wrong date: field "on"); a broken guard
    is a ServiceError naming its field (decided_by, document_id, outcome, note); Conflict("stale") when someone
    changed the intervention since `seen_version` was read, Conflict when the step is not possible in its status."""
    case = intervention.case
    _check_may_edit(case, actor)
    if event not in EVENTS:
        raise ValidationFailed({"event": str(_l("Kies een stap."))})
    errors = {}
    field, day = EVENT_DATES[event], _parse_date(on)
    # A withdrawal may come before a date of coming into force still ahead.
    before = ("proposed_on", "decided_on") if event == "withdraw" else DATE_ORDER[:DATE_ORDER.index(field)]
    dates = {name: getattr(intervention, name) for name in before} | {field: day}
    if day is None:
        errors["on"] = str(NO_DATE)
    _check_date(field, dates, errors)
    if field in errors:
        errors["on"] = errors.pop(field)  # the step's date is given as `on`
    note = _note(fields.note, errors)
    document = _document(fields.document_id, case, errors) if fields.document_id not in (None, "") else None
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        check_version(intervention, seen_version)
        if document is not None:
            intervention.document = document
        _run(intervention, event, fields, actor=actor)
        setattr(intervention, field, day)
        if event == "end":
            intervention.outcome, intervention.outcome_note = fields.outcome, note
        elif event == "withdraw":
            intervention.outcome_note = note
        _history(intervention, event, actor)
    return intervention


def get(intervention_id: int, *, actor: User, audited: bool = False) -> Intervention:
    """The intervention, for someone who may see its case; `audited`: its page or record is being viewed (a
    refusal is audited either way)."""
    intervention = db.session.get(Intervention, intervention_id)
    if intervention is None:
        raise NotFound(MISSING)
    if not access.can_view_case(actor, intervention.case):
        audit.record_now(actor, "view_intervention", "case", intervention.case.reference, outcome="denied",
                         detail={"intervention": intervention.id})
        raise Forbidden(_l("U heeft geen toegang tot deze casus."))
    if audited:
        audit.record_now(actor, "view_intervention", "case", intervention.case.reference,
                         detail={"intervention": intervention.id})
    return intervention


def allowed_steps(intervention: Intervention) -> list[str]:
    """The events its status allows now, in ladder order (what the page offers)."""
    state = InterventionLifecycle.states_map[intervention.status]
    offered = {event for transition in state.transitions for event in transition.events}
    return [event for event in EVENTS if event in offered]


def _climb(intervention: Intervention, steps: tuple[str, ...], fields: StepFields, *, actor: User | None,
           errors: dict) -> None:
    """Run the steps before anything is stored, so a broken guard is named with the other fields."""
    try:
        for event in steps:
            _run(intervention, event, fields, actor=actor)
    except ServiceError as broken:
        errors[broken.field or "status"] = str(broken.message)


def _run(intervention: Intervention, event: str, fields: StepFields, *, actor: User | None) -> None:
    transition_intervention(intervention, event, decided_by=fields.decided_by, formal=intervention.type.formal,
                            has_document=intervention.document is not None, outcome=fields.outcome,
                            reason=fields.note)
    if event == "decide":
        intervention.decided_by = fields.decided_by
        intervention.decided_by_user_id = actor.id if actor and fields.decided_by == "coordinator" else None


def _history(intervention: Intervention, step: str, actor: User | None) -> None:
    detail = {"intervention": step, "intervention_id": intervention.id, "type": intervention.type.code,
              "status": intervention.status}
    transition_case(intervention.case, "change", actor, detail=detail)
    audit.record(actor, "record_intervention" if step == "recorded" else f"intervention_{step}", "case",
                 intervention.case.reference, detail={"intervention": intervention.id, "type": intervention.type.code,
                                                      "status": intervention.status})


def _check_may_edit(case: Case, actor: User | None) -> None:
    if actor is not None and not access.can_edit_case(actor, case):
        raise Forbidden(NOT_YOURS)
    if case.status != "open":
        raise Conflict(CLOSED, code="case_not_open")


def _steps(status: str | None, in_force_on) -> tuple[str, ...]:
    """An ended intervention went through `in_force` when it has a date of coming into force."""
    if status == "ended" and in_force_on not in (None, ""):
        return STEPS_TO["ended_in_force"]
    return STEPS_TO.get(status, ())


def _needed_dates(steps: tuple[str, ...]) -> tuple[str, ...]:
    needed = {"proposed_on"} | {EVENT_DATES[event] for event in steps}
    return tuple(name for name in DATE_ORDER if name in needed)


def _record_dates(raw: dict, needed: tuple[str, ...], errors: dict) -> dict:
    """The dates of the steps taken (the others are left out), each present and in order."""
    dates = {}
    for name in needed:
        value = _parse_date(raw.get(name))
        if value is None:
            errors[name] = str(NO_DATE)
        else:
            dates[name] = value
    for name in needed:
        _check_date(name, dates, errors)
    return dates


def _check_date(name: str, dates: dict, errors: dict) -> None:
    """Not before the steps before it, not ahead of today (a date of coming into force may be, up to a year)."""
    value = dates.get(name)
    if value is None:
        return
    ahead = timedelta(days=DAYS_AHEAD if name == "in_force_on" else 0)
    earlier = [dates[before] for before in DATE_ORDER[:DATE_ORDER.index(name)] if dates.get(before) is not None]
    if value < EARLIEST:
        errors[name] = str(NO_DATE)
    elif value > today() + ahead:
        errors[name] = str(_l("Vul een datum in die niet in de toekomst ligt."))
    elif earlier and value < max(earlier):
        errors[name] = str(_l("Deze datum ligt voor een eerdere stap van de interventie."))


def _parse_date(value) -> date | None:
    """A `date`, an ISO date string, or None for anything else (missing or not a date)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _type(code: str | None, errors: dict) -> InterventionType | None:
    kind = db.session.scalar(sa.select(InterventionType).where(InterventionType.code == (code or ""),
                                                                InterventionType.active.is_(True)))
    if kind is None:
        errors["type_code"] = str(_l("Kies een soort interventie."))
    return kind


def _partner(key: str | None, case: Case, errors: dict) -> Partner | None:
    if key in (None, ""):
        return None
    partner = db.session.scalar(
        sa.select(Partner).join(CasePartner, CasePartner.partner_id == Partner.id)
        .where(Partner.key == key, Partner.is_active.is_(True), CasePartner.case_id == case.id))
    if partner is None:
        errors["partner"] = str(_l("Kies een ketenpartner die bij de casus betrokken is."))
    return partner


def _document(document_id, case: Case, errors: dict) -> CaseDocument | None:
    if document_id in (None, ""):
        return None
    try:
        document = db.session.get(CaseDocument, int(document_id))
    except (TypeError, ValueError):
        document = None
    if document is None or document.case_id != case.id:
        errors["document_id"] = str(_l("Kies een document van deze casus."))
        return None
    return document


def _note(value: str | None, errors: dict) -> str | None:
    try:
        return clean_text(value, max_length=NOTE_MAX)
    except InvalidValue as invalid:
        errors["note"] = str(invalid.message)
        return None
