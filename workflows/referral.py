"""The lifecycle of a referral (doorverwijzing) as the partner reports back on it (docs/domain.md, "Lifecycles")."""
from statemachine import State, StateMachine

from workflows.errors import RuleBroken

HANDLED_OUTCOMES = ("resolved", "measures-taken", "no-action-possible", "passed-on")


class ReferralLifecycle(StateMachine):
    """awaiting ─► received ─► taken_on ─► handled | returned; a partner may skip the steps in between.

    `returned` means the partner needs the team after all: the report goes back to triage.
    """

    awaiting = State(initial=True)
    received = State()
    taken_on = State()
    handled = State(final=True)
    returned = State(final=True)

    acknowledge = awaiting.to(received)
    take_on = awaiting.to(taken_on) | received.to(taken_on)
    handle = (awaiting.to(handled, validators="require_outcome") | received.to(handled, validators="require_outcome")
              | taken_on.to(handled, validators="require_outcome"))
    return_to_team = (awaiting.to(returned, validators="require_reason")
                      | received.to(returned, validators="require_reason")
                      | taken_on.to(returned, validators="require_reason"))

    def require_outcome(self, outcome=None, **_) -> None:
        if outcome not in HANDLED_OUTCOMES:
            raise RuleBroken("referral_handled_needs_outcome", field="outcome")

    def require_reason(self, reason=None, **_) -> None:
        if not reason or not reason.strip():
            raise RuleBroken("referral_return_needs_reason", field="reason")
