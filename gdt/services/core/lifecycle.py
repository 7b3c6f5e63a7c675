"""Runs a workflow transition for a service and records it in the history (who, when, from → to)."""
from flask_babel import lazy_gettext as _l

from gdt.db import utcnow
from gdt.models import Action, Case, CaseEvent, Meeting, Referral, Report, ReportEvent, User
from gdt.models.interventions import Intervention
from gdt.services.core.errors import Conflict, ServiceError
from workflows import (
    ActionLifecycle,
    CaseLifecycle,
    InterventionLifecycle,
    MeetingLifecycle,
    ReferralLifecycle,
    ReportLifecycle,
    RuleBroken,
    TransitionNotAllowed,
)

RULE_MESSAGES = {
    "referral_needs_partner": _l("Kies een ketenpartner."),
    "referral_needs_active_partner": _l("Deze ketenpartner is niet meer actief. Kies een actieve ketenpartner."),
    "case_needs_active_coordinator": _l("Kies een actieve regisseur."),
    "case_mode_unknown": _l("Kies advies of regie."),
    "case_partner_needs_active_partner": _l("Kies een actieve ketenpartner."),
    "case_note_needs_text": _l("Schrijf een notitie."),
    "case_close_needs_result": _l("Kies een resultaat."),
    "case_close_needs_settled_actions": _l("Er staan nog afspraken open. Rond ze af, laat ze vallen met een reden, "
                                           "of kies ervoor ze over te dragen."),
    "case_reopen_needs_reason": _l("Schrijf waarom de casus weer open gaat."),
    "case_merge_needs_open_target": _l("Kies een open casus om mee samen te voegen."),
    "case_regie_kind_unknown": _l("Kies casusregie of procesregie (alleen bij regie)."),
    "meeting_needs_moment": _l("Vul datum en tijd in."),
    "meeting_cancel_needs_reason": _l("Schrijf waarom het overleg niet doorgaat."),
    "action_drop_needs_reason": _l("Schrijf waarom de afspraak vervalt."),
    "referral_handled_needs_outcome": _l("Kies hoe de melding is afgehandeld."),
    "referral_return_needs_reason": _l("Schrijf waarom het team de melding weer moet oppakken."),
    "intervention_needs_decider": _l("Kies wie besloot: de regisseur of de burgemeester."),
    "intervention_formal_is_the_mayors": _l("Een formele stap is een besluit van de burgemeester."),
    "intervention_formal_needs_document": _l("Een formele stap gaat niet zonder besluitbrief: kies het document of "
                                             "voeg het toe."),
    "intervention_end_needs_outcome": _l("Kies wat de interventie heeft opgeleverd."),
    "intervention_withdraw_needs_reason": _l("Schrijf waarom de interventie wordt ingetrokken."),
}
NOT_ALLOWED = {
    "report": _l("Deze stap kan niet in de huidige status van de melding."),
    "case": _l("Deze stap kan niet in de huidige status van de casus."),
    "meeting": _l("Dit kan niet meer: het overleg is al gehouden of afgezegd."),
    "action": _l("Deze afspraak is al afgerond of vervallen."),
    "referral": _l("Deze terugkoppeling kan niet meer: de doorverwijzing is al afgerond of verder."),
    "intervention": _l("Deze stap kan niet in de huidige status van de interventie."),
}


# A destroyed report or case keeps its row for the statistics (docs/domain.md, "Retention and destruction"); it
# takes no step any more.
DESTROYED = {"report": _l("Deze melding is vernietigd: er kan niets meer mee worden gedaan."),
             "case": _l("Deze casus is vernietigd: er kan niets meer mee worden gedaan.")}


LIFECYCLES = {Report: ReportLifecycle, Case: CaseLifecycle, Referral: ReferralLifecycle, Meeting: MeetingLifecycle,
              Action: ActionLifecycle, Intervention: InterventionLifecycle}


def allows(record, event: str) -> bool:
    """Whether the record's lifecycle allows `event` in its current state (guards with data aside): what pages
    ask before offering a form, instead of comparing states themselves."""
    if getattr(record, "destroyed_at", None) is not None:
        return False
    state = LIFECYCLES[type(record)].states_map.get(record.status)
    return state is not None and any(event in transition.events for transition in state.transitions)


def transition_report(report: Report, event: str, actor: User | None, *, detail: dict | None = None, **context) -> None:
    _refuse_destroyed(report, "report")
    before = report.status
    _send(ReportLifecycle(report, state_field="status"), event, "report", context)
    report.events.append(ReportEvent(event=event, from_status=before, to_status=report.status,
                                     actor_id=actor.id if actor else None, occurred_at=utcnow(), detail=detail))


def transition_case(case: Case, event: str, actor: User | None, *, detail: dict | None = None, **context) -> None:
    _refuse_destroyed(case, "case")
    before = case.status
    _send(CaseLifecycle(case, state_field="status"), event, "case", context)
    case.events.append(CaseEvent(event=event, from_status=before, to_status=case.status,
                                 actor_id=actor.id if actor else None, occurred_at=utcnow(), detail=detail))


def transition_referral(referral: Referral, event: str, **context) -> None:
    """The referral's own state; the services record its steps in the report's or case's history."""
    _send(ReferralLifecycle(referral, state_field="status"), event, "referral", context)


def transition_meeting(meeting, event: str, **context) -> None:
    _send(MeetingLifecycle(meeting, state_field="status"), event, "meeting", context)


def transition_action(action, event: str, **context) -> None:
    _send(ActionLifecycle(action, state_field="status"), event, "action", context)


def transition_intervention(intervention: Intervention, event: str, **context) -> None:
    """The intervention's own state; the service records the step in its case's history."""
    _send(InterventionLifecycle(intervention, state_field="status"), event, "intervention", context)


def start(record, lifecycle) -> None:
    """Put a new record in its lifecycle's initial state."""
    lifecycle(record, state_field="status")


def record_report_event(report: Report, event: str, actor: User | None, detail: dict | None = None) -> None:
    """A history entry that is not a status change (a delivery, a partner's feedback)."""
    report.events.append(ReportEvent(event=event, from_status=report.status, to_status=report.status,
                                     actor_id=actor.id if actor else None, occurred_at=utcnow(), detail=detail))


def record_case_event(case: Case, event: str, actor: User | None, detail: dict | None = None) -> None:
    case.events.append(CaseEvent(event=event, from_status=case.status, to_status=case.status,
                                 actor_id=actor.id if actor else None, occurred_at=utcnow(), detail=detail))


def open_case(case: Case, actor: User | None, *, detail: dict | None = None) -> None:
    """Put a new case in the lifecycle's initial state and record that it was opened."""
    CaseLifecycle(case, state_field="status")
    case.events.append(CaseEvent(event="open", from_status=None, to_status=case.status,
                                 actor_id=actor.id if actor else None, occurred_at=utcnow(), detail=detail))


def _refuse_destroyed(record, kind: str) -> None:
    if record.destroyed_at is not None:
        raise Conflict(DESTROYED[kind], code="destroyed")


def _send(machine, event: str, kind: str, context: dict) -> None:
    try:
        machine.send(event, **context)
    except RuleBroken as broken:
        raise ServiceError(RULE_MESSAGES[broken.rule], field=broken.field, code=broken.rule) from broken
    except TransitionNotAllowed as refused:
        raise Conflict(NOT_ALLOWED[kind], code="transition_not_allowed") from refused
