"""What the coordinator's case page shows beside the case itself, gathered in one place for the view.

The page asks, it does not decide: which steps the coordinator may take now (`may`) comes from the access rule and
the case's lifecycle here, and the history arrives as lines in words (gdt.services.core.history).
"""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Action, Case, Meeting, Report, User
from gdt.services.casework import bundling, cases, meetings
from gdt.services.core import access, history
from gdt.services.core.lifecycle import allows

# The steps on the case page and the lifecycle event each one sends (docs/domain.md, "Lifecycles").
CASE_STEPS = {
    "coordinator": "assign_coordinator", "mode": "decide_mode", "partners": "involve_partner", "parties": "change",
    "notes": "add_note", "refer": "refer", "actions": "change", "meetings": "change", "bundle": "change",
    "review": "review", "close": "close", "reopen": "reopen", "merge": "merge", "remove_partner": "remove_partner",
}


@dataclass(frozen=True)
class EscalationReason:
    """The answer to "Waarom dreigt escalatie?" given at triage, for one report of the case."""

    report: str
    reason: str
    decided_at: datetime | None
    decided_by: str | None


@dataclass(frozen=True)
class CaseOverview:
    signals: list[str]
    escalation_reasons: list[EscalationReason]
    addresses: list[str]
    categories: list[str]
    mode: str
    candidates: list[Report]  # untriaged reports at the case's addresses, to bundle
    next_meeting: Meeting | None
    result_labels: dict[str, str]
    partner_confirmed: bool  # a partner reported advice on this case handled: it may close on that
    history: list[history.HistoryLine]
    may: dict[str, bool]  # the steps the coordinator may take on this case now
    updatable_actions: list[Action]  # open actions whose progress the coordinator may record now
    review_would_be_due: datetime  # the next review date if the coordinator records a review today

    @property
    def warnings(self) -> bool:
        return bool(self.signals or self.escalation_reasons)


def overview(case: Case, actor: User) -> CaseOverview:
    may = permitted_steps(case, actor)
    return CaseOverview(
        signals=cases.risk_signals(case),
        escalation_reasons=escalation_reasons(case),
        addresses=bundling.addresses(case),
        categories=sorted({report.category.label for report in case.reports}),
        mode=history.mode_label(case.mode, case.regie_kind),
        candidates=bundling.candidates(case) if may["bundle"] else [],
        next_meeting=meetings.next_meeting(case),
        result_labels=cases.result_labels(),
        partner_confirmed=cases.partner_confirmed(case),
        history=history.case_lines(case),
        may=may,
        updatable_actions=[action for action in case.actions
                           if may["actions"] and allows(action, "update")],
        review_would_be_due=cases.next_review_if_reviewed_now(),
    )


def permitted_steps(case: Case, actor: User) -> dict[str, bool]:
    """Each step of the case page: may this coordinator take it on this case in its current state?"""
    editable = access.can_edit_case(actor, case)
    return {step: editable and allows(case, event) for step, event in CASE_STEPS.items()}


def escalation_reasons(case: Case) -> list[EscalationReason]:
    """Why the team took these reports on, as written at triage; one query for the names of who decided."""
    escalated = [report for report in case.reports if report.triage_outcome == "escalated" and report.triage_reason]
    ids = {report.triaged_by_id for report in escalated} - {None}
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    return [EscalationReason(report=report.reference, reason=report.triage_reason, decided_at=report.triaged_at,
                             decided_by=names.get(report.triaged_by_id)) for report in escalated]
