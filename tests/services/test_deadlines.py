"""Deadlines are fixed in working days when their clock starts; what is past them shows up as overdue."""
from datetime import UTC, datetime

import pytest

from gdt.models import Report
from gdt.services.casework import cases
from gdt.services.core import deadlines
from gdt.services.intake import report_intake
from gdt.services.triage import report_triage

VALID = dict(category="geluidsoverlast", description="Harde muziek", postcode="5611AB", house_number="1",
             reporter_is_anonymous=True)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def amsterdam_end_of(day_utc_hour, *date):
    """23:59:59 Amsterdam on that date, in UTC (21:59:59 in summer time)."""
    return datetime(*date, day_utc_hour, 59, 59, tzinfo=UTC)


def test_norms_count_working_days_across_easter_kings_day_and_liberation_day(app):
    with app.app_context():
        # Thursday before Easter 2027 + 3: Good Friday (a working day under the termijnenwet), Tuesday, Wednesday.
        assert deadlines.triage_due(utc(2027, 3, 25, 9), None) == amsterdam_end_of(21, 2027, 3, 31)
        # Monday 26 April 2027 + 2: King's Day (Tuesday) does not count.
        assert deadlines.acknowledge_due(utc(2027, 4, 26, 9)) == amsterdam_end_of(21, 2027, 4, 29)
        # Monday 4 May 2026 + 2: Liberation Day (Tuesday, no lustrum year) does not count.
        assert deadlines.acknowledge_due(utc(2026, 5, 4, 9)) == amsterdam_end_of(21, 2026, 5, 7)


def test_extra_closing_days_come_from_the_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "EXTRA_NON_WORKING_DAYS", ("2026-06-02",))
    with app.app_context():
        assert deadlines.acknowledge_due(utc(2026, 6, 1, 9)) == amsterdam_end_of(21, 2026, 6, 4)


def test_the_triage_deadline_is_stored_at_intake_and_a_later_norm_change_rewrites_nothing(app, db, make, monkeypatch):
    make.defaults()
    report = report_intake.register_phone_report(report_intake.ReportInput(**VALID), actor=make.user("intake"))
    stored = report.triage_due_at
    assert stored == deadlines.triage_due(report.received_at, report.category)

    monkeypatch.setitem(app.config, "TRIAGE_NORM_WORKING_DAYS", 10)
    db.session.expire_all()
    assert db.session.get(Report, report.id).triage_due_at == stored
    later = report_intake.register_phone_report(report_intake.ReportInput(**VALID), actor=make.user("intake"))
    assert later.triage_due_at > stored


def test_overdue_triage_lists_untriaged_reports_past_their_deadline_only(db, make):
    late = make.report(triage_due_at=utc(2026, 3, 4, 22))
    make.report(triage_due_at=utc(2999, 1, 1))
    make.report("referred", triage_due_at=utc(2026, 3, 4, 22))
    assert db.session.scalars(deadlines.overdue_triage(now=utc(2026, 3, 10))).all() == [late]


def test_a_case_review_is_due_weeks_after_opening_and_moves_when_recorded(app, db, make):
    coordinator = make.user()
    report = make.report()
    case = report_triage.escalate_report(report, "Dreiging", actor=coordinator, seen_version=report.version)
    assert case.review_due_at == deadlines.review_due(case.opened_at)
    assert db.session.scalars(deadlines.overdue_reviews(now=case.review_due_at.replace(year=2999))).all() == [case]

    first_due = case.review_due_at
    cases.review_case(case, actor=coordinator, seen_version=case.version)
    assert case.review_due_at >= first_due and case.events[-1].event == "review"


@pytest.mark.parametrize(("status", "overdue"), [("awaiting", True), ("received", False)])
def test_overdue_acknowledgements_are_unanswered_delivered_referrals(db, make, status, overdue):
    referral = make.referral(status=status)
    found = db.session.scalars(deadlines.overdue_acknowledgements(now=utc(2026, 3, 10))).all()
    assert found == ([referral] if overdue else [])


def test_is_overdue():
    assert deadlines.is_overdue(utc(2026, 1, 1), now=utc(2026, 1, 2))
    assert not deadlines.is_overdue(utc(2026, 1, 3), now=utc(2026, 1, 2))
    assert not deadlines.is_overdue(None)


# A deadline in words: working days left, due today, or working days late (pages say it with ngettext).
WEDNESDAY_NOON = utc(2026, 3, 11, 11)  # 12:00 Amsterdam, winter time


@pytest.mark.parametrize(("due", "overdue", "working_days"), [
    (amsterdam_end_of(22, 2026, 3, 11), False, 0),  # due today, later today
    (amsterdam_end_of(22, 2026, 3, 12), False, 1),
    (amsterdam_end_of(22, 2026, 3, 16), False, 3),  # Monday: Thursday, Friday, Monday
    (amsterdam_end_of(22, 2026, 3, 10), True, 1),  # yesterday
    (amsterdam_end_of(22, 2026, 3, 6), True, 3),  # last Friday: Monday, Tuesday, Wednesday
])
def test_deadline_state_counts_working_days(app, due, overdue, working_days):
    with app.app_context():
        state = deadlines.deadline_state(due, WEDNESDAY_NOON)
    assert (state.overdue, state.working_days) == (overdue, working_days)
    assert state.due_at == due and state.due_today == (not overdue and working_days == 0)


def test_on_the_weekend_after_a_friday_deadline_it_is_late_by_no_working_day_yet(app):
    with app.app_context():
        state = deadlines.deadline_state(amsterdam_end_of(22, 2026, 3, 6), utc(2026, 3, 7, 11))
    assert state.overdue and state.working_days == 0


def test_item_deadline_follows_the_same_rule_as_overdue(app):
    due = amsterdam_end_of(22, 2026, 3, 10)
    with app.app_context():
        assert deadlines.item_deadline(Report(status="received", triage_due_at=due), WEDNESDAY_NOON).overdue
        assert deadlines.item_deadline(Report(status="referred", triage_due_at=due), WEDNESDAY_NOON) is None
        assert deadlines.deadline_state(None, WEDNESDAY_NOON) is None


def test_received_before_working_days_is_local_midnight_of_the_first_day_not_older(app):
    with app.app_context():
        assert deadlines.received_before_working_days(1, WEDNESDAY_NOON) == utc(2026, 3, 9, 23)  # Tuesday 00:00
        assert deadlines.received_before_working_days(2, WEDNESDAY_NOON) == utc(2026, 3, 8, 23)  # Monday 00:00
