"""Interventions in the demo: the ladder climbed on the running cases that have documents (through the service, by
the system), and a plausible mix on the closed regie cases of every demo year, so "Werkt het?" on the statistics
page counts interventions per type.

The closed cases get their rows in bulk, in ended state with an outcome: recording through the service would
refuse a closed case, and they are history, not work (as imported history would be, without decision letters).
Which rungs a case climbed follows from its position in
the list, so the demo is the same on every run."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from gdt.db import AMSTERDAM, db
from gdt.models import Case, CaseParty
from gdt.models.documents import CaseDocument
from gdt.models.interventions import Intervention, InterventionType
from gdt.services.core.bulk import bulk_insert
from gdt.services.interventions import recording
from gdt.services.interventions.recording import StepFields

RUNNING_CASES = 3  # as many as have documents (demo_documents)
# The rungs a closed regie case climbed, by its position modulo the number of patterns, with each rung's outcome.
CLOSED_PATTERNS = (
    (("gesprek", "effective"),),
    (("gesprek", "not_effective"), ("buurtbemiddeling", "effective")),
    (("gesprek", "partly_effective"), ("zorgtoeleiding", "effective")),
    (("gesprek", "not_effective"), ("waarschuwing", "effective")),
    (("gesprek", "not_effective"), ("waarschuwing", "not_effective"), ("voornemen_gedragsaanwijzing", "effective")),
    (("buurtbemiddeling", "unknown"),),
)


def add(now: datetime) -> int:
    """Interventions on the running and the closed cases; returns how many were added."""
    return _running(now) + _closed()


def _running(now: datetime) -> int:
    """Case 1: a talk that did not help, mediation that partly did, a warning with its letter, a behavioural order
    proposed. Case 2: a talk that helped, mediation under way. Case 3: a talk planned."""
    cases = list(db.session.scalars(sa.select(Case).where(Case.status == "open",
                                                          Case.parties.any(CaseParty.role == "subject"))
                                    .order_by(Case.opened_at.desc()).limit(RUNNING_CASES)))
    day = now.astimezone(AMSTERDAM).date()
    ago = lambda days: day - timedelta(days=days)  # noqa: E731
    plans = (
        (("gesprek", "ended", 40, 38, None, 35, StepFields(decided_by="coordinator", outcome="not_effective")),
         ("buurtbemiddeling", "ended", 30, 28, None, 7, StepFields(decided_by="coordinator",
                                                                    outcome="partly_effective")),
         ("waarschuwing", "decided", 5, 3, None, None, StepFields(decided_by="coordinator")),
         ("voornemen_gedragsaanwijzing", "proposed", 1, None, None, None, StepFields())),
        (("gesprek", "ended", 25, 24, None, 20, StepFields(decided_by="coordinator", outcome="effective")),
         ("buurtbemiddeling", "in_force", 14, 12, 10, None, StepFields(decided_by="coordinator"))),
        (("gesprek", "proposed", 2, None, None, None, StepFields()),),
    )
    added = 0
    for case, plan in zip(cases, plans):
        letter = db.session.scalar(sa.select(CaseDocument.id).where(CaseDocument.case_id == case.id,
                                                                     CaseDocument.document_type == "brief"))
        for code, status, proposed, decided, in_force, ended, fields in plan:
            if code == "waarschuwing" and letter is not None:
                fields = StepFields(decided_by=fields.decided_by, document_id=letter)
            recording.record(case, type_code=code, status=status, proposed_on=ago(proposed),
                             decided_on=_day(ago, decided), in_force_on=_day(ago, in_force),
                             ended_on=_day(ago, ended), fields=fields, actor=None)
            added += 1
    return added


def _closed() -> int:
    types = {code: (type_id, formal) for code, type_id, formal in db.session.execute(
        sa.select(InterventionType.code, InterventionType.id, InterventionType.formal))}
    cases = db.session.execute(sa.select(Case.id, Case.opened_at, Case.closed_at)
                               .where(Case.status == "closed", Case.mode == "regie", Case.closed_at.is_not(None))
                               .order_by(Case.opened_at, Case.id)).all()
    rows = []
    for position, (case_id, opened_at, closed_at) in enumerate(cases):
        pattern = CLOSED_PATTERNS[position % len(CLOSED_PATTERNS)]
        first, last = opened_at.astimezone(AMSTERDAM).date(), closed_at.astimezone(AMSTERDAM).date()
        step = max((last - first).days // (len(pattern) + 1), 1)
        for number, (code, outcome) in enumerate(pattern, start=1):
            if code not in types:
                continue
            decided = min(first + timedelta(days=step * number), last)
            type_id, formal = types[code]
            rows.append(dict(case_id=case_id, type_id=type_id, status="ended", decided_by="mayor" if formal else
                             "coordinator",
                             proposed_on=decided - timedelta(days=min(step, 3)), decided_on=decided,
                             ended_on=min(decided + timedelta(days=step), last), outcome=outcome, version=1,
                             created_at=closed_at))
    bulk_insert(Intervention, rows)
    return len(rows)


def _day(ago, days: int | None):
    return ago(days) if days is not None else None
