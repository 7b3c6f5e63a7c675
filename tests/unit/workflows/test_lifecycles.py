"""Each lifecycle as a table: every (state, event) pair is either allowed with a known target, or refused."""
from types import SimpleNamespace

import pytest

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

ACTIVE_PARTNER = SimpleNamespace(is_active=True)
COORDINATOR = SimpleNamespace(is_active=True, role="coordinator")

REPORT_TABLE = {
    ("received", "refer"): "referred",
    ("received", "escalate"): "escalated",
    ("referred", "close"): "closed",
    ("escalated", "close"): "closed",
    ("referred", "reopen"): "received",
    ("received", "correct"): "received",
}
CASE_TABLE = {
    ("open", "assign_coordinator"): "open",
    ("open", "decide_mode"): "open",
    ("open", "involve_partner"): "open",
    ("open", "remove_partner"): "open",
    ("closed", "remove_partner"): "closed",
    ("open", "add_note"): "open",
    ("open", "refer"): "open",
    ("open", "review"): "open",
    ("open", "change"): "open",
    ("open", "close"): "closed",
    ("closed", "reopen"): "open",
    ("open", "merge"): "merged",
}
MEETING_TABLE = {
    ("planned", "reschedule"): "planned", ("planned", "hold"): "held", ("planned", "cancel"): "cancelled",
}
ACTION_TABLE = {
    ("open", "update"): "open", ("open", "complete"): "done", ("open", "drop"): "dropped",
}
REFERRAL_TABLE = {
    ("awaiting", "acknowledge"): "received",
    ("awaiting", "take_on"): "taken_on",
    ("received", "take_on"): "taken_on",
    **{(state, "handle"): "handled" for state in ("awaiting", "received", "taken_on")},
    **{(state, "return_to_team"): "returned" for state in ("awaiting", "received", "taken_on")},
}
INTERVENTION_TABLE = {
    ("proposed", "decide"): "decided",
    ("decided", "take_effect"): "in_force",
    ("decided", "end"): "ended",
    ("in_force", "end"): "ended",
    **{(state, "withdraw"): "withdrawn" for state in ("proposed", "decided", "in_force")},
}
MACHINES = ((ReportLifecycle, REPORT_TABLE), (CaseLifecycle, CASE_TABLE), (ReferralLifecycle, REFERRAL_TABLE),
            (MeetingLifecycle, MEETING_TABLE), (ActionLifecycle, ACTION_TABLE),
            (InterventionLifecycle, INTERVENTION_TABLE))
VALID_CONTEXT = {
    "refer": {"partner": ACTIVE_PARTNER}, "assign_coordinator": {"coordinator": COORDINATOR},
    "decide_mode": {"mode": "regie"}, "involve_partner": {"partner": ACTIVE_PARTNER},
    "add_note": {"body": "Gesprek gevoerd."}, "close": {"result": "de-escalated"},
    "handle": {"outcome": "resolved"}, "return_to_team": {"reason": "Er is meer aan de hand."},
    "reopen": {"reason": "Nieuwe incidenten."}, "merge": {"into": SimpleNamespace(status="open")},
    "reschedule": {"starts_at": "2027-01-05T10:00"}, "cancel": {"reason": "Ziekte."},
    "drop": {"reason": "Niet meer nodig."},
    "decide": {"decided_by": "mayor", "formal": True, "has_document": True}, "end": {"outcome": "effective"},
    "withdraw": {"reason": "De overlast is gestopt."},
}


def _pairs(machine, table):
    events = sorted({transition.event for state in machine.states for transition in state.transitions})
    return [(state.id, event, table.get((state.id, event))) for state in machine.states for event in events]


def test_declared_transitions_are_exactly_the_documented_tables():
    for machine, table in MACHINES:
        declared = {(state.id, transition.event): transition.target.id
                    for state in machine.states for transition in state.transitions}
        assert declared == table


@pytest.mark.parametrize(("machine", "start", "event", "end"),
                         [(machine, *pair) for machine, table in MACHINES for pair in _pairs(machine, table)])
def test_every_state_and_event(machine, start, event, end):
    record = SimpleNamespace(status=start)
    lifecycle = machine(record, state_field="status")
    if end is None:
        with pytest.raises(TransitionNotAllowed):
            lifecycle.send(event, **VALID_CONTEXT.get(event, {}))
        assert record.status == start
    else:
        lifecycle.send(event, **VALID_CONTEXT.get(event, {}))
        assert record.status == end


def test_a_new_record_starts_in_the_initial_state():
    records = [SimpleNamespace(status=None) for _ in MACHINES]
    for (machine, _), record in zip(MACHINES, records):
        machine(record, state_field="status")
    assert [record.status for record in records] == ["received", "open", "awaiting", "planned", "open", "proposed"]


@pytest.mark.parametrize(
    ("machine", "start", "event", "context", "rule"),
    [
        (ReportLifecycle, "received", "refer", {}, "referral_needs_partner"),
        (
            ReportLifecycle,
            "received",
            "refer",
            {"partner": SimpleNamespace(is_active=False)},
            "referral_needs_active_partner",
        ),
        (CaseLifecycle, "open", "close", {}, "case_close_needs_result"),
        (CaseLifecycle, "open", "close", {"result": ""}, "case_close_needs_result"),
        (CaseLifecycle, "open", "decide_mode", {"mode": "anders"}, "case_mode_unknown"),
        (
            CaseLifecycle,
            "open",
            "assign_coordinator",
            {"coordinator": SimpleNamespace(is_active=True, role="intake")},
            "case_needs_active_coordinator",
        ),
        (
            CaseLifecycle,
            "open",
            "assign_coordinator",
            {"coordinator": SimpleNamespace(is_active=False, role="coordinator")},
            "case_needs_active_coordinator",
        ),
        (
            CaseLifecycle,
            "open",
            "involve_partner",
            {"partner": SimpleNamespace(is_active=False)},
            "case_partner_needs_active_partner",
        ),
        (CaseLifecycle, "open", "add_note", {"body": "  "}, "case_note_needs_text"),
        (
            CaseLifecycle,
            "open",
            "refer",
            {"partner": SimpleNamespace(is_active=False)},
            "case_partner_needs_active_partner",
        ),
        (ReferralLifecycle, "received", "handle", {}, "referral_handled_needs_outcome"),
        (ReferralLifecycle, "taken_on", "handle", {"outcome": "opgelost"}, "referral_handled_needs_outcome"),
        (ReferralLifecycle, "awaiting", "return_to_team", {"reason": " "}, "referral_return_needs_reason"),
        (CaseLifecycle, "open", "close", {"result": "stopped", "open_actions": 2}, "case_close_needs_settled_actions"),
        (CaseLifecycle, "closed", "reopen", {"reason": ""}, "case_reopen_needs_reason"),
        (CaseLifecycle, "open", "merge", {"into": SimpleNamespace(status="closed")}, "case_merge_needs_open_target"),
        (CaseLifecycle, "open", "decide_mode", {"mode": "advice", "regie_kind": "casus"}, "case_regie_kind_unknown"),
        (MeetingLifecycle, "planned", "cancel", {"reason": ""}, "meeting_cancel_needs_reason"),
        (MeetingLifecycle, "planned", "reschedule", {}, "meeting_needs_moment"),
        (ActionLifecycle, "open", "drop", {}, "action_drop_needs_reason"),
        (InterventionLifecycle, "proposed", "decide", {}, "intervention_needs_decider"),
        (InterventionLifecycle, "proposed", "decide", {"decided_by": "wethouder"}, "intervention_needs_decider"),
        (InterventionLifecycle, "proposed", "decide", {"decided_by": "coordinator", "formal": True,
                                                        "has_document": True}, "intervention_formal_is_the_mayors"),
        (InterventionLifecycle, "proposed", "decide", {"decided_by": "mayor", "formal": True},
         "intervention_formal_needs_document"),
        (InterventionLifecycle, "in_force", "end", {"outcome": "geholpen"}, "intervention_end_needs_outcome"),
        (InterventionLifecycle, "decided", "withdraw", {"reason": " "}, "intervention_withdraw_needs_reason"),
    ],
)
def test_guards_refuse_with_a_coded_rule_and_change_nothing(machine, start, event, context, rule):
    record = SimpleNamespace(status=start)
    with pytest.raises(RuleBroken) as broken:
        machine(record, state_field="status").send(event, **context)
    assert broken.value.rule == rule
    assert record.status == start


def test_mode_can_only_be_decided_on_an_open_case():
    with pytest.raises(TransitionNotAllowed):
        CaseLifecycle(SimpleNamespace(status="closed"), state_field="status").send("decide_mode", mode="advice")


def test_open_actions_may_be_carried_over_at_closing():
    case = SimpleNamespace(status="open")
    CaseLifecycle(case, state_field="status").send("close", result="stopped", open_actions=2, carry_over=True)
    assert case.status == "closed"


def test_an_informal_step_is_decided_by_a_coordinator_without_a_letter():
    talk = SimpleNamespace(status="proposed")
    InterventionLifecycle(talk, state_field="status").send("decide", decided_by="coordinator", formal=False)
    assert talk.status == "decided"
