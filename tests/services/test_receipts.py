"""Receipt mails through a real SMTP server (aiosmtpd on loopback): who gets one, what it says, retries."""
import pytest
import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models import OutboxMessage, Report
from gdt.services.core import mail, outbox
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import receipts

pytestmark = pytest.mark.integration

EMAIL = "melder@example.nl"
DESCRIPTION = "De buurman op nummer 12 schreeuwt elke nacht tegen zijn vrouw."


def queue_receipt(report) -> str:
    with unit_of_work():
        message = receipts.queue_receipt(report)
    return message.id


def processed_at(db, message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id).processed_at


def test_a_reporter_with_email_and_consent_gets_one_receipt_without_details(app, db, make, inbox):
    report = make.report(reporter_email=EMAIL, reporter_may_contact=True, description=DESCRIPTION,
                         street="Stationsweg", city="Eindhoven", postcode="5611AB", house_number=12)
    message_id = queue_receipt(report)  # the commit nudges the consumer, in-process (eager)

    assert outbox.process(message_id) is False and outbox.relay_once().published == 0
    [(recipients, sent)] = inbox.received
    text = sent.get_content()
    assert recipients == [EMAIL] and sent["To"] == EMAIL and sent["From"] == app.config["MAIL_FROM"]
    assert report.reference in sent["Subject"] and report.reference in text
    assert "Wij hebben uw melding ontvangen" in text and "Status: ontvangen" in text
    for private in (DESCRIPTION, "Stationsweg", "Eindhoven", "5611 AB", "5611AB", report.reporter_name,
                    report.reporter_phone):
        assert private not in text and private not in sent["Subject"]
    link = next(line.strip() for line in text.splitlines() if "/mijn-melding/" in line)
    page = app.test_client().get(link[link.index("/mijn-melding/"):])
    assert page.status_code == 200 and report.reference in page.get_data(as_text=True)  # the resident's own page


@pytest.mark.parametrize("reporter", [
    pytest.param({"reporter_is_anonymous": True, "reporter_name": None, "reporter_phone": None,
                  "reporter_may_contact": False}, id="anonymous"),
    pytest.param({"reporter_email": EMAIL, "reporter_may_contact": False}, id="no-consent"),
    pytest.param({"reporter_email": None, "reporter_may_contact": True}, id="no-email"),
])
def test_no_receipt_without_an_address_and_consent(db, make, inbox, reporter):
    """Nothing is even queued: no outbox row, no work for the worker."""
    report = make.report(**reporter)
    with unit_of_work():
        assert receipts.queue_receipt(report) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert inbox.received == []


def test_smtp_down_leaves_the_message_unprocessed_until_the_server_is_back(db, make, inbox, caplog):
    inbox.stop()
    message_id = queue_receipt(make.report(reporter_email=EMAIL, reporter_may_contact=True))
    assert processed_at(db, message_id) is None and inbox.received == []

    inbox.start()
    assert outbox.process(message_id) is True
    assert outbox.process(message_id) is False
    assert len(inbox.received) == 1 and processed_at(db, message_id) is not None
    assert EMAIL not in caplog.text


def test_a_permanently_refused_address_is_not_retried(db, make, inbox):
    inbox.refuse = True
    message_id = queue_receipt(make.report(reporter_email=EMAIL, reporter_may_contact=True))
    assert processed_at(db, message_id) is not None and inbox.received == []


def test_a_receipt_queued_in_a_rolled_back_intake_is_never_sent(db, make, inbox):
    report = make.report(reporter_email=EMAIL, reporter_may_contact=True)
    with pytest.raises(RuntimeError), unit_of_work():
        receipts.queue_receipt(report)
        raise RuntimeError("intake refused")
    assert inbox.received == [] and outbox.relay_once().published == 0


def test_mail_headers_cannot_be_injected(app, inbox):
    with app.app_context():
        mail.send_mail(EMAIL, "Ontvangen\r\nBcc: stiekem@example.nl", "Tekst")
        with pytest.raises(mail.NotOneAddress):  # refused before a message is even made
            mail.send_mail(f"{EMAIL}\r\nBcc: stiekem@example.nl", "Onderwerp", "Tekst")
    [(recipients, sent)] = inbox.received
    assert recipients == [EMAIL] and sent["Bcc"] is None and sent["Subject"] == "Ontvangen Bcc: stiekem@example.nl"
    assert sent["Date"] is not None and sent["Message-ID"].endswith("@localhost>")


def test_queue_receipt_flushes_a_new_report_to_get_its_id(db, make, inbox):
    report = Report(reference="GDT-T-NEW", channel="phone", status="received", postcode="5611AB", house_number=3,
                    category=make.category(), received_at=utcnow(), reporter_email=EMAIL, reporter_may_contact=True)
    with unit_of_work() as session:
        session.add(report)
        message = receipts.queue_receipt(report)
        assert report.id is not None and message.payload == {"report_id": report.id}
    assert len(inbox.received) == 1

