"""The lifecycle of a report from intake to closure (docs/domain.md, "Lifecycles")."""
from statemachine import State, StateMachine

from workflows.errors import RuleBroken

TRIAGE_OUTCOMES = ("referred", "escalated")


class ReportLifecycle(StateMachine):
    """received ─► referred ─► closed; received ─► escalated ─► closed; a partner may return a referral to triage.

    Until it is triaged a report may be corrected (category, address, description); the status stays.
    """

    received = State(initial=True)
    referred = State()
    escalated = State()
    closed = State(final=True)

    refer = received.to(referred, validators="require_active_partner")
    escalate = received.to(escalated)
    close = referred.to(closed) | escalated.to(closed)
    reopen = referred.to(received)  # the partner returned it: the team needs to decide again
    correct = received.to.itself()  # a mistake put right before triage (intake.report_corrections)

    def require_active_partner(self, partner=None) -> None:
        if partner is None:
            raise RuleBroken("referral_needs_partner", field="partner")
        if not partner.is_active:
            raise RuleBroken("referral_needs_active_partner", field="partner")
