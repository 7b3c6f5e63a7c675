"""The lifecycle of an intervention on the escalation ladder (docs/domain.md, "Interventions")."""
from statemachine import State, StateMachine

from workflows.errors import RuleBroken

DECIDERS = ("coordinator", "mayor")
INTERVENTION_OUTCOMES = ("effective", "partly_effective", "not_effective", "unknown")


class InterventionLifecycle(StateMachine):
    """proposed ─► decided ─► in_force ─► ended (with its outcome); withdrawn (with a reason) until it has ended.

    A decided step may end without coming into force (a talk held, mediation done). A formal step (a voornemen,
    a behavioural order, a penalty, a closure) is the mayor's decision and is decided only with its decision letter.
    """

    proposed = State(initial=True)
    decided = State()
    in_force = State()
    ended = State(final=True)
    withdrawn = State(final=True)

    decide = proposed.to(decided, validators=["require_decider", "require_decision_letter"])
    take_effect = decided.to(in_force)
    end = decided.to(ended, validators="require_outcome") | in_force.to(ended, validators="require_outcome")
    withdraw = (proposed.to(withdrawn, validators="require_reason") | decided.to(withdrawn, validators="require_reason")
                | in_force.to(withdrawn, validators="require_reason"))

    def require_decider(self, decided_by=None, formal=False, **_) -> None:
        if decided_by not in DECIDERS:
            raise RuleBroken("intervention_needs_decider", field="decided_by")
        if formal and decided_by != "mayor":
            raise RuleBroken("intervention_formal_is_the_mayors", field="decided_by")

    def require_decision_letter(self, formal=False, has_document=False, **_) -> None:
        if formal and not has_document:
            raise RuleBroken("intervention_formal_needs_document", field="document_id")

    def require_outcome(self, outcome=None, **_) -> None:
        if outcome not in INTERVENTION_OUTCOMES:
            raise RuleBroken("intervention_end_needs_outcome", field="outcome")

    def require_reason(self, reason=None, **_) -> None:
        if not reason or not reason.strip():
            raise RuleBroken("intervention_withdraw_needs_reason", field="note")
