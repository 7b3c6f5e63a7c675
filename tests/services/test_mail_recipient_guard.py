"""The mail code's last guard: a recipient that is not exactly one address never reaches the mail server.

Addresses stored under the old rule ("eve@evil.example,bob") must not become two SMTP recipients. The
guard refuses them like a server's permanent refusal (553 5.1.3): a receipt or notice counts as done
without a retry, a referral delivery is a visible failure; nothing is sent, to anyone.
"""
import pytest
import sqlalchemy as sa

from gdt.db import db as _db
from gdt.models import OutboxMessage, Referral
from gdt.services.core import mail
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import receipts
from gdt.services.triage import report_triage

pytestmark = pytest.mark.integration

NOT_ONE = ["eve@evil.example,bob", "eve@evil.example, bob@example.nl", "a@example.nl;carol@example.nl",
           "groep: a@example.nl, b@example.nl;", "Piet <piet@example.nl>", "piet@example.nl (Piet)",
           " piet@example.nl", "piet@example.nl\r\nBcc: x@example.nl", "piet", "@example.nl", "piet@",
           "piet@@example.nl", "jürgen@example.de", "", "a@example.nl b@example.nl"]


@pytest.mark.parametrize("to", NOT_ONE)
def test_send_mail_refuses_what_is_not_exactly_one_address(app, inbox, to):
    with app.app_context(), pytest.raises(mail.NotOneAddress) as refused:
        mail.send_mail(to, "Onderwerp", "Tekst")
    assert inbox.received == []
    assert all(code == 553 for code, _ in refused.value.recipients.values())  # permanent, like a server's 5xx
    assert "@" not in str(refused.value)  # the address stays out of logs and stored errors


@pytest.mark.parametrize("to", ["melder@example.nl", "p.de.vries+gdt@gemeente-eindhoven.nl", "a@b.co",
                                "regisseur@gdt.test", "oud@gemeente.local"])
def test_one_address_is_sent_as_it_is(app, inbox, to):
    with app.app_context():
        mail.send_mail(to, "Onderwerp", "Tekst")
    assert [recipients for recipients, _ in inbox.received] == [[to]]


def _processed(message_id):
    _db.session.expire_all()
    return _db.session.get(OutboxMessage, message_id).processed_at


def test_a_receipt_to_a_stored_address_list_counts_as_done_and_sends_nothing(db, make, inbox, caplog):
    report = make.report(reporter_email="eve@evil.example,bob@example.nl", reporter_may_contact=True)
    with unit_of_work():
        message = receipts.queue_receipt(report)
    assert _processed(message.id) is not None and inbox.received == []
    assert "refused permanently" in caplog.text and "evil" not in caplog.text


def test_a_status_notice_to_a_stored_address_list_counts_as_done_and_sends_nothing(db, make, inbox):
    report = make.report(reporter_email="eve@evil.example;bob@example.nl", reporter_may_contact=True)
    report_triage.refer_report(report, "ruimtelijk-domein", None, actor=make.user(), seen_version=report.version)
    assert inbox.received == []
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == "report.status_notice"))
    assert [message.processed_at is not None for message in messages] == [True]


def test_a_referral_to_a_partner_with_a_stored_address_list_is_a_visible_failure(db, make, inbox):
    make.partner("wijkteam", name="Wijkteam", email="wijkteam@example.nl,eve@evil.example")
    report = make.report()
    report_triage.refer_report(report, "wijkteam", None, actor=make.user(), seen_version=report.version)
    referral = db.session.scalar(sa.select(Referral).where(Referral.report_id == report.id))
    assert inbox.received == []
    assert referral.delivery_status == "failed" and referral.delivery_attempts == 1  # no retries: fix the address
    assert referral.next_attempt_at is None
    assert "niet precies één e-mailadres" in referral.last_delivery_error and "evil" not in referral.last_delivery_error
