"""Partner feedback: each step moves the referral, lands in the history and the audit log; links are checked."""
import time

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from gdt.db import utcnow
from gdt.models import AuditEvent
from gdt.services.core import partner_links
from gdt.services.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gdt.services.referrals import feedback
from gdt.services.referrals.feedback import Feedback


@pytest.fixture
def referral(make):
    return make.referral(make.report("referred", referred_partner=make.partner("politie"),
                                     reporter_email="melder@example.nl"), partner=make.partner("politie"))


def give(referral, given, **kwargs):
    """Feedback on the version the partner saw: the current one."""
    return feedback.record(referral, given, seen_version=referral.version, **kwargs)


def audit_actions(db, referral):
    return db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == "referral",
                                                                 AuditEvent.object_ref == str(referral.id))
                              .order_by(AuditEvent.id)).all()


def test_acknowledge_then_take_on_are_recorded_in_the_history_and_audit_log(db, referral):
    give(referral, Feedback("acknowledge"))
    give(referral, Feedback("take_on"))
    assert referral.status == "taken_on" and referral.acknowledged_at is not None
    assert [event.event for event in referral.report.events][-2:] == ["referral_received", "referral_taken_on"]
    assert referral.report.status == "referred"
    assert audit_actions(db, referral) == ["referral_received", "referral_taken_on"]


def test_handled_closes_the_referred_report_and_tells_a_consenting_reporter(db, referral, inbox):
    give(referral, Feedback("handle", outcome="resolved", note="Gesprek gevoerd; rust teruggekeerd."))
    report = referral.report
    assert (referral.status, referral.outcome, report.status) == ("handled", "resolved", "closed")
    assert report.events[-1].detail["outcome"] == "resolved"
    [(recipients, mail)] = inbox.received
    assert recipients == ["melder@example.nl"] and "afgehandeld" in mail["Subject"]
    assert "Politie" not in mail.get_content() and "Gesprek" not in mail.get_content()


def test_returned_puts_the_report_back_in_triage_with_a_new_deadline(db, referral):
    before_due = referral.report.triage_due_at
    give(referral, Feedback("return_to_team", reason="Er speelt meer: dreigende escalatie."))
    report = referral.report
    assert referral.status == "returned" and referral.return_reason.startswith("Er speelt meer")
    assert report.status == "received" and report.triage_outcome is None and report.referred_partner_id is None
    assert report.triage_due_at is not None and report.triage_due_at != before_due
    assert report.triage_due_at > utcnow()
    assert report.events[-1].event == "reopen"


@pytest.mark.parametrize(("given", "field"), [
    (Feedback("handle"), "outcome"), (Feedback("handle", outcome="weet niet"), "outcome"),
    (Feedback("return_to_team", reason="  "), "reason"), (Feedback("delete"), "action"),
])
def test_incomplete_feedback_is_refused_and_changes_nothing(db, referral, given, field):
    with pytest.raises(ServiceError) as refused:
        give(referral, given)
    assert refused.value.field == field
    db.session.refresh(referral)
    assert referral.status == "awaiting" and referral.report.status == "referred"


def test_finished_referrals_take_no_more_feedback(db, referral):
    give(referral, Feedback("handle", outcome="measures-taken"))
    assert feedback.next_steps(referral) == []
    with pytest.raises(Conflict):
        give(referral, Feedback("acknowledge"))


def test_next_steps_follow_the_lifecycle(db, referral):
    assert feedback.next_steps(referral) == ["acknowledge", "take_on", "handle", "return_to_team"]
    give(referral, Feedback("take_on"))
    assert feedback.next_steps(referral) == ["handle", "return_to_team"]


def test_a_stale_form_is_refused(db, referral):
    seen = referral.version
    feedback.record(referral, Feedback("acknowledge"), seen_version=seen)
    with pytest.raises(Conflict):
        feedback.record(referral, Feedback("take_on"), seen_version=seen)


def test_a_link_opens_its_referral_through_a_link_session_and_both_are_audited(db, referral):
    grant = feedback.exchange_link(partner_links.issue(referral))
    assert grant.path == f"/doorverwijzing/{referral.id}" and len(grant.key) >= 40
    assert feedback.open_link(referral.id, grant.key) == referral
    assert audit_actions(db, referral) == ["open_link", "view"]


def test_a_link_session_opens_only_its_own_referral_and_nothing_without_one(db, referral, make):
    other = make.referral(partner=referral.partner)
    grant = feedback.exchange_link(partner_links.issue(referral))
    for referral_id, key in ((other.id, grant.key), (referral.id, None), (referral.id, "made-up")):
        with pytest.raises(Forbidden) as refused:
            feedback.open_link(referral_id, key)
        assert refused.value.code == "link_session_missing"


def test_a_tampered_link_is_refused(db, referral):
    token = partner_links.issue(referral)
    with pytest.raises(NotFound):
        feedback.exchange_link(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(NotFound):
        feedback.exchange_link("not-a-token")


def test_a_link_is_for_one_partner_only(app, db, referral, make):
    other = make.referral(partner=make.partner("ggz", name="GGZ"))
    forged = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=partner_links.SALT).dumps(
        {"r": referral.id, "p": other.partner_id})
    with pytest.raises(NotFound):
        feedback.exchange_link(forged)


def test_an_expired_link_is_refused_with_a_way_forward(app, db, referral):
    class LastMonth(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 15 * 24 * 3600

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=partner_links.SALT, signer=LastMonth).dumps(
        {"r": referral.id, "p": referral.partner_id})
    with pytest.raises(feedback.LinkGone) as gone:
        feedback.exchange_link(old)
    assert gone.value.status == 410 and "nieuwe link" in str(gone.value.message)


def test_partner_users_see_only_their_own_organisations_referrals(db, referral, make):
    own = make.user("partner", partner=referral.partner)
    other = make.user("partner", partner=make.partner("ggz", name="GGZ"))
    assert feedback.view_for_user(referral.id, actor=own) == referral
    with pytest.raises(Forbidden):
        feedback.view_for_user(referral.id, actor=other)
    with pytest.raises(Forbidden):
        give(referral, Feedback("acknowledge"), actor=other)
    give(referral, Feedback("acknowledge"), actor=own)
    assert referral.report.events[-1].actor_id == own.id


def test_handled_advice_on_a_case_is_recorded_on_the_case(db, make):
    case = make.case(mode="advice")
    referral = make.referral(case=case, report=None)
    give(referral, Feedback("handle", outcome="resolved"))
    assert case.events[-1].event == "referral_handled" and case.status == "open"  # the coordinator closes it
