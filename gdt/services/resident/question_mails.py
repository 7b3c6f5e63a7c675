"""The mails about a question to the resident: one when it is asked, one reminder after
RESIDENT_QUESTION_REMINDER_DAYS working days without an answer (the periodic scan, `remind_due`).

Each mail says only that there is a question about the report with this kenmerk and where to answer it: the
question text and anything about the case stay behind the resident's signed link.
"""
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models.resident_contact import ResidentQuestion
from gdt.services.core import outbox, resident_links
from gdt.services.core.deadlines import calendar
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake.receipts import mail_reporter, may_receive_receipt
from gdt.services.resident.questions import MAIL_TOPIC, is_open

SUBJECT = "Uw melding {reference}: wij hebben een vraag"
REMINDER_SUBJECT = "Herinnering – uw melding {reference}: wij hebben een vraag"
BODY = """\
Geachte heer/mevrouw,

{opening}

Bekijk en beantwoord de vraag via deze persoonlijke link:
{link}

Kenmerk: {reference}

Deel deze link niet met anderen: iedereen met de link kan uw melding bekijken.
Is er direct gevaar? Bel 112.

Dit bericht is automatisch verstuurd. U kunt er niet op antwoorden.

Met vriendelijke groet,

De-escalatieteam van de gemeente
"""
OPENING = "Wij hebben een vraag over uw melding. Uw antwoord helpt ons de situatie goed te begrijpen."
REMINDER_OPENING = ("Enkele dagen geleden stelden wij u een vraag over uw melding. Wij hebben nog geen antwoord "
                    "ontvangen. Wilt u de vraag alsnog beantwoorden?")


def page_url(report) -> str:
    """The resident's own page ("Mijn melding") for `report`."""
    return resident_links.page_url(report)


def remind_due(now: datetime | None = None) -> int:
    """Queue one reminder for each open question unanswered for the configured number of working days (closing
    days respected); `reminded_at` makes it once, whatever runs the scan and however often."""
    now = now or utcnow()
    days, working = current_app.config["RESIDENT_QUESTION_REMINDER_DAYS"], calendar()
    with unit_of_work():
        waiting = db.session.scalars(sa.select(ResidentQuestion).where(
            ResidentQuestion.answered_at.is_(None), ResidentQuestion.withdrawn_at.is_(None),
            ResidentQuestion.reminded_at.is_(None)).order_by(ResidentQuestion.id).with_for_update(skip_locked=True))
        due = [question for question in waiting if now > working.add_working_days(question.asked_at, days)]
        for question in due:
            question.reminded_at = now
            outbox.enqueue(MAIL_TOPIC, {"question_id": question.id, "reminder": True})
    return len(due)


@outbox.handler(MAIL_TOPIC)
def send_question_mail(payload: dict) -> None:
    with unit_of_work():
        question = db.session.get(ResidentQuestion, payload["question_id"],
                                  options=[selectinload(ResidentQuestion.report)])
        if question is None or not is_open(question) or not may_receive_receipt(question.report):
            return  # answered or withdrawn meanwhile, consent withdrawn, or the data removed
        report = question.report
        address, reference, link = report.reporter_email, report.reference, page_url(report)
    reminder = payload["reminder"]
    body = BODY.format(opening=REMINDER_OPENING if reminder else OPENING, link=link, reference=reference)
    mail_reporter(address, (REMINDER_SUBJECT if reminder else SUBJECT).format(reference=reference), body,
                  what="question reminder" if reminder else "question", report_id=report.id)
