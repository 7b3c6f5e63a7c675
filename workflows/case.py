"""The lifecycle of a GDT case (docs/domain.md, "Lifecycles"): every change happens on an open case."""
from statemachine import State, StateMachine

from workflows.errors import RuleBroken

CASE_MODES = ("advice", "regie")
REGIE_KINDS = ("casus", "proces")


class CaseLifecycle(StateMachine):
    """open ─► closed ─► open again (reopened with a reason); open ─► merged into another case.

    Coordinator, mode, partners, notes, meetings and actions change only while open. Taking a partner off the case
    ends its access, so it is allowed on a closed case too.
    """

    open = State(initial=True)
    closed = State()
    merged = State(final=True)

    assign_coordinator = open.to.itself(validators="require_coordinator")
    decide_mode = open.to.itself(validators="require_known_mode")
    involve_partner = open.to.itself(validators="require_active_partner")
    remove_partner = open.to.itself() | closed.to.itself()
    add_note = open.to.itself(validators="require_note")
    refer = open.to.itself(validators="require_active_partner")  # advice handed to a partner
    review = open.to.itself()  # the periodic review: the next one is due N weeks later
    close = open.to(closed, validators=["require_result", "require_actions_settled"])
    reopen = closed.to(open, validators="require_reason")
    merge = open.to(merged, validators="require_open_target")
    change = open.to.itself()  # bundling, parties, meetings and actions: anything else on an open case

    def require_coordinator(self, coordinator=None, **_) -> None:
        if coordinator is None or not coordinator.is_active or coordinator.role != "coordinator":
            raise RuleBroken("case_needs_active_coordinator", field="coordinator")

    def require_known_mode(self, mode=None, regie_kind=None, **_) -> None:
        if mode not in CASE_MODES:
            raise RuleBroken("case_mode_unknown", field="mode")
        if regie_kind is not None and (mode != "regie" or regie_kind not in REGIE_KINDS):
            raise RuleBroken("case_regie_kind_unknown", field="regie_kind")

    def require_active_partner(self, partner=None, **_) -> None:
        if partner is None or not partner.is_active:
            raise RuleBroken("case_partner_needs_active_partner", field="partner")

    def require_note(self, body=None, **_) -> None:
        if not body or not body.strip():
            raise RuleBroken("case_note_needs_text", field="body")

    def require_result(self, result=None, **_) -> None:
        if not result:
            raise RuleBroken("case_close_needs_result", field="result")

    def require_actions_settled(self, open_actions=0, carry_over=False, **_) -> None:
        if open_actions and not carry_over:
            raise RuleBroken("case_close_needs_settled_actions", field="carry_over")

    def require_reason(self, reason=None, **_) -> None:
        if not reason or not reason.strip():
            raise RuleBroken("case_reopen_needs_reason", field="reason")

    def require_open_target(self, into=None, **_) -> None:  # not "target": the library passes its own
        if into is None or into.status != "open":
            raise RuleBroken("case_merge_needs_open_target", field="target")
