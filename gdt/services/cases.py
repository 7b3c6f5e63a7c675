"""Running a GDT case: coordinator, mode (advice or regie), involved partners, journal, closing."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.labels import CASE_RESULT_LABELS
from gdt.models import Case, CaseNote, CasePartner, Referral, Report, User
from gdt.services import access, audit, deadlines, reference_data, reporter_updates
from gdt.services.errors import Forbidden, NotFound, ServiceError
from gdt.services.lifecycle import transition_case
from gdt.services.transaction import check_version, unit_of_work
from gdt.validation import InvalidValue, clean_text

CLOSING_RESULTS = tuple(key for key in CASE_RESULT_LABELS if key != "imported")


def view_case(reference: str, *, actor: User) -> Case:
    case = db.session.scalar(
        sa.select(Case).where(Case.reference == reference).options(
            selectinload(Case.reports).selectinload(Report.category), selectinload(Case.events),
            selectinload(Case.notes), selectinload(Case.partners).selectinload(CasePartner.partner),
            selectinload(Case.referrals).selectinload(Referral.partner),
        )
    )
    if case is None:
        raise NotFound(_l("Deze casus bestaat niet."))
    if not access.can_view_case(actor, case):
        audit.record_now(actor, "view", "case", reference, outcome="denied")
        raise Forbidden(_l("U heeft geen toegang tot deze casus."))
    audit.record_now(actor, "view", "case", reference)
    return case


def assign_coordinator(case: Case, coordinator_id: int | None, *, actor: User, seen_version: int | None) -> Case:
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        coordinator = db.session.get(User, coordinator_id) if coordinator_id else None
        before = case.coordinator_id
        transition_case(case, "assign_coordinator", actor, coordinator=coordinator,
                        detail={"from": before, "to": coordinator_id})
        case.coordinator = coordinator
        audit.record(actor, "assign_coordinator", "case", case.reference, detail={"fields": ["coordinator"]})
    return case


def decide_mode(case: Case, mode: str | None, *, actor: User, seen_version: int | None) -> Case:
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        before = case.mode
        transition_case(case, "decide_mode", actor, mode=mode, detail={"from": before, "to": mode})
        case.mode = mode
        audit.record(actor, "decide_mode", "case", case.reference, detail={"from": before, "to": mode})
    return case


def involve_partner(case: Case, partner_key: str | None, role: str | None, *, actor: User,
                    seen_version: int | None) -> Case:
    clean_role = _clean(role, "role", max_length=200, multiline=False)
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        partner = reference_data.partner_by_key(partner_key)
        if partner is not None and any(link.partner_id == partner.id for link in case.partners):
            raise ServiceError(_l("Deze ketenpartner is al betrokken bij de casus."), field="partner")
        transition_case(case, "involve_partner", actor, partner=partner, detail={"partner": partner_key})
        case.partners.append(CasePartner(partner=partner, role=clean_role))
        case.updated_at = utcnow()
        audit.record(actor, "involve_partner", "case", case.reference, detail={"partner": partner_key})
    return case


def add_note(case: Case, body: str | None, *, actor: User) -> CaseNote:
    """Journal notes are appended, never edited, so they need no version check."""
    clean_body = _clean(body, "body", max_length=10000)
    with unit_of_work():
        _check_may_edit(case, actor, case.version)
        transition_case(case, "add_note", actor, body=clean_body)
        note = CaseNote(author_id=actor.id, body=clean_body, created_at=utcnow())
        case.notes.append(note)
        audit.record(actor, "add_note", "case", case.reference)
    return note


def close_case(case: Case, result: str | None, note: str | None, *, actor: User, seen_version: int | None,
               notify_reporters: bool = False) -> Case:
    """Close with a result; the reporters hear "afgehandeld" only when the coordinator chooses so."""
    clean_note = _clean(note, "note", max_length=2000)
    if result is not None and result not in CLOSING_RESULTS:
        raise ServiceError(_l("Kies een resultaat uit de lijst."), field="result")
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        case.result, case.result_note, case.closed_at = result, clean_note, utcnow()
        transition_case(case, "close", actor, result=result, detail={"result": result})
        if notify_reporters:
            for report in case.reports:
                reporter_updates.queue_status_notice(report)
        audit.record(actor, "close", "case", case.reference, detail={"result": result})
    return case


def review_case(case: Case, *, actor: User, seen_version: int | None) -> Case:
    """Record the periodic review; the next one is due CASE_REVIEW_WEEKS later (from today, in working days)."""
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        now = utcnow()
        before = case.review_due_at
        transition_case(case, "review", actor, detail={"was_due": before.isoformat() if before else None})
        case.review_due_at = deadlines.review_due(now)
        case.updated_at = now
        audit.record(actor, "review", "case", case.reference)
    return case


def list_cases(actor: User, *, status: str | None = None, mine: bool = False) -> sa.Select:
    query = access.visible_cases(actor).options(selectinload(Case.coordinator))
    if status:
        query = query.where(Case.status == status)
    if mine:
        query = query.where(Case.coordinator_id == actor.id)
    return query.order_by(Case.opened_at.desc(), Case.id.desc())


def _check_may_edit(case: Case, actor: User, seen_version: int | None) -> None:
    if not access.can_view_case(actor, case):
        raise Forbidden(_l("U heeft geen toegang tot deze casus."))
    check_version(case, seen_version)


def _clean(value: str | None, field: str, **limits) -> str | None:
    try:
        return clean_text(value, **limits)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field=field) from invalid
