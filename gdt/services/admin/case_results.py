"""Case results: the list a case closes with (admin only). Keys are stable: closed cases and statistics use them.

A retired (inactive) result stays in the history and the statistics but is no longer offered when closing a
case; at least one result always stays active, or no case could close.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import CaseResult, User
from gdt.services.admin import activation, reference_history
from gdt.services.core import audit
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.validation import InvalidValue, clean_fields, name_line, required, slug_key

KEY_MAX = 40  # CaseResult.key and Case.result are String(40)
LABEL_MAX = 120
POSITION_MAX = 999
RESERVED_KEYS = {"new"}  # /admin/case-results/new is the page that creates one
HISTORY_LABELS = {"label": _l("Omschrijving"), "needs_reason": _l("Reden verplicht"), "position": _l("Volgnummer"),
                  "is_active": _l("Actief")}


def list_results() -> list[CaseResult]:
    """Every result, the active ones first, each group in the admin's order."""
    return list(db.session.scalars(sa.select(CaseResult).order_by(
        CaseResult.is_active.desc(), CaseResult.position, CaseResult.label, CaseResult.key)))


def create_result(key: str, label: str, *, needs_reason: bool = False, actor: User | None) -> CaseResult:
    """A new result, offered when closing at once; it goes to the end of the list."""
    fields = _clean_fields(key=key, label=label)
    with unit_of_work():
        if db.session.scalar(sa.select(CaseResult.key).where(CaseResult.key == fields["key"])) is not None:
            raise ServiceError(_l("Er bestaat al een resultaat met deze sleutel."), field="key")
        last = db.session.scalar(sa.select(sa.func.max(CaseResult.position)))
        result = CaseResult(**fields, needs_reason=bool(needs_reason), is_active=True,
                            position=min((last if last is not None else -1) + 1, POSITION_MAX))
        db.session.add(result)
        reference_history.record_change(actor, "case_result", result.key, "create",
                                        after=reference_history.snapshot(result, HISTORY_LABELS))
        audit.record(actor, "create", "case_result", result.key)
    return result


def update_result(result: CaseResult, *, label: str, needs_reason: bool, position: int | str | None,
                  actor: User | None) -> CaseResult:
    """Change the label, whether a reason is required and the place in the list; the key never changes."""
    fields = _clean_fields(label=label, position=position) | {"needs_reason": bool(needs_reason)}
    with unit_of_work():
        changed = [field for field, value in fields.items() if getattr(result, field) != value]
        before = reference_history.snapshot(result, HISTORY_LABELS)
        for field, value in fields.items():
            setattr(result, field, value)
        reference_history.record_change(actor, "case_result", result.key, "update", before=before,
                                        after=reference_history.snapshot(result, HISTORY_LABELS))
        audit.record(actor, "update", "case_result", result.key, detail={"fields": changed})
    return result


def set_result_active(result: CaseResult, active: bool, *, actor: User | None) -> CaseResult:
    """Retire a result (cases closed with it keep it) or offer it again; the last active one cannot be retired."""
    def keep_one_active() -> None:
        if not active and result.is_active:
            # Lock the active rows, so two admins cannot each retire one of the last two at the same time.
            still_active = db.session.scalars(
                sa.select(CaseResult.key).where(CaseResult.is_active).with_for_update()).all()
            if set(still_active) <= {result.key}:
                raise ServiceError(_l("Dit is het laatste actieve resultaat. Een casus moet met een resultaat "
                                      "kunnen sluiten: activeer of maak eerst een ander resultaat."))

    return activation.set_active(result, active, actor=actor, object_type="case_result", object_ref=result.key,
                                 check=keep_one_active, keep_history=True)


def history(result: CaseResult) -> list[reference_history.ChangeLine]:
    return reference_history.change_lines("case_result", result.key, labels=HISTORY_LABELS)


def get_result(key: str) -> CaseResult:
    result = db.session.scalar(sa.select(CaseResult).where(CaseResult.key == key))
    if result is None:
        raise NotFound(_l("Dit resultaat bestaat niet."))
    return result


def _clean_fields(**raw) -> dict:
    fields, errors = clean_fields(RULES, raw)
    if errors:
        raise ValidationFailed(errors)
    return fields




def _position(raw: int | str | None) -> int:
    if isinstance(raw, bool):
        raw = None
    value = raw.strip() if isinstance(raw, str) else raw
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= POSITION_MAX:
        raise InvalidValue(_l("Vul een volgnummer in van 0 tot en met %(max)d.", max=POSITION_MAX))
    return value


RULES = {
    "key": slug_key(max_length=KEY_MAX, example="handed-over-zvh", reserved=frozenset(RESERVED_KEYS)),
    "label": required(name_line(LABEL_MAX), _l("Vul een omschrijving in.")),
    "position": _position,
}
