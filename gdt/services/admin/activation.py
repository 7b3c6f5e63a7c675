"""Deactivate or reactivate what the administrator manages (accounts, partners, case results): one audited switch.

A deactivated record keeps its history; what that means for each kind, and what may refuse it, stays with the
kind's own service, which passes it in here.
"""
from collections.abc import Callable
from typing import Any, TypeVar

from gdt.models import User
from gdt.services.admin import reference_history
from gdt.services.core import audit
from gdt.services.core.transaction import unit_of_work

R = TypeVar("R")


def set_active(record: R, active: bool, *, actor: User | None, object_type: str, object_ref: str,
               check: Callable[[], None] | None = None,
               then: Callable[[], dict[str, Any] | None] | None = None, keep_history: bool = False,
               history_key: str | None = None) -> R:
    """Set `record.is_active` and audit it as "activate" or "deactivate", in one unit of work.

    `check()` runs first in that unit of work and refuses with a ServiceError (nothing changes); `then()` runs
    after the switch, before the audit event, for what goes with it (ending a deactivated user's sessions, cutting
    off a deactivated partner); what it returns, if anything, is the audit event's detail (counts and keys only).
    `keep_history`: reference data, whose switch also goes into its change history (reference_history), under
    `history_key` when the record's history is not kept under `object_ref` (a category's: under its id).
    """
    with unit_of_work():
        if check is not None:
            check()
        was_active, record.is_active = record.is_active, active
        if keep_history and was_active != active:
            reference_history.record_change(actor, object_type, history_key or object_ref,
                                            "activate" if active else "deactivate",
                                            before={"is_active": was_active}, after={"is_active": active})
        detail = then() if then is not None else None
        audit.record(actor, "activate" if active else "deactivate", object_type, object_ref, detail=detail)
    return record
