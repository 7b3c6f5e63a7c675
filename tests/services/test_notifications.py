"""Being told: who hears what, once, in the same transaction as the change, and by mail as each user chose."""
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM
from gdt.models import Action, AppSetting, Notification, ReportClaim
from gdt.services.casework import cases, meetings
from gdt.services.core.errors import NotFound, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.notifications import choices, mails, scans
from gdt.services.notifications import inbox as reading  # `inbox` is the SMTP fixture
from gdt.services.notifications.notify import notify
from gdt.services.referrals import feedback
from gdt.services.referrals.feedback import Feedback

NOON = datetime(2026, 12, 8, 11, tzinfo=UTC)  # a Tuesday, 12:00 in Amsterdam


def told(db, user):
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


@pytest.fixture
def anna(make):
    return make.user("coordinator", email="anna@gdt.test")


@pytest.fixture
def bram(make):
    return make.user("coordinator", email="bram@gdt.test")


def test_an_assignment_tells_the_new_coordinator_at_once_by_mail_without_personal_data(db, make, anna, bram, inbox):
    case = make.case(coordinator=anna)
    make.report("escalated", case=case, reporter_name="Jan Jansen")
    cases.assign_coordinator(case, bram.id, actor=anna, seen_version=case.version)
    [notification] = told(db, bram)
    assert (notification.kind, notification.case_id, notification.read_at) == ("assigned", case.id, None)
    [(recipients, mail)] = inbox.wait_for(1)
    text = mail.get_content()
    assert recipients == ["bram@gdt.test"] and mail["Subject"] == "GDT: Casus aan mij toegewezen"
    assert case.reference in text and re.search(rf"http://\S+/voor-mij/{notification.id}\b", text)
    for private in ("Jan Jansen", "Harde muziek", "5611", "Medewerker"):
        assert private not in text


def test_taking_a_case_on_oneself_tells_nobody(db, make, anna, inbox):
    case = make.case()
    cases.assign_coordinator(case, anna.id, actor=anna, seen_version=case.version)
    assert told(db, anna) == [] and inbox.received == []


def test_a_rolled_back_change_leaves_no_notification_and_no_mail(db, make, anna, bram, inbox):
    case = make.case(coordinator=anna)
    with pytest.raises(RuntimeError), unit_of_work():
        notify(bram, "assigned", actor=anna, case=case)
        raise RuntimeError("the change fails after the notification was added")
    assert told(db, bram) == [] and inbox.received == []


def test_a_partner_answer_tells_the_coordinator_who_made_the_referral(db, make, anna, bram):
    police = make.partner("politie")
    referral = make.referral(make.report("referred", referred_partner=police), partner=police, created_by=bram)
    feedback.record(referral, Feedback("acknowledge"), seen_version=referral.version)
    [notification] = told(db, bram)
    assert notification.kind == "partner_answered" and notification.referral_id == referral.id
    assert reading.reference(notification) == referral.report.reference
    assert told(db, anna) == []


def test_a_planned_meeting_tells_the_case_coordinator_unless_they_planned_it(db, make, anna, bram):
    case = make.case(coordinator=anna)
    meetings.plan(case, datetime.now(UTC) + timedelta(days=3), "Stadhuis", [], [], actor=bram)
    meetings.plan(case, datetime.now(UTC) + timedelta(days=4), "Stadhuis", [], [], actor=anna)
    assert [(n.kind, n.delivery) for n in told(db, anna)] == [("meeting_planned", "digest")]
    assert told(db, bram) == []


def test_an_action_due_today_is_told_to_its_owner_once(app, db, make, anna):
    case = make.case(coordinator=anna)
    due_today = datetime(2026, 12, 8, 16, 59, tzinfo=UTC)  # 17:59 in Amsterdam
    for due_at, owner in ((due_today, anna.id), (due_today + timedelta(days=1), anna.id)):
        db.session.add(Action(case=case, description="Huisbezoek", owner_user_id=owner, due_at=due_at,
                              status="open"))
    db.session.commit()
    assert scans.scan(NOON).actions_due == 1
    assert scans.scan(NOON).actions_due == 0
    assert [n.kind for n in told(db, anna)] == ["action_due"]


def test_a_claimed_report_near_its_triage_deadline_is_told_to_the_holder_once(app, db, make, anna, bram):
    near = make.report(triage_due_at=NOON + timedelta(hours=3))
    far = make.report(triage_due_at=NOON + timedelta(days=2))
    lapsed = make.report(triage_due_at=NOON + timedelta(hours=1))
    db.session.add_all([ReportClaim(report_id=near.id, user_id=anna.id, claimed_at=NOON - timedelta(minutes=5)),
                        ReportClaim(report_id=far.id, user_id=anna.id, claimed_at=NOON - timedelta(minutes=5)),
                        ReportClaim(report_id=lapsed.id, user_id=bram.id, claimed_at=NOON - timedelta(hours=2))])
    db.session.commit()
    assert scans.scan(NOON).triage_deadlines == 1
    assert scans.scan(NOON + timedelta(minutes=5)).triage_deadlines == 0
    [notification] = told(db, anna)
    assert (notification.kind, notification.report_id) == ("triage_deadline", near.id)
    assert told(db, bram) == []


def test_the_daily_digest_mails_what_waited_once_and_skips_what_was_read(app, db, make, anna, inbox):
    case = make.case(coordinator=anna)
    with unit_of_work():
        first = notify(anna, "meeting_planned", case=case)
        read = notify(anna, "meeting_planned", case=case)
    inbox_before = len(inbox.received)
    reading.mark_read(read.id, actor=anna)
    before_hour = datetime.combine((NOON + timedelta(days=1)).date(), datetime.min.time(), AMSTERDAM)
    assert mails.queue_digest(before_hour.replace(hour=6)) == 0
    assert mails.queue_digest(before_hour.replace(hour=7, minute=1)) == 1
    assert mails.queue_digest(before_hour.replace(hour=7, minute=2)) == 0
    [(recipients, mail)] = inbox.wait_for(inbox_before + 1)[inbox_before:]
    text = mail.get_content()
    assert recipients == ["anna@gdt.test"] and mail["Subject"] == "GDT: 1 nieuwe melding voor u"
    assert f"/voor-mij/{first.id}" in text and f"/voor-mij/{read.id}" not in text and case.reference in text


def test_only_app_sends_no_mail(db, make, anna, inbox):
    choices.save_preferences(dict.fromkeys(choices.DEFAULTS, "app"), actor=anna)
    with unit_of_work():
        notification = notify(anna, "assigned", case=make.case())
    assert notification.delivery == "app" and notification.mailed_at is None and inbox.received == []


def test_choices_are_kept_per_user_and_a_bad_choice_changes_nothing(db, anna, bram):
    wanted = choices.DEFAULTS | {"assigned": "digest"}
    choices.save_preferences(wanted, actor=anna)
    with pytest.raises(ValidationFailed) as refused:
        choices.save_preferences(wanted | {"assigned": "fax", "action_due": "now"}, actor=anna)
    assert set(refused.value.errors) == {"assigned"}
    assert choices.preferences(anna) == wanted and choices.preferences(bram) == choices.DEFAULTS


def test_a_user_reads_only_their_own_notifications(db, make, anna, bram):
    with unit_of_work():
        mine = notify(anna, "assigned", case=make.case())
        notify(anna, "assigned", case=make.case())
    with pytest.raises(NotFound):
        reading.mark_read(mine.id, actor=bram)
    reading.mark_read(mine.id, actor=anna)
    assert reading.unread_count(anna) == 1
    assert reading.mark_all_read(actor=anna) == 1 and reading.unread_count(anna) == 0


def test_staff_without_case_work_and_inactive_users_are_not_told(db, make, anna):
    with unit_of_work():
        assert notify(make.user("intake"), "assigned", case=make.case()) is None
        assert notify(make.user("coordinator", is_active=False), "assigned", case=make.case()) is None


def test_the_link_leads_only_where_the_user_may_still_go(app, db, make, anna, bram):
    case = make.case(coordinator=bram)
    with unit_of_work():
        notification = notify(anna, "assigned", case=case)
    assert reading.target(notification, anna) is case
    anna.team, bram.team = "Noord", "Zuid"
    db.session.add(AppSetting(key="coordinators_see_own_team_only", value="1"))
    db.session.commit()
    assert reading.target(notification, anna) is None and reading.sentence(notification).startswith("Casus GDT-")


def test_the_scan_removes_read_notifications_after_the_keeping_days(app, db, make, anna):
    with unit_of_work():
        old = notify(anna, "assigned", case=make.case())
        unread = notify(anna, "assigned", case=make.case())
    old.read_at = NOON - timedelta(days=91)
    db.session.commit()
    assert scans.scan(NOON).removed == 1
    assert [n.id for n in told(db, anna)] == [unread.id]


def test_beat_and_the_in_process_scheduler_run_the_scan_and_the_digest(app, db, make, anna, monkeypatch):
    from worker import embedded
    from worker.schedule import beat_schedule
    schedule = beat_schedule(app.config)
    assert schedule["notifications-scan"]["task"] == "gdt.notifications.scan"
    assert schedule["notifications-digest"]["task"] == "gdt.notifications.queue_digest"
    assert {"gdt.notifications.scan", "gdt.notifications.queue_digest"} <= set(app.extensions["celery"].tasks)
    ran = []
    monkeypatch.setattr(scans, "scan", lambda: ran.append("scan"))
    monkeypatch.setattr(mails, "digest_due", lambda: True)
    monkeypatch.setattr(mails, "queue_digest", lambda: ran.append("digest"))
    embedded.run_once(app)
    assert ran == ["scan", "digest"]
