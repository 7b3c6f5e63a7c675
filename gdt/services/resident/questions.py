"""Questions to the resident: a coordinator asks, the resident answers on their own page ("Mijn melding").

The report shows "reactie gevraagd" while a question is open (neither answered nor withdrawn). A question is asked
only of a reporter GDT may mail (an address and consent, as for the receipt): the mail says that there is a
question and gives the link, never the question itself nor anything about the report or case, since a mail box is
less private than the page behind the signed link. The answer obeys the intake's field rules and tells the asker.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import Report, User
from gdt.models.resident_contact import ResidentQuestion
from gdt.services.core import access, audit, outbox
from gdt.services.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake.receipts import may_receive_receipt
from gdt.services.intake.report_intake import DESCRIPTION_MAX
from gdt.services.notifications.notify import notify
from gdt.validation import InvalidValue, clean_text

QUESTION_MAX = 2000
ANSWER_MAX = DESCRIPTION_MAX  # the resident writes under the same rule as their report's description
MAIL_TOPIC = "resident.question_mail"

NOT_FOUND = _l("Deze vraag bestaat niet.")
NOT_ALLOWED = _l("U mag de melder over deze melding geen vraag stellen.")
UNREACHABLE = _l("De melder kan geen vraag krijgen: er is geen e-mailadres, of de melder wil niet benaderd worden.")
EMPTY_QUESTION = _l("Schrijf uw vraag aan de melder.")
EMPTY_ANSWER = _l("Schrijf uw antwoord.")
NOT_OPEN = _l("Deze vraag is al beantwoord of ingetrokken.")


def is_open(question: ResidentQuestion) -> bool:
    return question.answered_at is None and question.withdrawn_at is None


def status_of(question: ResidentQuestion) -> str:
    """open, answered or withdrawn: the key the pages and the API show."""
    if question.answered_at is not None:
        return "answered"
    return "withdrawn" if question.withdrawn_at is not None else "open"


def may_ask(user: User, report: Report) -> bool:
    """Coordinators who may open the report (and so its case)."""
    return user.role == "coordinator" and access.can_view_report(user, report)


def can_reach(report: Report) -> bool:
    """Whether the resident can be told of a question: the receipt's rule (an address and consent)."""
    return may_receive_receipt(report)


def questions_of(report: Report) -> list[ResidentQuestion]:
    """The report's questions, oldest first."""
    return list(db.session.scalars(sa.select(ResidentQuestion).where(ResidentQuestion.report_id == report.id)
                                   .order_by(ResidentQuestion.id)))


def ask(report: Report, text: str | None, *, actor: User) -> ResidentQuestion:
    """Ask the reporter `text`; the mail with the link leaves when the question is stored."""
    if not may_ask(actor, report):
        raise Forbidden(NOT_ALLOWED)
    if not can_reach(report):
        raise Conflict(UNREACHABLE)
    cleaned = _clean(text, QUESTION_MAX, EMPTY_QUESTION)
    with unit_of_work():
        question = ResidentQuestion(report_id=report.id, text=cleaned, asked_by_id=actor.id, asked_at=utcnow())
        db.session.add(question)
        db.session.flush()
        audit.record(actor, "ask", "resident_question", str(question.id), detail={"report": report.reference})
        outbox.enqueue(MAIL_TOPIC, {"question_id": question.id, "reminder": False})
    return question


def withdraw(question: ResidentQuestion, *, actor: User) -> ResidentQuestion:
    if not may_ask(actor, question.report):
        raise Forbidden(NOT_ALLOWED)
    with unit_of_work():
        _lock_open(question)
        question.withdrawn_at = utcnow()
        audit.record(actor, "withdraw", "resident_question", str(question.id),
                     detail={"report": question.report.reference})
    return question


def get(question_id: int, *, actor: User) -> ResidentQuestion:
    """One question for staff, loaded with the report's rule (refusals audited)."""
    question = db.session.get(ResidentQuestion, question_id, options=[selectinload(ResidentQuestion.report)])
    return audit.audited_view(question, actor=actor, object_type="resident_question", object_ref=str(question_id),
                              may_view=lambda user, found: may_ask(user, found.report), missing=NOT_FOUND,
                              refused=None)


def for_resident(report: Report, question_id: int) -> ResidentQuestion:
    """A question of this report (the one the resident's link names); another report's is as good as none."""
    question = db.session.get(ResidentQuestion, question_id)
    if question is None or question.report_id != report.id or question.withdrawn_at is not None:
        raise NotFound(NOT_FOUND)
    return question


def answer(report: Report, question_id: int, text: str | None) -> ResidentQuestion:
    """The resident's answer through their own link (`report` is the link's); once per question."""
    question = for_resident(report, question_id)
    cleaned = _clean(text, ANSWER_MAX, EMPTY_ANSWER)
    with unit_of_work():
        _lock_open(question)
        question.answer, question.answered_at = cleaned, utcnow()
        audit.record(None, "answer", "resident_question", str(question.id), detail={"report": report.reference})
        notify(db.session.get(User, question.asked_by_id) if question.asked_by_id else None, "resident_answered",
               report=report)
    return question


def _lock_open(question: ResidentQuestion) -> None:
    """Refuse a question no longer open, re-read under a row lock so two answers (or an answer and a withdrawal)
    cannot both pass."""
    db.session.refresh(question, with_for_update=True)
    if not is_open(question):
        raise Conflict(NOT_OPEN)


def _clean(text: str | None, max_length: int, empty: str) -> str:
    try:
        cleaned = clean_text(text, max_length=max_length)
    except InvalidValue as invalid:
        raise ValidationFailed({"text": invalid.message}) from invalid
    if not cleaned:
        raise ValidationFailed({"text": empty})
    return cleaned

