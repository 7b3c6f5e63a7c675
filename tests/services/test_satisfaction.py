"""The satisfaction survey (gdt.services.resident.survey): offered after closing when switched on, once per report;
a low score becomes a task (notification) for the case's coordinator."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Notification
from gdt.models.resident_contact import SatisfactionResponse
from gdt.services.core.errors import Conflict, ValidationFailed
from gdt.services.notifications import inbox
from gdt.services.resident import survey


@pytest.fixture(autouse=True)
def switched_on(app):
    app.config["SATISFACTION_SURVEY"] = True
    yield
    app.config["SATISFACTION_SURVEY"] = False


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def closed(make, coordinator):
    """A report whose case the coordinator closed."""
    return make.report("escalated", case=make.case("closed", coordinator=coordinator))


def count(db, model=SatisfactionResponse):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_offered_only_once_the_report_is_handled(make, closed):
    assert survey.is_offered(closed)
    assert not survey.is_offered(make.report())  # received, not yet triaged
    assert not survey.is_offered(make.report("escalated"))  # its case still open
    with pytest.raises(Conflict):
        survey.respond(make.report(), 4, None)


def test_a_good_score_is_stored_once_and_tells_nobody(db, closed):
    response = survey.respond(closed, "4", "  Snel geholpen.  ")
    assert (response.score, response.comment, response.case_id) == (4, "Snel geholpen.", closed.case_id)
    assert not survey.is_offered(closed)
    with pytest.raises(Conflict):
        survey.respond(closed, 5, None)
    assert count(db) == 1 and count(db, Notification) == 0
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "satisfaction")).one()
    assert event.actor_id is None and event.action == "answer"


def test_a_low_score_is_a_task_for_the_cases_coordinator(db, make, closed, coordinator):
    make.user("coordinator")  # another coordinator: not told, the case has its own
    survey.respond(closed, 2, "Niemand belde terug.")
    [task] = db.session.scalars(sa.select(Notification)).all()
    assert (task.user_id, task.kind, task.case_id) == (coordinator.id, "low_satisfaction", closed.case_id)
    assert closed.case.reference in inbox.sentence(task)
    inbox.mark_read(task.id, actor=coordinator)  # done
    assert inbox.unread_count(coordinator) == 0


def test_a_low_score_without_a_case_goes_to_every_coordinator(db, make):
    first, second = make.user("coordinator"), make.user("coordinator")
    make.user("coordinator", is_active=False)
    report = make.report("referred")
    report.status = "closed"  # the partner finished it
    db.session.commit()
    survey.respond(report, 1, None)
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "low_satisfaction")).all()
    assert sorted(told) == sorted([first.id, second.id])


@pytest.mark.parametrize(("score", "comment", "fields"), [
    (None, None, {"score"}), ("6", None, {"score"}), ("nul", None, {"score"}), (0, None, {"score"}),
    (3, "x" * (survey.COMMENT_MAX + 1), {"comment"}), (None, "bel\x07", {"score", "comment"}),
])
def test_bad_input_is_refused_with_nothing_stored(db, closed, score, comment, fields):
    with pytest.raises(ValidationFailed) as refused:
        survey.respond(closed, score, comment)
    assert set(refused.value.errors) == fields and count(db) == 0


def test_switched_off_there_is_no_survey(app, db, closed):
    app.config["SATISFACTION_SURVEY"] = False
    assert not survey.is_offered(closed)
    with pytest.raises(Conflict):
        survey.respond(closed, 5, None)
    assert count(db) == 0
