"""The resident's link: a fresh token opens its one report for RESIDENT_LINK_DAYS; a changed, foreign or malformed
token is tampered; a new nonce, removed contact details or destruction revoke every link made before."""
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from gdt.models import AuditEvent
from gdt.services.core import partner_links, resident_links
from gdt.services.core.errors import NotFound
from tests import links

DAY = 86400


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


@pytest.fixture
def clock(monkeypatch):
    """itsdangerous's clock, moved on by whole days."""
    now = [time.time()]
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: now[0])

    def advance(days: float) -> None:
        now[0] += days * DAY

    return advance


def test_a_fresh_link_opens_its_report_and_names_nobody(ctx, make):
    report = make.report(reporter_name="Anna Melder", reporter_email="anna@example.net")
    token = resident_links.link_token(report)
    assert resident_links.read_link_token(token) is report
    assert "Anna" not in token and report.reference not in token
    assert resident_links.page_url(report).startswith(f"{ctx.config['PUBLIC_BASE_URL'].rstrip('/')}/mijn-melding/")
    assert resident_links.page_path(report).startswith("/mijn-melding/")


def test_a_link_is_valid_for_the_configured_days_from_when_it_was_made(ctx, make, clock):
    report = make.report()
    ctx.config["RESIDENT_LINK_DAYS"] = 180
    token = resident_links.link_token(report)
    clock(179)
    assert resident_links.read_link_token(token) is report
    fresh = resident_links.link_token(report)  # every mail carries a new one: valid from its own day
    clock(2)
    with pytest.raises(resident_links.LinkExpired):
        resident_links.read_link_token(token)
    assert resident_links.read_link_token(fresh) is report


def test_changed_foreign_and_malformed_tokens_are_tampered(ctx, make):
    report = make.report()
    other = make.report()
    token = resident_links.link_token(report)
    payload, rest = token.split(".", 1)
    swapped = resident_links.link_token(other).split(".", 1)[0] + "." + rest  # another report's payload, our MAC
    ours = URLSafeTimedSerializer(ctx.config["SECRET_KEY"], salt=resident_links.SALT)
    referral = make.referral()
    for bad in (links.tampered(token), swapped, "", "niets",
                partner_links.issue(referral),  # a partner's link: another salt
                URLSafeTimedSerializer("another-secret", salt=resident_links.SALT).dumps([report.id,
                                                                                          report.resident_link_nonce]),
                ours.dumps(report.id), ours.dumps([str(report.id), "x"]), ours.dumps([987654, "x"])):
        with pytest.raises(resident_links.LinkTampered):
            resident_links.read_link_token(bad)


def test_a_new_nonce_revokes_every_link_made_before_and_is_audited(ctx, db, make):
    report = make.report()
    first, second = resident_links.link_token(report), resident_links.link_token(report)
    resident_links.revoke(report.reference, actor=None)
    db.session.commit()
    for token in (first, second):
        with pytest.raises(resident_links.LinkRevoked):
            resident_links.read_link_token(token)
    assert resident_links.read_link_token(resident_links.link_token(report)) is report
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "revoke_resident_link"))
    assert event.object_ref == report.reference
    with pytest.raises(NotFound):
        resident_links.revoke("GDT-0000-000000", actor=None)


@pytest.mark.parametrize("removed", ["contact_removed_at", "destroyed_at"])
def test_no_link_opens_a_report_whose_contact_details_or_content_were_removed(ctx, make, removed):
    report = make.report()
    token = resident_links.link_token(report)
    setattr(report, removed, datetime(2026, 12, 1, tzinfo=UTC))
    make.session.commit()
    with pytest.raises(resident_links.LinkRevoked):
        resident_links.read_link_token(token)


def test_each_report_has_its_own_nonce(make):
    assert make.report().resident_link_nonce != make.report().resident_link_nonce


def test_a_support_link_is_audited(ctx, db, make):
    report = make.report()
    staff = make.user("admin")
    url = resident_links.support_link(report.reference, actor=staff)
    db.session.commit()
    assert resident_links.read_link_token(url.rsplit("/", 1)[1]) is report
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "issue_resident_link"))
    assert (event.object_ref, event.actor_id) == (report.reference, staff.id)


def test_the_operators_commands_print_and_revoke_a_link_audited(app, db, make, runner):
    report = make.report()
    printed = runner.invoke(args=["resident", "link", report.reference])
    assert printed.exit_code == 0, printed.output
    url = printed.output.strip()
    assert url.startswith(f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/mijn-melding/")
    with app.test_request_context():
        assert resident_links.read_link_token(url.rsplit("/", 1)[1]).id == report.id
    revoked = runner.invoke(args=["resident", "revoke", report.reference])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    with app.test_request_context(), pytest.raises(resident_links.LinkRevoked):
        resident_links.read_link_token(url.rsplit("/", 1)[1])
    actions = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_ref == report.reference)).all()
    assert {(event.action, event.actor_id, event.detail["via"]) for event in actions} == {
        ("issue_resident_link", None, "cli"), ("revoke_resident_link", None, "cli")}
    unknown = runner.invoke(args=["resident", "link", "GDT-0000-000000"])
    assert unknown.exit_code != 0 and "Er is geen melding met dit kenmerk." in unknown.output
