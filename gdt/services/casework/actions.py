"""The plan of action (plan van aanpak): who does what by when, and how it ends (done, or dropped with a reason).

An action's owner is a partner organisation or a staff member; its due date is counted in working
days and fixed when it is agreed. A partner updates its own actions through its case link or page.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import Action, Case, Meeting, User
from gdt.services.core import access, audit, deadlines, reference_data
from gdt.services.core.errors import Conflict, Forbidden, NotFound, ServiceError, ValidationFailed
from gdt.services.core.lifecycle import start, transition_action, transition_case
from gdt.services.core.transaction import check_version, joins_unit_of_work, unit_of_work
from gdt.validation import InvalidValue, clean_text
from workflows import ActionLifecycle

MAX_WORKING_DAYS = 250


def agree(case: Case, description: str | None, *, owner: str | None, working_days: int | str | None, actor: User,
          meeting: Meeting | None = None) -> Action:
    """A new action on an open case, inside its own unit of work."""
    fields = clean_action(description, owner, working_days, case=case)
    with unit_of_work():
        action = add_to_case(case, fields, actor=actor, meeting=meeting)
    return action


def clean_action(description: str | None, owner: str | None, working_days: int | str | None, *, case: Case) -> dict:
    """`owner` is "partner:KEY" (a partner in the case: it must see its action) or "user:ID" (a coordinator)."""
    errors = {}
    try:
        text = clean_text(description, max_length=2000)
    except InvalidValue as invalid:
        text, errors["description"] = None, invalid.message
    if not text and "description" not in errors:
        errors["description"] = _l("Beschrijf de afspraak.")
    owner_fields = _owner(owner, case)
    if owner_fields is None:
        errors["owner"] = _l("Kies wie de afspraak uitvoert.")
    try:
        days = int(working_days)
        if not 0 <= days <= MAX_WORKING_DAYS:
            raise ValueError
    except (TypeError, ValueError):
        errors["working_days"] = _l("Vul een aantal werkdagen in van 0 tot %(max)d.", max=MAX_WORKING_DAYS)
    if errors:
        raise ValidationFailed(errors)
    return {"description": text, "working_days": days, **owner_fields}


@joins_unit_of_work
def add_to_case(case: Case, fields: dict, *, actor: User, meeting: Meeting | None = None) -> Action:
    """Inside the caller's unit of work (a meeting's decisions become actions in the meeting's transaction)."""
    if not access.can_edit_case(actor, case):
        raise Forbidden(_l("U heeft geen toegang tot deze casus."))
    action = Action(case=case, meeting=meeting, description=fields["description"],
                    owner_partner_id=fields.get("owner_partner_id"), owner_user_id=fields.get("owner_user_id"),
                    due_at=deadlines.calendar().add_working_days(utcnow(), fields["working_days"]))
    db.session.add(action)
    start(action, ActionLifecycle)
    db.session.flush()
    transition_case(case, "change", actor, detail={"action": "agreed", "action_id": action.id})
    audit.record(actor, "agree_action", "case", case.reference, detail={"action": action.id})
    return action


def update(action: Action, *, progress: str | None = None, outcome: str = "update", reason: str | None = None,
           actor: User | None, partner_id: int | None = None, seen_version: int | None) -> Action:
    """Progress, done, or dropped (with a reason), by a coordinator or by the owning partner (user or link)."""
    if outcome not in ("update", "complete", "drop"):
        raise ServiceError(_l("Kies wat er met de afspraak gebeurt."), field="outcome")
    clean_progress, clean_reason = _text(progress, "progress", 2000), _text(reason, "reason", 500)
    with unit_of_work():
        if not access.can_update_action(actor, action, partner_id=partner_id):
            raise Forbidden(_l("U kunt alleen de afspraken van uw eigen organisatie bijwerken."))
        if action.case.status != "open":
            raise Conflict(_l("De casus is gesloten; de afspraken liggen vast."), code="case_not_open")
        check_version(action, seen_version)
        transition_action(action, outcome, reason=clean_reason)
        if outcome == "drop":
            action.drop_reason = clean_reason  # before any query: the CHECKs hold at the autoflush below
        if outcome != "update":
            action.finished_at = utcnow()
        if clean_progress:
            action.progress = clean_progress
        via = "account" if actor is not None else "link"
        partner_key = action.owner_partner.key if partner_id is not None and action.owner_partner else None
        transition_case(action.case, "change", actor, detail={"action": outcome, "action_id": action.id, "via": via}
                        | ({"partner": partner_key} if partner_key else {}))
        audit.record(actor, f"action_{outcome}", "case", action.case.reference,
                     detail={"action": action.id, "via": via, "partner": partner_id})
    return action


def drop_outlook(action: Action) -> dict:
    """What dropping an action means, for the confirmation page: final, and who no longer owes it."""
    return {"owner": action.owner_label, "overdue": deadlines.is_overdue(action.due_at),
            "from_meeting": action.meeting_id is not None}


def get(action_id: int, *, actor: User) -> Action:
    action = db.session.get(Action, action_id)
    if action is None:
        raise NotFound(_l("Deze afspraak bestaat niet."))
    if not access.can_update_action(actor, action):
        raise Forbidden(_l("U kunt alleen de afspraken van uw eigen organisatie bijwerken."))
    return action


def overdue(now=None):
    """Open actions past their due date, the longest overdue first (start page, reminders)."""
    return (sa.select(Action).join(Case).where(Action.status == "open", Action.due_at < (now or utcnow()),
                                                Case.status == "open").order_by(Action.due_at, Action.id))


def owner_choices(case: Case, coordinators: list[User]) -> list[tuple[str, str]]:
    """The partners involved in the case first, then the team's coordinators."""
    return ([(f"partner:{link.partner.key}", link.partner.name) for link in case.partners]
            + [(f"user:{user.id}", user.name) for user in coordinators])


def _owner(owner: str | None, case: Case) -> dict | None:
    kind, _, value = (owner or "").partition(":")
    if kind == "partner":
        partner = reference_data.partner_by_key(value)
        member = partner is not None and partner.is_active and access.is_case_member(partner.id, case)
        return {"owner_partner_id": partner.id} if member else None
    if kind == "user" and value.isdigit():
        user = db.session.get(User, int(value))
        return {"owner_user_id": user.id} if user is not None and user.is_active and user.role == "coordinator" \
            else None
    return None


def _text(value: str | None, field: str, limit: int) -> str | None:
    try:
        return clean_text(value, max_length=limit)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field=field) from invalid
