"""The lifecycle of a GDT case (DESIGN §3): every change happens on an open case."""
from statemachine import State, StateMachine

from workflows.errors import RuleBroken

CASE_MODES = ("advice", "regie")


class CaseLifecycle(StateMachine):
    """open ─► closed; coordinator, mode, partners and notes only while open."""

    open = State(initial=True)
    closed = State(final=True)

    assign_coordinator = open.to.itself(validators="require_coordinator")
    decide_mode = open.to.itself(validators="require_known_mode")
    involve_partner = open.to.itself(validators="require_active_partner")
    add_note = open.to.itself(validators="require_note")
    refer = open.to.itself(validators="require_active_partner")  # advice handed to a partner
    review = open.to.itself()  # the periodic review: the next one is due N weeks later
    close = open.to(closed, validators="require_result")

    def require_coordinator(self, coordinator=None) -> None:
        if coordinator is None or not coordinator.is_active or coordinator.role != "coordinator":
            raise RuleBroken("case_needs_active_coordinator", field="coordinator")

    def require_known_mode(self, mode=None) -> None:
        if mode not in CASE_MODES:
            raise RuleBroken("case_mode_unknown", field="mode")

    def require_active_partner(self, partner=None) -> None:
        if partner is None or not partner.is_active:
            raise RuleBroken("case_partner_needs_active_partner", field="partner")

    def require_note(self, body=None) -> None:
        if not body or not body.strip():
            raise RuleBroken("case_note_needs_text", field="body")

    def require_result(self, result=None) -> None:
        if not result:
            raise RuleBroken("case_close_needs_result", field="result")
