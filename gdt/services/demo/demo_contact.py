"""Contact with demo residents (gdt.services.resident): on a report of a running case one question answered and
one still open ("reactie gevraagd"), and a satisfaction answer on a report whose case is closed.

Plain ORM rows in the demo's unit of work, asked by the demo coordinator; no mail leaves. The texts are invented."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Case, Report, User
from gdt.models.resident_contact import ResidentQuestion, SatisfactionResponse

ANSWERED = ("Op welke dagen en tijden hoort u de muziek het vaakst?",
            "Vooral op vrijdag en zaterdag, van ongeveer elf uur 's avonds tot twee uur 's nachts.")
OPEN = "Is het sinds het gesprek van vorige week rustiger geworden?"
COMMENT = "Er werd goed geluisterd en het is nu rustig in de straat."


def add(now: datetime) -> int:
    """Add the questions and the answer, on reports that have none yet (a second load adds to the first); returns
    how many rows were added (none without fitting reports)."""
    coordinator_id = db.session.scalar(sa.select(User.id).where(User.email == "coordinator@gdt.example"))
    reachable = (Report.reporter_email.is_not(None), Report.reporter_may_contact.is_(True),
                 Report.reporter_is_anonymous.is_(False), Report.destroyed_at.is_(None))
    # A running case's report; a demo of past years only has closed cases: then the newest report that is received.
    running = db.session.scalar(sa.select(Report).outerjoin(Case, Case.id == Report.case_id)
                                .where(sa.or_(Case.status == "open", Report.status == "received"), *reachable,
                                       Report.id.not_in(sa.select(ResidentQuestion.report_id)))
                                .order_by(sa.case((Case.status == "open", 0), else_=1), Report.received_at.desc())
                                .limit(1))
    closed = db.session.scalar(sa.select(Report).join(Case, Case.id == Report.case_id)
                               .where(Case.status == "closed", *reachable,
                                      Report.id.not_in(sa.select(SatisfactionResponse.report_id)))
                               .order_by(Case.closed_at.desc()).limit(1))
    rows = []
    if running is not None:
        question, answer = ANSWERED
        rows += [ResidentQuestion(report_id=running.id, text=question, asked_by_id=coordinator_id,
                                  asked_at=now - timedelta(days=9), answer=answer,
                                  answered_at=now - timedelta(days=8)),
                 ResidentQuestion(report_id=running.id, text=OPEN, asked_by_id=coordinator_id,
                                  asked_at=now - timedelta(days=1))]
    if closed is not None:
        rows.append(SatisfactionResponse(report_id=closed.id, case_id=closed.case_id, score=4, comment=COMMENT,
                                         answered_at=max(closed.case.closed_at or now, now - timedelta(days=2))))
    db.session.add_all(rows)
    return len(rows)
