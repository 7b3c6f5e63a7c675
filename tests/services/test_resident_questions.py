"""Questions to the resident (gdt.services.resident.questions): asking, answering, withdrawing, the mails and the
one reminder after N working days with closing days respected, and the notification to the asker."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, ClosingDay, Notification, Report
from gdt.models.resident_contact import ResidentQuestion
from gdt.services.core import closing_days
from gdt.services.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gdt.services.resident import question_mails, questions

pytestmark = pytest.mark.integration

EMAIL = "melder@example.nl"
QUESTION = "Op welke dagen en tijden hoort u de muziek het vaakst?"
ASKED = datetime(2026, 12, 21, 9, tzinfo=UTC)  # a Monday; Christmas (25th, 26th) falls in the next week


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def report(make):
    return make.report(reporter_email=EMAIL, reporter_may_contact=True)


def actions(db, object_type="resident_question"):
    return db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == object_type)
                              .order_by(AuditEvent.id)).all()


def test_asking_mails_the_existence_and_the_link_never_the_question(app, db, report, coordinator, inbox):
    question = questions.ask(report, f"  {QUESTION}\r\n", actor=coordinator)
    assert question.text == QUESTION and questions.status_of(question) == "open"

    [(recipients, sent)] = inbox.wait_for(1)
    text = sent.get_content()
    assert recipients == [EMAIL] and report.reference in sent["Subject"]
    assert "/mijn-melding/" in text and app.config["PUBLIC_BASE_URL"].rstrip("/") in text
    for private in (QUESTION, "muziek", report.description, report.reporter_name):
        assert private not in text and private not in sent["Subject"]
    assert actions(db) == ["ask"]


@pytest.mark.parametrize("reporter", [{"reporter_email": None}, {"reporter_may_contact": False},
                                      {"reporter_is_anonymous": True, "reporter_name": None, "reporter_phone": None,
                                       "reporter_may_contact": False}], ids=["no-email", "no-consent", "anonymous"])
def test_an_unreachable_resident_gets_no_question(db, make, coordinator, reporter):
    report = make.report(**{"reporter_email": None if "reporter_name" in reporter else EMAIL,
                            "reporter_may_contact": True} | reporter)
    assert not questions.can_reach(report)
    with pytest.raises(Conflict):
        questions.ask(report, QUESTION, actor=coordinator)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResidentQuestion)) == 0


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "archivist", "privacy", "partner"])
def test_only_a_coordinator_asks(make, report, role):
    with pytest.raises(Forbidden):
        questions.ask(report, QUESTION, actor=make.user(role))


def test_bad_question_text_is_refused_with_nothing_stored(db, report, coordinator):
    for text in ("   ", "x" * (questions.QUESTION_MAX + 1), "bel\x07me"):
        with pytest.raises(ValidationFailed) as refused:
            questions.ask(report, text, actor=coordinator)
        assert set(refused.value.errors) == {"text"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResidentQuestion)) == 0


def test_the_answer_is_stored_once_and_tells_the_asker(db, report, coordinator, inbox):
    question = questions.ask(report, QUESTION, actor=coordinator)
    questions.answer(report, question.id, "Vooral op vrijdag na middernacht.")
    assert questions.status_of(question) == "answered" and question.answer == "Vooral op vrijdag na middernacht."
    [told] = db.session.scalars(sa.select(Notification)).all()
    assert (told.user_id, told.kind, told.report_id) == (coordinator.id, "resident_answered", report.id)
    assert actions(db) == ["ask", "answer"]
    answer_event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "answer")).one()
    assert answer_event.actor_id is None  # the resident, through their link
    with pytest.raises(Conflict):
        questions.answer(report, question.id, "Nog iets.")
    assert question.answer == "Vooral op vrijdag na middernacht."


def test_an_answer_through_another_reports_link_is_refused(db, make, report, coordinator):
    question = questions.ask(report, QUESTION, actor=coordinator)
    other = make.report(reporter_email="ander@example.nl", reporter_may_contact=True)
    with pytest.raises(NotFound):
        questions.answer(other, question.id, "Ik weet het niet.")
    db.session.refresh(question)
    assert question.answer is None


def test_an_empty_or_too_long_answer_is_refused(db, report, coordinator):
    question = questions.ask(report, QUESTION, actor=coordinator)
    for text in ("", "x" * (questions.ANSWER_MAX + 1)):
        with pytest.raises(ValidationFailed):
            questions.answer(report, question.id, text)
    assert questions.status_of(question) == "open"


def test_a_withdrawn_question_can_no_longer_be_answered(db, report, coordinator):
    question = questions.ask(report, QUESTION, actor=coordinator)
    questions.withdraw(question, actor=coordinator)
    assert questions.status_of(question) == "withdrawn"
    with pytest.raises(NotFound):
        questions.answer(report, question.id, "Te laat.")
    with pytest.raises(Conflict):
        questions.withdraw(question, actor=coordinator)
    assert actions(db) == ["ask", "withdraw"]


def test_one_reminder_after_the_working_days_with_closing_days_respected(app, db, report, coordinator, inbox):
    app.config["RESIDENT_QUESTION_REMINDER_DAYS"] = 5
    db.session.add(ClosingDay(day=date(2026, 12, 28), description="Tussen kerst en oud en nieuw"))
    db.session.commit()
    closing_days.forget()
    question = questions.ask(report, QUESTION, actor=coordinator)
    question.asked_at = ASKED
    db.session.commit()
    inbox.wait_for(1)
    # Working days after Monday 21 December: 22, 23, 24, (25, 26, 27 and the closing day 28 do not count) 29, 30.
    assert question_mails.remind_due(datetime(2026, 12, 30, 12, tzinfo=UTC)) == 0
    assert question_mails.remind_due(datetime(2026, 12, 31, 0, 30, tzinfo=UTC)) == 1
    assert question_mails.remind_due(datetime(2027, 1, 15, tzinfo=UTC)) == 0  # once
    [_, (_, reminder)] = inbox.wait_for(2)
    assert "Herinnering" in reminder["Subject"] and QUESTION not in reminder.get_content()
    db.session.refresh(question)
    assert question.reminded_at is not None


def test_no_reminder_for_an_answered_or_withdrawn_question(db, make, report, coordinator):
    answered = questions.ask(report, QUESTION, actor=coordinator)
    questions.answer(report, answered.id, "Op vrijdag.")
    withdrawn = questions.ask(report, QUESTION, actor=coordinator)
    questions.withdraw(withdrawn, actor=coordinator)
    db.session.execute(sa.update(ResidentQuestion).values(asked_at=ASKED))
    db.session.commit()
    assert question_mails.remind_due(datetime(2027, 2, 1, tzinfo=UTC)) == 0



def test_the_demo_has_an_answered_and_an_open_question_and_a_satisfaction_answer(db):
    from gdt.models.resident_contact import SatisfactionResponse
    from gdt.services.demo import demo_data
    demo_data.load_demo(year=2025, reports=500, if_empty=False)
    asked = db.session.scalars(sa.select(ResidentQuestion).order_by(ResidentQuestion.id)).all()
    assert [questions.status_of(question) for question in asked] == ["answered", "open"]
    assert questions.can_reach(asked[0].report) and asked[0].report.status in ("received", "escalated")
    [response] = db.session.scalars(sa.select(SatisfactionResponse)).all()
    assert db.session.get(Report, response.report_id).case.status == "closed"
