"""What the coordinator's case page shows beside the case itself, gathered in one place for the view."""
from dataclasses import dataclass

from gdt.models import Case, Meeting, Report
from gdt.services.casework import bundling, cases, meetings


@dataclass(frozen=True)
class CaseOverview:
    signals: list[str]
    candidates: list[Report]  # untriaged reports at the case's addresses, to bundle
    next_meeting: Meeting | None
    result_labels: dict[str, str]
    partner_confirmed: bool  # a partner reported advice on this case handled: it may close on that


def overview(case: Case) -> CaseOverview:
    return CaseOverview(
        signals=cases.risk_signals(case),
        candidates=bundling.candidates(case) if case.status == "open" else [],
        next_meeting=meetings.next_meeting(case),
        result_labels=cases.result_labels(),
        partner_confirmed=any(referral.status == "handled" for referral in case.referrals),
    )
