"""Claiming a report before triage: one holder at a time, visible, released or lapsing, and triage by anyone else
refused while it holds. Every refusal changes nothing."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Case, ReportClaim
from gdt.services.casework import bundling
from gdt.services.core.errors import Conflict, Forbidden
from gdt.services.triage import claims, report_triage

NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)


def _audit(db, reference):
    return db.session.execute(sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.detail)
                              .where(AuditEvent.object_ref == reference, AuditEvent.action.in_(("claim", "release")))
                              .order_by(AuditEvent.id)).all()


def _claim_row(db, report):
    db.session.expire_all()
    return db.session.get(ReportClaim, report.id)


@pytest.fixture
def anna(make):
    return make.user("coordinator", name="Anna Aalders")


@pytest.fixture
def bram(make):
    return make.user("coordinator", name="Bram Bakker")


def test_a_claim_names_its_holder_and_lapses_after_claim_minutes(app, db, make, anna):
    report = make.report()
    claim = claims.claim_report(report, actor=anna, now=NOW)
    assert (claim.holder_name, claim.since, claim.until) == ("Anna Aalders", NOW, NOW + timedelta(minutes=30))
    db.session.expire_all()
    assert claims.current(report, NOW + timedelta(minutes=29)).holder_id == anna.id
    assert claims.current(report, NOW + timedelta(minutes=30)) is None  # lapsed: anyone may take it
    assert _audit(db, report.reference) == [("claim", anna.id, None)]


def test_claim_minutes_is_a_setting(app, db, make, anna, monkeypatch):
    monkeypatch.setitem(app.config, "CLAIM_MINUTES", 5)
    report = make.report()
    assert claims.claim_report(report, actor=anna, now=NOW).until == NOW + timedelta(minutes=5)


def test_a_claim_changes_neither_the_report_nor_its_version(db, make, anna):
    report = make.report()
    version, updated_at = report.version, report.updated_at
    claims.claim_report(report, actor=anna, now=NOW)
    claims.release_report(report, actor=anna, now=NOW)
    db.session.expire_all()
    assert (report.version, report.updated_at) == (version, updated_at)


def test_a_colleague_cannot_claim_a_held_report_and_is_told_who_holds_it(db, make, anna, bram):
    report = make.report()
    claims.claim_report(report, actor=anna, now=NOW)
    with pytest.raises(Conflict) as refused:
        claims.claim_report(report, actor=bram, now=NOW + timedelta(minutes=10))
    assert refused.value.code == "claimed" and refused.value.status == 409
    message = str(refused.value.message)
    assert "opgepakt door Anna Aalders (sinds 10:00)" in message and "anders om 10:30" in message
    assert _claim_row(db, report).user_id == anna.id
    assert [action for action, *_ in _audit(db, report.reference)] == ["claim"]


def test_the_holder_renews_a_claim(db, make, anna):
    report = make.report()
    claims.claim_report(report, actor=anna, now=NOW)
    renewed = claims.claim_report(report, actor=anna, now=NOW + timedelta(minutes=20))
    assert renewed.until == NOW + timedelta(minutes=50)
    assert _claim_row(db, report).claimed_at == NOW + timedelta(minutes=20)
    assert _audit(db, report.reference)[1] == ("claim", anna.id, {"renewed": True})


def test_a_lapsed_claim_can_be_taken_over_and_the_audit_says_whose_it_was(db, make, anna, bram):
    report = make.report()
    claims.claim_report(report, actor=anna, now=NOW)
    taken = claims.claim_report(report, actor=bram, now=NOW + timedelta(minutes=31))
    assert taken.holder_id == bram.id
    assert _claim_row(db, report).user_id == bram.id
    assert _audit(db, report.reference)[1] == ("claim", bram.id, {"lapsed_claim_of": anna.id})


def test_the_holder_releases_and_a_colleague_may_claim_at_once(db, make, anna, bram):
    report = make.report()
    claims.claim_report(report, actor=anna, now=NOW)
    claims.release_report(report, actor=anna, now=NOW + timedelta(minutes=1))
    assert _claim_row(db, report) is None
    claims.claim_report(report, actor=bram, now=NOW + timedelta(minutes=2))
    assert [(action, actor) for action, actor, _ in _audit(db, report.reference)] == [
        ("claim", anna.id), ("release", anna.id), ("claim", bram.id)]


def test_only_the_holder_releases(db, make, anna, bram):
    report = make.report()
    claims.claim_report(report, actor=anna, now=NOW)
    with pytest.raises(Conflict) as refused:
        claims.release_report(report, actor=bram, now=NOW)
    assert "opgepakt door Anna Aalders" in str(refused.value.message)
    assert _claim_row(db, report).user_id == anna.id
    unclaimed = make.report()
    with pytest.raises(Conflict, match="niet"):
        claims.release_report(unclaimed, actor=bram, now=NOW)


def test_triage_by_a_colleague_is_refused_while_the_claim_holds(db, make, anna, bram):
    report = make.report()
    claims.claim_report(report, actor=anna, now=datetime.now(UTC))
    with pytest.raises(Conflict) as refused:
        report_triage.refer_report(report, "politie", "Bedreiging", actor=bram, seen_version=report.version)
    assert refused.value.code == "claimed" and "Anna Aalders" in str(refused.value.message)
    with pytest.raises(Conflict):
        report_triage.escalate_report(report, None, actor=bram, seen_version=report.version)
    with pytest.raises(Conflict):
        bundling.add_report(make.case(), report.reference, actor=bram, seen_version=make.case().version)
    db.session.expire_all()
    assert report.status == "received" and report.events == [] and report.case_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.source == "report")) == 2


def test_the_holder_triages_and_the_claim_ends_with_it(db, make, anna):
    report = make.report()
    claims.claim_report(report, actor=anna, now=datetime.now(UTC))
    report_triage.refer_report(report, "politie", "Bedreiging", actor=anna, seen_version=report.version)
    assert report.status == "referred" and _claim_row(db, report) is None


def test_after_the_claim_lapses_a_colleague_may_triage(db, make, anna, bram):
    report = make.report()
    claims.claim_report(report, actor=anna, now=datetime.now(UTC) - timedelta(minutes=31))
    case = report_triage.escalate_report(report, None, actor=bram, seen_version=report.version)
    assert report.case_id == case.id and _claim_row(db, report) is None


def test_triage_without_any_claim_still_works(db, make, bram):
    report = make.report()
    report_triage.refer_report(report, "politie", None, actor=bram, seen_version=report.version)
    assert report.status == "referred"


def test_a_triaged_report_cannot_be_claimed(db, make, anna):
    report = make.report("referred")
    with pytest.raises(Conflict, match="al beoordeeld"):
        claims.claim_report(report, actor=anna, now=NOW)
    assert _claim_row(db, report) is None


@pytest.mark.parametrize("role", ["intake", "manager", "admin"])
def test_only_coordinators_claim(db, make, role):
    report = make.report()
    with pytest.raises(Forbidden):
        claims.claim_report(report, actor=make.user(role), now=NOW)
    assert _claim_row(db, report) is None


def test_a_second_claim_row_for_one_report_cannot_be_stored(db, make, anna, bram):
    """The last guard behind the lock: the report's id is the claim's primary key."""
    report = make.report()
    db.session.add(ReportClaim(report_id=report.id, user_id=anna.id, claimed_at=NOW))
    db.session.commit()
    db.session.add(ReportClaim(report_id=report.id, user_id=bram.id, claimed_at=NOW))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
