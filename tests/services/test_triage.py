"""Triage: refer or escalate; every refusal changes nothing."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Case, ReportEvent
from gdt.services.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gdt.services.triage import report_triage


def _audit(db, reference):
    return db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_ref == reference)
                              .order_by(AuditEvent.id)).all()


def test_refer_records_decision_history_and_audit(make, db):
    report, coordinator = make.report(), make.user("coordinator")
    report_triage.refer_report(report, "politie", "Bedreiging", actor=coordinator, seen_version=report.version)
    db.session.expire_all()
    assert (report.status, report.triage_outcome, report.referred_partner.key) == ("referred", "referred", "politie")
    assert report.triaged_by_id == coordinator.id and report.triaged_at is not None
    assert [(e.event, e.from_status, e.to_status, e.actor_id) for e in report.events] == [
        ("refer", "received", "referred", coordinator.id)]
    assert _audit(db, report.reference) == ["refer"]


def test_refer_without_partner_changes_nothing(make, db):
    report = make.report()
    with pytest.raises(ServiceError) as refused:
        report_triage.refer_report(report, None, "reden", actor=make.user(), seen_version=report.version)
    assert refused.value.field == "partner"
    db.session.expire_all()
    assert report.status == "received" and report.triage_outcome is None and report.events == []
    assert _audit(db, report.reference) == []


def test_refer_to_an_inactive_partner_is_refused(make, db):
    make.partner("ggz", is_active=False)
    report = make.report()
    with pytest.raises(ServiceError) as refused:
        report_triage.refer_report(report, "ggz", None, actor=make.user(), seen_version=report.version)
    assert "niet meer actief" in str(refused.value.message)
    db.session.expire_all()
    assert report.status == "received" and report.referred_partner_id is None


def test_escalate_opens_a_linked_case(make, db):
    report = make.report(channel="app")
    case = report_triage.escalate_report(report, "Dreiging", actor=make.user(), seen_version=report.version)
    db.session.expire_all()
    assert report.status == "escalated" and report.case_id == case.id
    assert case.status == "open" and case.source == "report" and case.received_at == report.received_at
    assert case.reference.startswith("GDT-") and [e.event for e in case.events] == ["open"]
    assert _audit(db, case.reference) == ["create"]


def test_partner_registration_escalates_to_a_partner_sourced_case(make):
    report = make.report(channel="partner")
    case = report_triage.escalate_report(report, None, actor=make.user(), seen_version=report.version)
    assert case.source == "partner"


def test_stale_triage_is_refused_and_changes_nothing(make, db):
    report = make.report()
    seen = report.version
    report_triage.refer_report(report, "politie", None, actor=make.user(), seen_version=seen)
    with pytest.raises(Conflict):
        report_triage.escalate_report(report, None, actor=make.user(), seen_version=seen)
    db.session.expire_all()
    assert report.status == "referred" and db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_a_triaged_report_cannot_be_triaged_again(make, db):
    report = make.report()
    report_triage.refer_report(report, "politie", None, actor=make.user(), seen_version=report.version)
    with pytest.raises(Conflict) as refused:
        report_triage.refer_report(report, "ggz", None, actor=make.user(), seen_version=report.version)
    assert refused.value.code == "transition_not_allowed"
    db.session.expire_all()
    assert report.referred_partner.key == "politie"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportEvent)) == 1


def test_only_coordinators_triage(make, db):
    report = make.report()
    with pytest.raises(Forbidden):
        report_triage.refer_report(report, "politie", None, actor=make.user("intake"), seen_version=report.version)
    db.session.expire_all()
    assert report.status == "received"


def test_viewing_is_audited_including_refusals(make, db):
    report = make.report()
    report_triage.view_report(report.reference, actor=make.user("coordinator"))
    with pytest.raises(Forbidden):
        report_triage.view_report(report.reference, actor=make.user("manager"))
    with pytest.raises(NotFound):
        report_triage.view_report("GDT-1999-000001", actor=make.user("coordinator"))
    outcomes = db.session.execute(sa.select(AuditEvent.action, AuditEvent.outcome, AuditEvent.actor_role)
                                  .where(AuditEvent.object_ref == report.reference).order_by(AuditEvent.id)).all()
    assert outcomes == [("view", "ok", "coordinator"), ("view", "denied", "manager")]


def test_address_history_lists_other_reports_at_the_address(make):
    report = make.report(postcode="5611AB", house_number=3)
    same = make.report(postcode="5611AB", house_number=3)
    make.report(postcode="5611AB", house_number=4)
    assert [other.id for other in report_triage.address_history(report, viewer=make.user("coordinator"))] == [same.id]
