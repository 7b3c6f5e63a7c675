"""The local mailbox: without an SMTP server (development, `make run`) mail is kept in the database, bounded, and
only an admin reads it at /admin/mail, every read audited; the demo's referral reaches "sent" through it."""
import os

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, LocalMail, Referral, Report
from gdt.services.admin import users
from gdt.services.core import local_mail, mail
from gdt.services.core.errors import Forbidden
from gdt.services.demo import demo_data
from gdt.services.triage import report_triage


@pytest.fixture
def local(app, monkeypatch):
    """The development setting without SMTP_HOST (config.DevelopmentConfig)."""
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "local")


def kept(db) -> list[LocalMail]:
    return list(db.session.scalars(sa.select(LocalMail).order_by(LocalMail.id)))


def test_mail_is_kept_instead_of_sent(db, local):
    mail.send_mail("melder@example.nl", "Uw melding GDT-2026-000001", "Bekijk https://gdt.example/x?a=1 hier.")

    [message] = kept(db)
    assert (message.recipient, message.subject) == ("melder@example.nl", "Uw melding GDT-2026-000001")
    assert message.body.strip() == "Bekijk https://gdt.example/x?a=1 hier." and message.sent_at


def test_only_the_newest_are_kept(app, db, local, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_LOCAL_KEEP", 3)
    for number in range(5):
        mail.send_mail("melder@example.nl", f"Bericht {number}", "Tekst")

    assert [message.subject for message in kept(db)] == ["Bericht 2", "Bericht 3", "Bericht 4"]


def test_production_never_keeps_mail_locally(app, db, local, monkeypatch):
    monkeypatch.setitem(app.config, "ENVIRONMENT", "production")

    with pytest.raises(OSError):  # a failed delivery: retried and visible, never silently kept
        mail.send_mail("melder@example.nl", "Onderwerp", "Tekst")
    assert kept(db) == []


def test_the_settings_choose_the_local_mailbox_only_in_development_without_smtp_host():
    import config

    development = config.DevelopmentConfig.MAIL_TRANSPORT
    assert development == ("smtp" if os.environ.get("SMTP_HOST") else "local")
    assert config.ProductionConfig.MAIL_TRANSPORT == config.TestConfig.MAIL_TRANSPORT == "smtp"


def test_only_an_admin_reads_the_mailbox_and_every_read_is_audited(db, make, local):
    mail.send_mail("melder@example.nl", "Onderwerp", "Tekst")
    admin, coordinator = make.user("admin"), make.user("coordinator")

    assert [message.subject for message in local_mail.recent(actor=admin)] == ["Onderwerp"]
    with pytest.raises(Forbidden):
        local_mail.recent(actor=coordinator)

    events = db.session.execute(sa.select(AuditEvent.actor_id, AuditEvent.outcome)
                                .where(AuditEvent.object_type == "local_mail").order_by(AuditEvent.id)).all()
    assert events == [(admin.id, "ok"), (coordinator.id, "denied")]


def test_a_demo_referral_is_delivered_to_the_local_mailbox_and_its_link_is_clickable_for_the_admin(
        app, db, local, client_as):
    demo_data.load_demo(year=None, reports=100, if_empty=False)
    coordinator = users.user_by_email("coordinator@gdt.example")
    report = db.session.scalar(sa.select(Report).where(Report.status == "received").order_by(Report.id))

    report_triage.refer_report(report, "politie", "Bedreiging", actor=coordinator, seen_version=report.version)

    referral = db.session.scalar(sa.select(Referral).where(Referral.report_id == report.id))
    assert referral.delivery_status == "sent" and referral.last_delivery_error is None
    [message] = [message for message in kept(db) if message.recipient == "politie@example.org"]
    assert referral.reference in message.subject
    link = next(word for word in message.body.split() if "/doorverwijzing/" in word)
    assert link.startswith(app.config["PUBLIC_BASE_URL"])

    page = client_as(user=users.user_by_email("admin@gdt.example")).get("/admin/mail")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="{link}"' in html and "politie@example.org" in html and referral.reference in html
    assert client_as("coordinator").get("/admin/mail").status_code == 403
