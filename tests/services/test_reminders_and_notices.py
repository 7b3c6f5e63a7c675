"""Daily reminders (once a day, references and links only) and the reporter's status notices (with consent only)."""
from datetime import UTC, date, datetime

import pytest

from gdt.services.admin import partners
from gdt.services.casework import cases, reminders
from gdt.services.referrals.feedback import Feedback, record
from gdt.services.triage import report_triage

pytestmark = pytest.mark.integration

PAST = datetime(2026, 3, 4, 22, tzinfo=UTC)


def subjects(inbox, address):
    return [mail["Subject"] for recipients, mail in inbox.received if recipients == [address]]


def test_the_daily_reminders_go_out_once_with_references_and_links_only(app, db, make, inbox):
    coordinator = make.user("coordinator", email="regisseur@gdt.test")
    make.user("coordinator", email="rustig@gdt.test", is_active=False)
    late = make.report(triage_due_at=PAST, description="Schreeuwen bij de buren", street="Stationsweg")
    mine = make.case(coordinator=coordinator, review_due_at=PAST)
    police = make.partner("politie", name="Politie", email="meldingen@politie.example")
    referral = make.referral(partner=police)

    assert reminders.queue_daily(date(2026, 3, 10)) is True
    assert reminders.queue_daily(date(2026, 3, 10)) is False  # a second beat or a restart sends nothing twice

    [digest] = [mail for recipients, mail in inbox.received if recipients == ["regisseur@gdt.test"]]
    text = digest.get_content()
    for reference in (late.reference, mine.reference, referral.reference):
        assert reference in text
    assert "Schreeuwen" not in text and "Stationsweg" not in text and "Jan Jansen" not in text
    [partner_mail] = [mail for recipients, mail in inbox.received if recipients == [police.email]]
    assert referral.reference in partner_mail.get_content() and "/doorverwijzing/" in partner_mail.get_content()
    assert subjects(inbox, "rustig@gdt.test") == []
    assert subjects(inbox, police.email) == ["Herinnering van het De-escalatieteam: 1 doorverwijzing wacht op u"]
    assert subjects(inbox, "regisseur@gdt.test") == ["Herinnering: 3 openstaande termijnen"]


def test_the_reminder_subjects_are_singular_or_plural_by_the_count():
    assert reminders.coordinator_subject(1) == "Herinnering: 1 openstaande termijn"
    assert reminders.coordinator_subject(2) == "Herinnering: 2 openstaande termijnen"
    prefix = "Herinnering van het De-escalatieteam: "
    assert reminders.partner_subject(1, 0) == prefix + "1 doorverwijzing wacht op u"
    assert reminders.partner_subject(2, 0) == prefix + "2 doorverwijzingen wachten op u"
    assert reminders.partner_subject(0, 1) == prefix + "1 casus wacht op u"
    assert reminders.partner_subject(1, 2) == prefix + "1 doorverwijzing en 2 casussen wachten op u"


def test_no_reminder_mail_when_nothing_is_overdue(db, make, inbox):
    make.user("coordinator")
    make.report(triage_due_at=datetime(2999, 1, 1, tzinfo=UTC))
    assert reminders.queue_daily(date(2026, 3, 11)) is True
    assert inbox.received == []


def test_a_deactivated_partner_gets_no_reminder(db, make, inbox):
    police = make.partner("politie", email="meldingen@politie.example")
    make.referral(partner=police)
    partners.deactivate_partner(police, actor=None)
    reminders.queue_daily(date(2026, 3, 12))
    assert subjects(inbox, police.email) == []


def test_an_acknowledged_referral_is_not_reminded(db, make, inbox):
    police = make.partner("politie", email="meldingen@politie.example")
    referral = make.referral(partner=police)
    record(referral, Feedback("acknowledge"), seen_version=referral.version)
    reminders.queue_daily(date(2026, 3, 12))
    assert subjects(inbox, police.email) == []


@pytest.fixture
def reporter_report(make):
    return make.report(reporter_email="melder@example.nl", reporter_may_contact=True)


def test_a_referral_tells_the_reporter_in_progress_without_saying_to_whom(db, make, inbox, reporter_report):
    make.partner("politie", name="Politie Eindhoven", email="meldingen@politie.example")
    report_triage.refer_report(
        reporter_report, "politie", None, actor=make.user(), seen_version=reporter_report.version
    )
    [mail] = [mail for recipients, mail in inbox.received if recipients == ["melder@example.nl"]]
    assert "in behandeling" in mail["Subject"] and "Politie" not in mail.get_content()
    assert reporter_report.reporter_notified_status == "in_progress"


def test_an_escalation_tells_the_reporter_only_when_the_coordinator_chooses(db, make, inbox, reporter_report):
    coordinator = make.user()
    case = report_triage.escalate_report(
        reporter_report, "Dreiging", actor=coordinator, seen_version=reporter_report.version
    )
    assert subjects(inbox, "melder@example.nl") == []
    cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    assert subjects(inbox, "melder@example.nl") == []

    other = make.report(reporter_email="ander@example.nl", reporter_may_contact=True)
    case = report_triage.escalate_report(
        other, "Dreiging", actor=coordinator, seen_version=other.version, notify_reporter=True
    )
    cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version, notify_reporters=True)
    assert [subject.split(": ")[1] for subject in subjects(inbox, "ander@example.nl")] == [
        "in behandeling",
        "afgehandeld",
    ]


def test_no_notice_without_consent(db, make, inbox):
    report = make.report(reporter_email="melder@example.nl", reporter_may_contact=False)
    report_triage.refer_report(report, "ruimtelijk-domein", None, actor=make.user(), seen_version=report.version)
    assert subjects(inbox, "melder@example.nl") == []
