"""Running a GDT case: coordinator, mode (advice or regie), involved partners (and taking one off), journal,
closing."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import (
    Action,
    Case,
    CaseNote,
    CasePartner,
    CaseParty,
    CaseResult,
    Meeting,
    Partner,
    Referral,
    Report,
    User,
)
from gdt.models.casework import PARTY_ROLES
from gdt.services.core import access, audit, deadlines, partner_links, reference_data
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.core.lifecycle import transition_case
from gdt.services.core.transaction import check_version, unit_of_work
from gdt.services.events import publish as events
from gdt.services.intake import reporter_updates
from gdt.services.intake.report_intake import same_address
from gdt.services.notifications.notify import notify
from gdt.services.retention import rules as retention_rules
from gdt.services.signalen import status as signalen_status
from gdt.services.triage.report_triage import year_before
from gdt.validation import InvalidValue, clean_name, clean_text, normalise_email, normalise_phone


def closing_results() -> list[CaseResult]:
    """The results a case can close with now, in the admin's order."""
    return list(db.session.scalars(sa.select(CaseResult).where(CaseResult.is_active)
                                   .order_by(CaseResult.position, CaseResult.label)))


def result_labels() -> dict[str, str]:
    """Every result ever used (retired ones too), for history and summaries."""
    return dict(db.session.execute(sa.select(CaseResult.key, CaseResult.label)).all())


def view_case(reference: str, *, actor: User) -> Case:
    case = db.session.scalar(
        sa.select(Case).where(Case.reference == reference).options(
            selectinload(Case.reports).selectinload(Report.category), selectinload(Case.events),
            selectinload(Case.notes).selectinload(CaseNote.author),
            selectinload(Case.partners).selectinload(CasePartner.partner),
            selectinload(Case.referrals).selectinload(Referral.partner), selectinload(Case.parties),
            selectinload(Case.actions).selectinload(Action.owner_partner),
            selectinload(Case.actions).selectinload(Action.owner_user), selectinload(Case.meetings),
            selectinload(Case.coordinator),
        )
    )
    return audit.audited_view(case, actor=actor, object_type="case", object_ref=reference,
                              may_view=access.can_view_case, missing=_l("Deze casus bestaat niet."),
                              refused=_l("U heeft geen toegang tot deze casus."))


def assign_coordinator(case: Case, coordinator_id: int | None, *, actor: User, seen_version: int | None) -> Case:
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        coordinator = db.session.get(User, coordinator_id) if coordinator_id else None
        before = case.coordinator_id
        if coordinator is not None and before == coordinator.id:
            return case  # already the coordinator: nothing changes, so no history line "A → A"
        transition_case(case, "assign_coordinator", actor, coordinator=coordinator,
                        detail={"from": before, "to": coordinator_id})
        case.coordinator = coordinator
        notify(coordinator, "assigned", actor=actor, case=case)  # not when they take it on themselves
        audit.record(actor, "assign_coordinator", "case", case.reference, detail={"fields": ["coordinator"]})
    return case


def decide_mode(case: Case, mode: str | None, *, actor: User, seen_version: int | None,
                regie_kind: str | None = None) -> Case:
    """Advice or regie; for regie also whether the team directs the case (casus-) or the process (procesregie)."""
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        before = (case.mode, case.regie_kind)
        kind = regie_kind if mode == "regie" else None
        if before == (mode, kind) and mode is not None:
            return case  # the same way of working again: nothing changes, so no history line "X → X"
        detail = {"from": before[0], "from_regie_kind": before[1], "to": mode} | ({"regie_kind": kind} if kind else {})
        transition_case(case, "decide_mode", actor, mode=mode, regie_kind=kind, detail=detail)
        case.mode, case.regie_kind = mode, kind
        events.publish("nl.gdt.case.mode-decided", kind="case", reference=case.reference, mode=mode,
                       regie_kind=case.regie_kind)
        audit.record(actor, "decide_mode", "case", case.reference, detail={"from": before[0], "to": mode})
    return case


def involve_partner(case: Case, partner_key: str | None, role: str | None, *, actor: User,
                    seen_version: int | None, contact_name: str | None = None, contact_phone: str | None = None,
                    contact_email: str | None = None) -> Case:
    """A partner takes part in the case, with its role and contact person; from now on it sees the partner view."""
    fields = {"role": _clean(role, "role", max_length=200, multiline=False),
              "contact_name": _checked(clean_name, contact_name, "contact_name"),
              "contact_phone": _checked(normalise_phone, contact_phone, "contact_phone"),
              "contact_email": _checked(normalise_email, contact_email, "contact_email")}
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        partner = reference_data.partner_by_key(partner_key)
        if partner is not None and any(link.partner_id == partner.id for link in case.partners):
            raise ServiceError(_l("Deze ketenpartner is al betrokken bij de casus."), field="partner")
        transition_case(case, "involve_partner", actor, partner=partner,
                        detail={"partner": partner_key, "fields": [name for name, value in fields.items() if value]})
        case.partners.append(CasePartner(partner=partner, **fields))
        case.updated_at = utcnow()
        audit.record(actor, "involve_partner", "case", case.reference, detail={"partner": partner_key})
    return case


def case_partner(case: Case, partner_key: str | None) -> CasePartner | None:
    """The partner's place in the case (its role and contact), or None when it does not take part."""
    return next((link for link in case.partners if link.partner.key == partner_key), None)


def remove_partner(case: Case, partner_key: str | None, *, actor: User, seen_version: int | None) -> Partner:
    """Take a partner off the case: its users no longer see the case and its case link is refused at once (open
    visits through the link end). Refused while it owns open actions in the case: settle or drop those first."""
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        link = case_partner(case, partner_key)
        if link is None:
            raise NotFound(_l("Deze ketenpartner is niet (meer) betrokken bij de casus."))
        partner = link.partner
        if any(action.status == "open" and action.owner_partner_id == partner.id for action in case.actions):
            raise ServiceError(_l("%(partner)s heeft nog open afspraken in deze casus. Rond die eerst af of laat ze "
                                  "vervallen met een reden.", partner=partner.name), code="open_actions")
        transition_case(case, "remove_partner", actor, detail={"partner": partner.key})
        case.partners.remove(link)
        ended = partner_links.end_sessions(partner.id, case_id=case.id)
        case.updated_at = utcnow()
        audit.record(actor, "remove_partner", "case", case.reference,
                     detail={"partner": partner.key, "link_sessions_ended": ended})
    return partner


def add_party(case: Case, name: str | None, role: str | None, note: str | None, *, actor: User) -> CaseParty:
    """A person involved (betrokkene), with their role; appended, so no version check."""
    party_name = _checked(clean_name, name, "name")
    if not party_name:
        raise ServiceError(_l("Vul een naam in."), field="name")
    if role not in PARTY_ROLES:
        raise ServiceError(_l("Kies de rol van deze persoon."), field="role")
    clean_note = _clean(note, "note", max_length=500, multiline=False)
    with unit_of_work():
        _check_may_edit(case, actor, case.version)
        party = CaseParty(name=party_name, role=role, note=clean_note, added_at=utcnow())
        case.parties.append(party)
        db.session.flush()  # the party's id, for the history line that names it
        transition_case(case, "change", actor, detail={"party": party.id, "party_role": role})
        case.updated_at = utcnow()
        audit.record(actor, "add_party", "case", case.reference, detail={"role": role})
    return party


def add_note(case: Case, body: str | None, *, actor: User, shareable: bool = False) -> CaseNote:
    """Journal notes are appended, never edited, so they need no version check. Internal unless `shareable`."""
    clean_body = _clean(body, "body", max_length=10000)
    with unit_of_work():
        _check_may_edit(case, actor, case.version)
        transition_case(case, "add_note", actor, body=clean_body, detail={"shareable": bool(shareable)})
        note = CaseNote(author_id=actor.id, body=clean_body, created_at=utcnow(), shareable=bool(shareable))
        case.notes.append(note)
        audit.record(actor, "add_note", "case", case.reference)
    return note


def close_case(case: Case, result: str | None, note: str | None, *, actor: User, seen_version: int | None,
               notify_reporters: bool = False, carry_over: bool = False) -> Case:
    """Close with a result; only when every action is done or dropped, unless the open ones are carried over.

    The reporters hear "afgehandeld" only when the coordinator chooses so.
    """
    clean_note = _clean(note, "note", max_length=2000)
    results = {item.key: item for item in closing_results()}
    if result is not None and result not in results:
        raise ServiceError(_l("Kies een resultaat uit de lijst."), field="result")
    if result in results and results[result].needs_reason and not clean_note:
        raise ServiceError(_l("Schrijf bij dit resultaat de reden in de toelichting."), field="note")
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        still_open = [action for action in case.actions if action.status == "open"]
        case.result, case.result_note, case.closed_at = result, clean_note, utcnow()
        transition_case(case, "close", actor, result=result, open_actions=len(still_open), carry_over=carry_over,
                        detail={"result": result, "carried_over": len(still_open) if carry_over else 0})
        for action in still_open:
            action.carried_over = True
        retention_rules.case_closed(case)  # its destruction date, fixed now (decision 0022)
        for report in case.reports:
            if notify_reporters:
                reporter_updates.queue_status_notice(report)
            signalen_status.queue_update(report, send_email=notify_reporters)
        events.publish("nl.gdt.case.closed", kind="case", reference=case.reference, result=result)
        audit.record(actor, "close", "case", case.reference, detail={"result": result})
    return case


@dataclass(frozen=True)
class CloseOutlook:
    """What closing means for this case now, for the page that asks to confirm it."""

    open_actions: list[Action]
    planned_meetings: list[Meeting]
    open_referrals: list[Referral]
    reporters_to_notify: int  # reports whose reporter agreed to hear how it ended


def close_outlook(case: Case) -> CloseOutlook:
    return CloseOutlook(
        open_actions=[action for action in case.actions if action.status == "open"],
        planned_meetings=[meeting for meeting in case.meetings if meeting.status == "planned"],
        open_referrals=[referral for referral in case.referrals if referral.is_open],
        reporters_to_notify=sum(1 for report in case.reports if report.reporter_may_contact),
    )


@dataclass(frozen=True)
class ReopenOutlook:
    """What reopening means, for the page that asks to confirm it."""

    result: str | None  # the result the case closed with; it stays in the history
    review_due_at: datetime  # the next review, counted from today
    carried_over: int  # actions left open at closing, which count as open again


def reopen_outlook(case: Case) -> ReopenOutlook:
    return ReopenOutlook(result=result_labels().get(case.result, case.result) if case.result else None,
                         review_due_at=deadlines.review_due(utcnow()),
                         carried_over=sum(1 for action in case.actions if action.carried_over))


def next_review_if_reviewed_now() -> datetime:
    """The review date that recording a review today would set."""
    return deadlines.review_due(utcnow())


def partner_confirmed(case: Case) -> bool:
    """A partner reported the advice on this case handled: the case may close with that result."""
    return any(referral.status == "handled" for referral in case.referrals)


def reopen_case(case: Case, reason: str | None, *, actor: User, seen_version: int | None) -> Case:
    """A closed case opens again with a reason (the situation flared up); its result stays in the history."""
    clean_reason = _clean(reason, "reason", max_length=2000)
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        before = case.result
        case.result = case.result_note = case.closed_at = None  # first: the CHECKs hold at the autoflush
        transition_case(case, "reopen", actor, reason=clean_reason, detail={"result": before, "reason": clean_reason})
        case.review_due_at = deadlines.review_due(utcnow())
        for action in case.actions:
            action.carried_over = False
        retention_rules.case_reopened(case)
        audit.record(actor, "reopen", "case", case.reference)
    return case


def review_case(case: Case, *, actor: User, seen_version: int | None) -> Case:
    """Record the periodic review; the next one is due CASE_REVIEW_WEEKS later (from today, in working days)."""
    with unit_of_work():
        _check_may_edit(case, actor, seen_version)
        now = utcnow()
        before = case.review_due_at
        case.review_due_at = deadlines.review_due(now)
        transition_case(case, "review", actor, detail={"was_due": before.isoformat() if before else None,
                                                       "next_due": case.review_due_at.isoformat()})
        case.updated_at = now
        audit.record(actor, "review", "case", case.reference)
    return case


RISK_CATEGORIES = ("intimidatie", "verward-gedrag", "drugsoverlast")


def risk_signals(case: Case) -> list[str]:
    """What should make a coordinator look twice, in words: repeat reports, returns, risky categories, overdue work."""
    signals = []
    if case.reports:
        newest = max(report.received_at for report in case.reports)
        at_addresses = sa.or_(*(same_address(Report, report) for report in case.reports))
        repeats = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(
            at_addresses, Report.received_at >= year_before(newest)))
        if repeats >= 3:
            signals.append(_l("%(count)d meldingen op dit adres in twaalf maanden", count=repeats))
        risky = sorted({report.category.label for report in case.reports if report.category.key in RISK_CATEGORIES})
        if risky:
            signals.append(_l("Meldingen over: %(categories)s", categories=", ".join(risky)))
    if any(referral.status == "returned" for referral in case.referrals):
        signals.append(_l("Een ketenpartner gaf een doorverwijzing terug aan het team"))
    late = [action for action in case.actions if action.status == "open" and deadlines.is_overdue(action.due_at)]
    if late:
        signals.append(lazy_ngettext("%(num)d afspraak is over de termijn", "%(num)d afspraken zijn over de termijn",
                                     len(late)))
    if case.status == "open" and deadlines.is_overdue(case.review_due_at):
        signals.append(_l("Herbeoordeling te laat"))
    return signals


def list_cases(actor: User, *, status: str | None = None, mine: bool = False) -> sa.Select:
    query = access.visible_cases(actor).options(selectinload(Case.coordinator))
    if status:
        query = query.where(Case.status == status)
    if mine:
        query = query.where(Case.coordinator_id == actor.id)
    return query.order_by(Case.opened_at.desc(), Case.id.desc())


def _check_may_edit(case: Case, actor: User, seen_version: int | None) -> None:
    if not access.can_edit_case(actor, case):
        raise Forbidden(_l("U heeft geen toegang tot deze casus."))
    check_version(case, seen_version)


def _checked(rule, value, field: str):
    try:
        return rule(value)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field=field) from invalid


def _clean(value: str | None, field: str, **limits) -> str | None:
    try:
        return clean_text(value, **limits)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field=field) from invalid
