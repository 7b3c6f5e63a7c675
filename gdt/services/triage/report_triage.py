"""Triage decisions on a report: refer it to a partner, or escalate it to a GDT case."""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, Referral, Report, ReportClaim, User
from gdt.services.core import access, audit, deadlines, reference_data
from gdt.services.core.errors import Forbidden, ServiceError
from gdt.services.core.lifecycle import open_case, transition_report
from gdt.services.core.reference_numbers import next_reference
from gdt.services.core.transaction import check_version, unit_of_work
from gdt.services.events import publish as events
from gdt.services.intake import reporter_updates
from gdt.services.intake.report_intake import same_address
from gdt.services.referrals import routing
from gdt.services.retention import rules as retention_rules
from gdt.services.signalen import status as signalen_status
from gdt.services.triage import claims
from gdt.validation import InvalidValue, clean_text

REASON_MAX = 2000


def view_report(reference: str, *, actor: User) -> Report:
    """Load a report for display; the view (or the refusal) is audited before anything is shown."""
    report = db.session.scalar(
        sa.select(Report).where(Report.reference == reference)
        .options(selectinload(Report.events), selectinload(Report.category), selectinload(Report.case),
                 selectinload(Report.referrals).selectinload(Referral.partner),
                 selectinload(Report.claim).selectinload(ReportClaim.user))
    )
    return audit.audited_view(report, actor=actor, object_type="report", object_ref=reference,
                              may_view=access.can_view_report, missing=_l("Deze melding bestaat niet."),
                              refused=_l("U heeft geen toegang tot deze melding."))


class AddressHistory(list):
    """Earlier reports at a report's address (the list, newest first) and the case still open there.

    One object so the triage page and the staff API get both signals from one call.
    """

    def __init__(self, reports, open_case: Case | None):
        super().__init__(reports)
        self.open_case = open_case


def address_history(report: Report, *, viewer: User) -> AddressHistory:
    """Earlier reports at the same address (see intake.same_address) in the 12 months before this one, newest
    first, plus any open case there: repeat reports and a running case are escalation signals. Only what `viewer`
    may open (a case of another team, when the team limit is on, is left out with its reports)."""
    earlier = db.session.scalars(
        access.visible_reports(viewer)
        .where(same_address(Report, report), Report.id != report.id,
               Report.received_at >= year_before(report.received_at), Report.received_at <= report.received_at)
        .order_by(Report.received_at.desc(), Report.id.desc()).limit(50)
        .options(selectinload(Report.category), selectinload(Report.case))
    )
    return AddressHistory(earlier, open_case_at_address(report, viewer=viewer))


def open_case_at_address(report: Report, *, viewer: User) -> Case | None:
    """An open case of another report at this address (not the report's own case) that `viewer` may open, the
    newest first."""
    query = (access.visible_cases(viewer).join(Report, Report.case_id == Case.id)
             .where(same_address(Report, report), Report.id != report.id, Case.status == "open"))
    if report.case_id is not None:
        query = query.where(Case.id != report.case_id)
    return db.session.scalar(query.order_by(Case.opened_at.desc(), Case.id.desc()).limit(1))


def year_before(moment: datetime) -> datetime:
    """The same moment a year earlier; 29 February falls back to the 28th."""
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:
        return moment.replace(year=moment.year - 1, day=28)


def refer_report(report: Report, partner_key: str | None, reason: str | None, *, actor: User,
                 seen_version: int | None, question: str | None = None) -> Report:
    """Hand the report to Ruimtelijk Domein or a chain partner.

    `reason` is the team's internal reasoning (stays with the report); `question` is what the team asks of the
    partner, written for the partner and stored on the referral, where the partner reads it.
    """
    clean_reason, clean_ask = _clean_reason(reason), routing.clean_question(question)
    with unit_of_work():
        _check_may_triage(report, actor, seen_version)
        partner = reference_data.partner_by_key(partner_key)
        report.referred_partner = partner if partner is not None and partner.is_active else None
        _decide(report, "referred", clean_reason, actor)
        transition_report(report, "refer", actor, partner=partner, detail={"partner": partner_key})
        routing.create(partner, actor=actor, report=report, question=clean_ask)
        retention_rules.report_handled(report)  # from the referral until the partner's final answer
        reporter_updates.queue_status_notice(report)
        signalen_status.queue_update(report, send_email=True)
        events.publish("nl.gdt.report.triaged", kind="report", reference=report.reference, outcome="referred",
                       partner=partner_key)
        audit.record(actor, "refer", "report", report.reference, detail={"partner": partner_key})
    return report


def escalate_report(report: Report, reason: str | None, *, actor: User, seen_version: int | None,
                    notify_reporter: bool = False) -> Case:
    """Threatening escalation: the team takes it on and a case is opened, linked to the report.

    The reporter may be a party to the conflict, so a status notice goes out only when the coordinator
    chooses it (`notify_reporter`).
    """
    clean_reason = _clean_reason(reason)
    with unit_of_work():
        _check_may_triage(report, actor, seen_version)
        now = utcnow()
        case = Case(reference=next_reference(now.astimezone(AMSTERDAM).year),
                    source="partner" if report.channel == "partner" else "report",
                    received_at=report.received_at, opened_at=now, review_due_at=deadlines.review_due(now))
        open_case(case, actor, detail={"report": report.reference})
        db.session.add(case)
        report.case = case
        _decide(report, "escalated", clean_reason, actor)
        transition_report(report, "escalate", actor, detail={"case": case.reference})
        retention_rules.report_handled(report)  # none of its own: it goes with its case
        if notify_reporter:
            reporter_updates.queue_status_notice(report)
        signalen_status.queue_update(report, send_email=notify_reporter)  # Signalen's state follows regardless
        events.publish("nl.gdt.report.triaged", kind="report", reference=report.reference, outcome="escalated",
                       case=case.reference)
        events.publish("nl.gdt.case.opened", kind="case", reference=case.reference, report=report.reference)
        audit.record(actor, "escalate", "report", report.reference, detail={"case": case.reference})
        audit.record(actor, "create", "case", case.reference, detail={"report": report.reference})
    return case


def _check_may_triage(report: Report, actor: User, seen_version: int | None) -> None:
    if not access.can_triage(actor):
        raise Forbidden(_l("Alleen een regisseur kan meldingen beoordelen."))
    check_version(report, seen_version)
    claims.check_before_triage(report, actor)
    claims.end_on_triage(report)  # triaged in this unit of work, or nothing happens (rolled back with it)


def _decide(report: Report, outcome: str, reason: str | None, actor: User) -> None:
    """The triage data a state needs is set before the transition (CHECK constraints, autoflush)."""
    report.triage_outcome, report.triage_reason = outcome, reason
    report.triaged_by_id, report.triaged_at = actor.id, utcnow()


def _clean_reason(reason: str | None) -> str | None:
    try:
        return clean_text(reason, max_length=REASON_MAX)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="reason") from invalid
