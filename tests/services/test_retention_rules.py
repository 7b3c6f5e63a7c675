"""Retention rules and the dates they give: per case result, merge, reopening, referred reports and the partner's
final answer; the rules' defaults, edits (validated, audited, with their history) and additions."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, ReferenceChange
from gdt.models.retention import RetentionRule
from gdt.services.casework import bundling, cases
from gdt.services.core.errors import ServiceError, ValidationFailed
from gdt.services.referrals import feedback
from gdt.services.referrals.feedback import Feedback
from gdt.services.retention import rules
from gdt.services.triage import report_triage


@pytest.fixture
def defaults(make, db):
    make.defaults()
    rules.ensure_defaults()


def _expected(moment: datetime, months: int) -> date:
    return rules.months_after(rules.local_day(moment), months)


def test_months_are_calendar_months():
    assert rules.months_after(date(2026, 12, 3), 60) == date(2031, 12, 3)
    assert rules.months_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.months_after(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert rules.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert rules.local_day(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)  # Amsterdam's day


def test_defaults_are_created_once_with_their_source(defaults, db):
    assert rules.ensure_defaults() == 0
    stored = {(rule.kind, rule.key): rule for rule in db.session.scalars(sa.select(RetentionRule))}
    assert len(stored) == len(rules.DEFAULT_RULES)
    assert stored[("case_result", "*")].months == 60 and stored[("case_merged", "")].months == 12
    assert stored[("case_result", "handed-over-zvh")].months == 240
    assert "21.1.3" in stored[("case_result", "handed-over-zvh")].source
    assert stored[("report", "referred")].months == stored[("report", "partner_registration")].months == 12
    assert stored[("contact", "")].months == stored[("attachments", "")].months == 12
    assert stored[("audit", "")].months == 60
    assert all(rule.source for rule in stored.values())


@pytest.mark.parametrize(("result", "months"), [("de-escalated", 60), ("handled-by-partner", 60),
                                                ("handed-over-zvh", 240), ("stopped", 12)])
def test_closing_fixes_the_date_of_the_result(defaults, make, db, result, months):
    case, coordinator = make.case(), make.user("coordinator")
    cases.close_case(case, result, "Reden" if result == "stopped" else None, actor=coordinator,
                     seen_version=case.version)
    db.session.expire_all()
    assert case.archive_nomination == "destroy"
    assert case.destruction_due_on == _expected(case.closed_at, months)


def test_a_result_without_a_rule_falls_back_to_the_star_rule(defaults, make, db):
    db.session.execute(sa.delete(RetentionRule).where(RetentionRule.key == "stopped"))
    star = db.session.scalar(sa.select(RetentionRule).where(RetentionRule.key == "*"))
    rules.update_rule(star, {"months": 84, "nomination": "destroy", "source": "Eigen keuze"},
                      actor=make.user("archivist"))
    case = make.case()
    cases.close_case(case, "stopped", "Geen medewerking", actor=make.user(), seen_version=case.version)
    assert case.destruction_due_on == _expected(case.closed_at, 84)


def test_keep_gives_no_date_and_reopening_clears(defaults, make, db):
    rule = db.session.scalar(sa.select(RetentionRule).where(RetentionRule.key == "de-escalated"))
    rules.update_rule(rule, {"months": 60, "nomination": "keep", "source": "Blijvend bewaren"},
                      actor=make.user("archivist"))
    case, coordinator = make.case(), make.user()
    cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    assert (case.archive_nomination, case.destruction_due_on) == ("keep", None)
    cases.reopen_case(case, "Het speelt weer op", actor=coordinator, seen_version=case.version)
    db.session.expire_all()
    assert (case.archive_nomination, case.destruction_due_on) == (None, None)
    cases.close_case(case, "stopped", "Reden", actor=coordinator, seen_version=case.version)
    assert (case.archive_nomination, case.destruction_due_on) == ("destroy", _expected(case.closed_at, 12))


def test_a_rule_change_applies_to_what_closes_afterwards(defaults, make, db):
    coordinator = make.user()
    earlier = make.case()
    cases.close_case(earlier, "de-escalated", None, actor=coordinator, seen_version=earlier.version)
    fixed = earlier.destruction_due_on
    rule = db.session.scalar(sa.select(RetentionRule).where(RetentionRule.key == "de-escalated"))
    rules.update_rule(rule, {"months": 120, "source": rule.source}, actor=make.user("archivist"))
    later = make.case()
    cases.close_case(later, "de-escalated", None, actor=coordinator, seen_version=later.version)
    db.session.expire_all()
    assert earlier.destruction_due_on == fixed
    assert later.destruction_due_on == _expected(later.closed_at, 120)


def test_a_merged_case_gets_the_merge_rule(defaults, make, db):
    coordinator = make.user()
    source, target = make.case(), make.case()
    bundling.merge(source, target.reference, actor=coordinator, seen_version=source.version)
    db.session.expire_all()
    assert source.status == "merged" and source.archive_nomination == "destroy"
    assert source.destruction_due_on == _expected(target.updated_at, 12)
    assert target.destruction_due_on is None


def test_a_referred_report_counts_from_the_referral_then_the_partner_answer(defaults, make, db):
    report, coordinator = make.report(), make.user()
    report_triage.refer_report(report, "politie", "Past bij de politie", actor=coordinator,
                               seen_version=report.version)
    assert report.destruction_due_on == _expected(report.triaged_at, 12)
    referral = report.referrals[-1]
    referral.status = "awaiting"
    db.session.commit()
    feedback.record(referral, Feedback("handle", outcome="resolved", note="Opgelost"), seen_version=referral.version)
    db.session.expire_all()
    assert report.status == "closed"
    assert report.destruction_due_on == _expected(referral.finished_at, 12)


def test_a_returned_report_loses_its_date_and_an_escalated_one_has_none(defaults, make, db):
    report, coordinator = make.report(), make.user()
    report_triage.refer_report(report, "politie", None, actor=coordinator, seen_version=report.version)
    referral = report.referrals[-1]
    referral.status = "awaiting"
    db.session.commit()
    feedback.record(referral, Feedback("return_to_team", reason="Dreigt te escaleren"),
                    seen_version=referral.version)
    db.session.expire_all()
    assert report.status == "received" and report.destruction_due_on is None
    report_triage.escalate_report(report, "Dreiging", actor=coordinator, seen_version=report.version)
    assert report.case_id is not None and report.destruction_due_on is None


def test_a_partner_registration_uses_its_own_rule(defaults, make, db):
    rule = db.session.scalar(sa.select(RetentionRule).where(RetentionRule.key == "partner_registration"))
    rules.update_rule(rule, {"months": 24, "source": rule.source}, actor=make.user("archivist"))
    report = make.report(channel="partner", reporter_name=None, reporter_phone=None, reporter_may_contact=False)
    report_triage.refer_report(report, "ggz", None, actor=make.user(), seen_version=report.version)
    assert report.destruction_due_on == _expected(report.triaged_at, 24)


def test_an_edit_is_validated_and_changes_nothing_when_refused(defaults, make, db):
    archivist = make.user("archivist")
    contact = db.session.scalar(sa.select(RetentionRule).where(RetentionRule.kind == "contact"))
    for data, field in (({"months": 0, "source": "x"}, "months"), ({"months": 1201, "source": "x"}, "months"),
                        ({"months": "twaalf", "source": "x"}, "months"), ({"months": 12, "source": " "}, "source"),
                        ({"months": 12, "source": "x", "nomination": "keep"}, "nomination")):
        with pytest.raises(ValidationFailed) as refused:
            rules.update_rule(contact, data, actor=archivist)
        assert field in refused.value.errors
    db.session.expire_all()
    assert (contact.months, contact.nomination) == (12, "destroy")


def test_an_edit_is_audited_and_kept_with_before_and_after(defaults, make, db):
    archivist = make.user("archivist")
    rule = db.session.scalar(sa.select(RetentionRule).where(RetentionRule.key == "stopped"))
    rules.update_rule(rule, {"months": 24, "nomination": "keep", "source": "Nieuwe bron"}, actor=archivist)
    change = db.session.scalar(sa.select(ReferenceChange).where(
        ReferenceChange.object_type == "retention_rule", ReferenceChange.action == "update"))
    assert change.object_key == "case_result:stopped" and change.actor_id == archivist.id
    assert change.changes["months"] == [12, 24] and change.changes["nomination"] == ["destroy", "keep"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "retention_rule"))
    assert event.actor_id == archivist.id and event.detail == {"fields": ["months", "nomination", "source"]}
    rules.update_rule(rule, {"months": 24, "nomination": "keep", "source": "Nieuwe bron"}, actor=archivist)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReferenceChange).where(
        ReferenceChange.action == "update")) == 1  # nothing changed: no second row


def test_a_case_result_without_a_rule_gets_one(defaults, make, db):
    archivist = make.user("archivist")
    db.session.execute(sa.delete(RetentionRule).where(RetentionRule.key == "stopped"))
    row = next(row for row in rules.rules_overview() if row.key == "stopped")
    assert row.rule is None and row.terms.months == 60  # the "*" rule meanwhile
    rule = rules.add_case_result_rule("stopped", {"months": 18, "source": "6.3"}, actor=archivist)
    assert (rule.kind, rule.key, rule.months) == ("case_result", "stopped", 18)
    with pytest.raises(ServiceError):
        rules.add_case_result_rule("stopped", {"months": 18, "source": "6.3"}, actor=archivist)


def test_rule_for_falls_back_to_built_in_defaults(db):
    assert rules.rule_for("contact").months == 12
    assert rules.rule_for("case_result", "unknown").months == 60
    assert rules.rule_for("case_result", "handed-over-zvh").months == 240


def test_fill_missing_dates_dates_bulk_loaded_data(defaults, make, db):
    closed = make.case(status="closed", received_at=datetime(2024, 4, 1, 10, tzinfo=UTC),
                       closed_at=datetime(2024, 5, 1, 10, tzinfo=UTC), result="stopped")
    referred = make.report("referred", received_at=datetime(2024, 6, 1, 10, tzinfo=UTC))
    assert rules.fill_missing_dates() == {"cases": 1, "reports": 1}
    db.session.expire_all()
    assert closed.destruction_due_on == date(2025, 5, 1)
    assert referred.destruction_due_on == date(2025, 6, 1)
