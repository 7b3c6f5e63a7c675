"""Moving a planned meeting: another moment and/or place, by the rules of planning; the partners and the case's
coordinator are told, and the case's history says from what to what."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Notification
from gdt.services.casework import cases, meetings
from gdt.services.core import history
from gdt.services.core.errors import Conflict, Forbidden, ValidationFailed
from gdt.services.triage import report_triage

NEXT_WEEK = (datetime.now(UTC) + timedelta(days=7)).replace(hour=12, minute=0, second=0, microsecond=0)
LATER = NEXT_WEEK + timedelta(days=3, hours=2)


@pytest.fixture
def anna(make):
    return make.user("coordinator", email="anna@gdt.test")


@pytest.fixture
def bram(make):
    return make.user("coordinator", email="bram@gdt.test")


@pytest.fixture
def case(make, anna):
    report = make.report(description="Geschreeuw in het portiek.")
    opened = report_triage.escalate_report(report, "Dreiging", actor=anna, seen_version=report.version)
    make.partner("politie", name="Politie", email="wijkagent@politie.example")
    make.partner("wijkteam", name="Wijkteam")  # no address: told by the coordinator
    for key in ("politie", "wijkteam"):
        cases.involve_partner(opened, key, "Betrokken", actor=anna, seen_version=opened.version)
    return opened


@pytest.fixture
def meeting(case, anna):
    return meetings.plan(case, NEXT_WEEK, "Stadhuis, zaal 3", ["politie", "wijkteam"], ["Buurtbemiddelaar"],
                         actor=anna)


def told(db, user):
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)).all()


def test_moving_changes_moment_and_place_and_mails_the_partners_with_an_address(db, meeting, anna, inbox):
    inbox.received.clear()  # the invitation of planning
    version = meeting.version
    meetings.move(meeting, LATER, "Wijkcentrum De Kroon", actor=anna, seen_version=version)
    assert (meeting.starts_at, meeting.location, meeting.status) == (LATER, "Wijkcentrum De Kroon", "planned")
    assert meeting.version > version
    [(recipients, mail)] = inbox.received
    text = mail.get_content()
    assert recipients == ["wijkagent@politie.example"]
    assert "verplaatst" in mail["Subject"] and meeting.case.reference in mail["Subject"]
    assert "Wijkcentrum De Kroon" in text and "/casus/" in text
    assert f"{LATER.astimezone(meetings.AMSTERDAM):%H:%M}" in text
    for private in ("Geschreeuw", "Buurtbemiddelaar"):
        assert private not in text
    message = meetings.moved_message(meeting)
    assert "verplaatst" in message and "Politie" in message and "Wijkteam" in message
    assert "Buurtbemiddelaar" in message
    audited = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action == "move_meeting")).all()
    assert audited == ["move_meeting"]


def test_the_history_says_from_what_to_what(db, meeting, anna):
    meetings.move(meeting, LATER, "Wijkcentrum De Kroon", actor=anna, seen_version=meeting.version)
    line = history.case_lines(meeting.case)[-1]
    assert line.what == "Overleg verplaatst"
    was = NEXT_WEEK.astimezone(meetings.AMSTERDAM)
    now = LATER.astimezone(meetings.AMSTERDAM)
    assert line.details == (f"Van {was:%d-%m-%Y %H:%M} · Stadhuis, zaal 3 naar {now:%d-%m-%Y %H:%M} · "
                            "Wijkcentrum De Kroon",)


def test_the_case_coordinator_is_told_when_a_colleague_moves_it(db, meeting, anna, bram):
    meetings.move(meeting, LATER, "Stadhuis, zaal 3", actor=anna, seen_version=meeting.version)
    assert told(db, anna) == []  # nobody is told of their own doing
    meeting.case.coordinator = bram
    meetings.move(meeting, LATER + timedelta(hours=1), "Stadhuis, zaal 3", actor=anna, seen_version=meeting.version)
    [notification] = told(db, bram)
    assert (notification.kind, notification.meeting_id) == ("meeting_planned", meeting.id)


@pytest.mark.parametrize("step", ["hold", "cancel"])
def test_a_held_or_cancelled_meeting_cannot_move(db, meeting, anna, step):
    if step == "hold":
        meetings.hold(meeting, attended=set(), minutes=None, decisions=[], actor=anna, seen_version=meeting.version,
                      held_on=meetings.today(), earlier_than_planned=True)
    else:
        meetings.cancel(meeting, "Ziek", actor=anna, seen_version=meeting.version)
    with pytest.raises(Conflict) as refused:
        meetings.move(meeting, LATER, "Elders", actor=anna, seen_version=meeting.version)
    assert refused.value.code == "transition_not_allowed" and meeting.starts_at == NEXT_WEEK


def test_a_stale_version_is_refused_and_nothing_changes(db, meeting, anna, inbox):
    inbox.received.clear()
    with pytest.raises(Conflict) as refused:
        meetings.move(meeting, LATER, "Elders", actor=anna, seen_version=meeting.version - 1)
    assert refused.value.code == "stale" and "intussen" in str(refused.value.message)
    db.session.refresh(meeting)
    assert (meeting.starts_at, meeting.location) == (NEXT_WEEK, "Stadhuis, zaal 3")
    assert inbox.received == []


@pytest.mark.parametrize(
    ("starts_at", "location", "field"),
    [
        (datetime(2020, 1, 1, tzinfo=UTC), "Elders", "starts_at"),
        (None, "Elders", "starts_at"),
        (LATER, "  ", "location"),
        (NEXT_WEEK, "Stadhuis, zaal 3", "starts_at"),  # nothing would change
    ],
)
def test_moving_follows_the_rules_of_planning(db, meeting, anna, starts_at, location, field):
    with pytest.raises(ValidationFailed) as refused:
        meetings.move(meeting, starts_at, location, actor=anna, seen_version=meeting.version)
    assert field in refused.value.errors
    db.session.refresh(meeting)
    assert (meeting.starts_at, meeting.location) == (NEXT_WEEK, "Stadhuis, zaal 3")


def test_only_a_coordinator_who_may_work_on_the_case_moves_it(db, make, meeting):
    with pytest.raises(Forbidden):
        meetings.move(meeting, LATER, "Elders", actor=make.user("intake"), seen_version=meeting.version)
    assert meeting.starts_at == NEXT_WEEK
