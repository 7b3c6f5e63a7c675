"""Audit events for every view and change of personal data, written in the caller's unit of work."""
from contextvars import ContextVar
from typing import Any

from gdt.db import append_row, db
from gdt.models import AuditEvent, User

# Set by the web layer per request (client address after proxy handling); services never read the request.
request_origin: ContextVar[str | None] = ContextVar("request_origin", default=None)


def record(actor: User | None, action: str, object_type: str, object_ref: str | None = None, *,
           outcome: str = "ok", detail: dict[str, Any] | None = None) -> AuditEvent:
    """Add one audit event to the current session. `detail` holds field names and keys, never personal values."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_role=actor.role if actor is not None else None,
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        outcome=outcome,
        origin=request_origin.get(),
        detail=detail,
    )
    append_row(event)
    return event


def record_now(actor: User | None, action: str, object_type: str, object_ref: str | None = None, **kwargs) -> None:
    """Record and commit at once: for reads and refusals that have no unit of work of their own."""
    record(actor, action, object_type, object_ref, **kwargs)
    db.session.commit()
