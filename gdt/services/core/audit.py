"""Audit events for every view and change of personal data, written in the caller's unit of work."""
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from gdt.db import append_row
from gdt.models import AuditEvent, User
from gdt.services.core import audit_chain
from gdt.services.core.errors import Forbidden, NotFound
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work

# Set by the web layer per request (client address after proxy handling); services never read the request.
request_origin: ContextVar[str | None] = ContextVar("request_origin", default=None)

T = TypeVar("T")


@joins_unit_of_work
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
    audit_chain.link(event)  # the next link of a chain of its day: tamper-evident (decision 0024)
    append_row(event)
    return event


def record_now(actor: User | None, action: str, object_type: str, object_ref: str | None = None, **kwargs) -> None:
    """Record and commit at once, as a unit of work of its own: for reads and refusals that have none.

    Never inside another unit of work (NestedUnitOfWork): there, `record` joins it.
    """
    with unit_of_work():
        record(actor, action, object_type, object_ref, **kwargs)


def audited_view(found: T | None, *, actor: User | None, object_type: str, object_ref: str | None,
                 may_view: Callable[[User | None, T], bool], missing: str, refused: str | None,
                 detail: Callable[[], dict[str, Any]] | None = None) -> T:
    """Load, audit, refuse: what `actor` may see of `found` (just loaded), with the view or the refusal audited.

    Nothing found: NotFound(`missing`), nothing audited. Found but `may_view(actor, found)` says no: a
    denied view is audited, then Forbidden(`refused`). Otherwise the view is audited, with `detail()`
    (asked only then), and `found` is returned. With `refused=None` a refusal looks exactly like
    nothing found (no existence oracle): both are audited as denied and answered NotFound(`missing`).
    Each event commits at once (record_now), so this never runs inside a unit of work.
    """
    if found is None and refused is not None:
        raise NotFound(missing)
    if found is None or not may_view(actor, found):
        record_now(actor, "view", object_type, object_ref, outcome="denied")
        raise NotFound(missing) if refused is None else Forbidden(refused)
    record_now(actor, "view", object_type, object_ref, detail=detail() if detail is not None else None)
    return found
