"""The lifecycles of a case meeting (casusoverleg) and an agreed action (afspraak in het plan van aanpak)."""
from statemachine import State, StateMachine

from workflows.errors import RuleBroken


class MeetingLifecycle(StateMachine):
    """planned ─► held (attendance, minutes and decisions recorded) | cancelled (with a reason)."""

    planned = State(initial=True)
    held = State(final=True)
    cancelled = State(final=True)

    reschedule = planned.to.itself(validators="require_moment")
    hold = planned.to(held)
    cancel = planned.to(cancelled, validators="require_reason")

    def require_moment(self, starts_at=None, **_) -> None:
        if starts_at is None:
            raise RuleBroken("meeting_needs_moment", field="starts_at")

    def require_reason(self, reason=None, **_) -> None:
        if not reason or not reason.strip():
            raise RuleBroken("meeting_cancel_needs_reason", field="reason")


class ActionLifecycle(StateMachine):
    """open ─► done | dropped (with a reason); an open action can be updated (its owner reports progress)."""

    open = State(initial=True)
    done = State(final=True)
    dropped = State(final=True)

    update = open.to.itself()
    complete = open.to(done)
    drop = open.to(dropped, validators="require_reason")

    def require_reason(self, reason=None, **_) -> None:
        if not reason or not reason.strip():
            raise RuleBroken("action_drop_needs_reason", field="reason")
