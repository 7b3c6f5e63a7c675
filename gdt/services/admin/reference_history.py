"""What was changed in the reference data, by whom and when, with the values before and after.

Every admin service that changes a category, partner, area, closing day or case result records the change here in
its own unit of work (`record_change`), next to its audit event; the record's admin page shows `change_lines`.
Values are JSON scalars; a service passes a field's `display` function when a stored value is a key or a number
that means something else to a reader (a partner key → its name, 3 → "3 werkdagen").
"""
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import ReferenceChange, User
from gdt.services.core.transaction import joins_unit_of_work

ACTION_LABELS = {
    "create": _l("Aangemaakt"),
    "update": _l("Gewijzigd"),
    "activate": _l("Geactiveerd"),
    "deactivate": _l("Gedeactiveerd"),
    "delete": _l("Verwijderd"),
    "rotate_webhook_secret": _l("Nieuw webhookgeheim gemaakt"),
    "import": _l("Geïmporteerd"),
}
HISTORY_LIMIT = 100


@dataclass(frozen=True)
class ChangeLine:
    occurred_at: datetime
    who: str
    what: str
    details: tuple[str, ...]


def snapshot(record: object, fields: Iterable[str]) -> dict[str, Any]:
    """The given fields of `record` as JSON scalars: what `record_change` compares."""
    return {field: _json_value(getattr(record, field)) for field in fields}


@joins_unit_of_work
def record_change(actor: User | None, object_type: str, object_key: str, action: str, *,
                  before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None
                  ) -> ReferenceChange | None:
    """Add one history row for a change of `object_type` `object_key`, in the caller's unit of work.

    `before`/`after` map fields to values (None for a record that did not exist before or no longer exists); only
    the fields whose value differs are kept. An update that changed nothing leaves no row and returns None.
    """
    before, after = dict(before or {}), dict(after or {})
    changes = {field: [_json_value(before.get(field)), _json_value(after.get(field))]
               for field in sorted(before.keys() | after.keys())
               if _json_value(before.get(field)) != _json_value(after.get(field))}
    if action == "update" and not changes:
        return None
    change = ReferenceChange(actor_id=actor.id if actor is not None else None, object_type=object_type,
                             object_key=object_key, action=action, changes=changes or None)
    db.session.add(change)
    return change


def change_lines(object_type: str, object_key: str | None, *, labels: Mapping[str, Any],
                 display: Mapping[str, Callable[[Any], str]] | None = None) -> list[ChangeLine]:
    """The newest changes first (at most HISTORY_LIMIT), in words: "Termijn: 3 werkdagen → 5 werkdagen".

    `object_key` None: the changes of every record of `object_type` (a list page's history; the records' own fields
    then say which one). `labels` names the fields a reader sees (fields without a label are left out: e.g. a
    webhook salt); `display` turns a stored value into words for a field, otherwise yes/no, dates and "–" for empty
    are shown. A deleted record's fields show what they held.
    """
    display = display or {}
    found = sa.select(ReferenceChange, User.name).outerjoin(User, User.id == ReferenceChange.actor_id).where(
        ReferenceChange.object_type == object_type)
    if object_key is not None:
        found = found.where(ReferenceChange.object_key == object_key)
    rows = db.session.execute(
        found.order_by(ReferenceChange.occurred_at.desc(), ReferenceChange.id.desc()).limit(HISTORY_LIMIT)).all()
    lines = []
    for change, actor_name in rows:
        details = tuple(_detail(change.action, labels[field], old, new, display.get(field))
                        for field, (old, new) in (change.changes or {}).items() if field in labels)
        lines.append(ChangeLine(occurred_at=change.occurred_at,
                                who=actor_name or str(_l("beheerder via de opdrachtregel")),
                                what=str(ACTION_LABELS.get(change.action, change.action)), details=details))
    return lines


def _detail(action: str, label: Any, old: Any, new: Any, shown: Callable[[Any], str] | None) -> str:
    if action == "delete" and new is None:
        return f"{label}: {_words(old, shown)}"
    if action == "update" or old is not None:
        return f"{label}: {_words(old, shown)} → {_words(new, shown)}"
    return f"{label}: {_words(new, shown)}"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _words(value: Any, shown: Callable[[Any], str] | None) -> str:
    if value is None or value == "":
        return "–"
    if shown is not None:
        return str(shown(value))
    if isinstance(value, bool):
        return str(_l("ja") if value else _l("nee"))
    return str(value)
