"""Anonymisation: contact details and files go after their own rule's months, counted from the handling; the report
and every statistic stay; anonymous, removed, destroyed and held reports are left alone; one audit event a run."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from gdt.models import Attachment, AuditEvent, Report
from gdt.services.core import attachment_store
from gdt.services.core.transaction import unit_of_work
from gdt.services.reporting import statistics
from gdt.services.retention import anonymisation, holds, rules

TODAY = date(2027, 6, 1)
LONG_AGO = datetime(2026, 3, 1, 12, tzinfo=UTC)  # more than the default 12 months before TODAY
RECENT = datetime(2026, 9, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def defaults(make, db):
    make.defaults()
    rules.ensure_defaults()


def contact(report) -> tuple:
    return report.reporter_name, report.reporter_email, report.reporter_phone


def test_contact_details_go_after_twelve_months_and_the_report_stays(db, make):
    old = make.report("escalated", received_at=LONG_AGO, reporter_email="melder@example.nl")
    recent = make.report("escalated", received_at=RECENT)
    untriaged = make.report(received_at=LONG_AGO)
    done = anonymisation.run(today=TODAY)
    db.session.expire_all()
    assert done == {"contact": 1, "attachments": 0, "files": 0}
    assert contact(old) == (None, None, None) and not old.reporter_may_contact and old.contact_removed_at
    assert (old.status, old.category_id, old.case_id, old.postcode) == ("escalated", old.category.id, old.case.id,
                                                                        "5611AB")
    assert contact(recent)[0] == "Jan Jansen" and contact(untriaged)[0] == "Jan Jansen"


def test_a_referred_report_counts_from_the_partners_final_answer(db, make):
    police = make.partner("politie")
    answered_late = make.report("referred", received_at=LONG_AGO, referred_partner=police)
    make.referral(report=answered_late, partner=police, status="handled", outcome="resolved", finished_at=RECENT)
    never_answered = make.report("referred", received_at=LONG_AGO, referred_partner=police)
    make.referral(report=never_answered, partner=police)
    anonymisation.run(today=TODAY)
    db.session.expire_all()
    assert contact(answered_late)[0] == "Jan Jansen"
    assert contact(never_answered) == (None, None, None)
    anonymisation.run(today=date(2027, 9, 2))
    db.session.expire_all()
    assert contact(answered_late) == (None, None, None)


def test_anonymous_removed_destroyed_and_held_reports_are_left_alone(db, make):
    anonymous = make.report("escalated", received_at=LONG_AGO, reporter_is_anonymous=True, reporter_name=None,
                            reporter_phone=None, reporter_may_contact=False)
    removed_at = datetime(2027, 1, 1, tzinfo=UTC)
    removed = make.report("escalated", received_at=LONG_AGO, contact_removed_at=removed_at)
    destroyed = make.report("referred", received_at=LONG_AGO, destroyed_at=removed_at)
    held = make.report("escalated", received_at=LONG_AGO)
    holds.place(held.case, reason="Rechtszaak", until=None, actor=make.user("archivist"))
    assert anonymisation.run(today=TODAY)["contact"] == 0
    db.session.expire_all()
    assert anonymous.contact_removed_at is None and removed.contact_removed_at == removed_at
    assert contact(destroyed)[0] == contact(held)[0] == "Jan Jansen"


def test_a_hold_past_its_day_no_longer_protects(db, make):
    held = make.report("escalated", received_at=LONG_AGO)
    holds.place(held.case, reason="Bezwaar", until=holds.today(), actor=make.user("archivist"))
    anonymisation.run(today=date(2099, 1, 1))
    db.session.expire_all()
    assert contact(held) == (None, None, None)


def test_attachments_go_on_their_own_rule_and_the_files_after_the_commit(app, db, make):
    from gdt.services.intake import attachments
    from tests import attachment_files as files
    report = make.report("referred", received_at=LONG_AGO)
    with unit_of_work():
        stored = attachments.store(report, attachments.prepare("foto.png", files.png()))
    name = stored.storage_name
    assert (attachment_store.directory() / name).exists()
    rule = db.session.scalar(sa.select(rules.RetentionRule).where(rules.RetentionRule.kind == "attachments"))
    rules.update_rule(rule, {"months": 24, "source": rule.source}, actor=make.user("archivist"))
    assert anonymisation.run(today=TODAY) == {"contact": 1, "attachments": 0, "files": 0}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1
    assert anonymisation.run(today=date(2028, 6, 1)) == {"contact": 0, "attachments": 1, "files": 1}
    db.session.expire_all()
    assert report.attachments_removed_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert not (attachment_store.directory() / name).exists()


def test_one_audit_event_per_run_with_counts_only(db, make):
    make.report("escalated", received_at=LONG_AGO)
    anonymisation.run(today=TODAY)
    anonymisation.run(today=TODAY)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "anonymise")).all()
    assert [(event.actor_id, event.object_type, event.object_ref) for event in events] == [
        (None, "retention", TODAY.isoformat())] * 2
    assert [event.detail for event in events] == [{"contact": 1, "attachments": 0, "files": 0},
                                                  {"contact": 0, "attachments": 0, "files": 0}]


def test_the_years_statistics_are_the_same_after(db, make):
    police = make.partner("politie")
    for number in range(30):
        kind = ("escalated", "referred", "received")[number % 3]
        extra = {"referred_partner": police} if kind == "referred" else {}
        make.report(kind, received_at=datetime(2026, 1 + number % 6, 1 + number, 9, tzinfo=UTC), **extra)
    before = statistics.yearly_statistics(2026)
    assert anonymisation.run(today=TODAY)["contact"] == 20
    db.session.expire_all()
    assert statistics.yearly_statistics(2026) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 30


def test_many_reports_go_in_batches(db, make, monkeypatch):
    monkeypatch.setattr(anonymisation, "BATCH", 3)
    reports = [make.report("escalated", received_at=LONG_AGO) for _ in range(7)]
    assert anonymisation.run(today=TODAY)["contact"] == 7
    db.session.expire_all()
    assert all(report.contact_removed_at for report in reports)


def test_the_command_anonymises_for_a_given_day(db, make, runner):
    report = make.report("escalated", received_at=LONG_AGO)
    result = runner.invoke(args=["retention", "anonymise", "--as-of", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "contact: 1" in result.output
    db.session.expire_all()
    assert contact(report) == (None, None, None)
