"""Referral delivery in-process: a mail with a signed link or a signed webhook; retries with backoff, then failed."""
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models import OutboxMessage, Referral
from gdt.models.referrals import QUESTION_MAX
from gdt.services.admin import partners
from gdt.services.core import partner_links
from gdt.services.core.errors import Conflict, Forbidden, ServiceError
from gdt.services.referrals import delivery, routing
from gdt.services.triage import report_triage

pytestmark = pytest.mark.integration

DESCRIPTION = "De buurman op nummer 12 schreeuwt elke nacht tegen zijn vrouw."
REASON = "Bedreiging; intern: de buurman is bij ons bekend."  # the team's own reasoning: never to the partner
QUESTION = "Wilt u de wijkagent bij meneer De Boer langs laten gaan?"  # for the partner, may name people


@pytest.fixture
def police(make):
    return make.partner("politie", name="Politie Eindhoven", email="meldingen@politie.example")


@pytest.fixture
def refer(make, police):
    """Refer a fresh report to the police, as a coordinator does at triage; returns the referral."""
    coordinator = make.user("coordinator")

    def refer_one(question=None, **report_fields):
        report = make.report(description=DESCRIPTION, street="Stationsweg", city="Eindhoven", house_number=12,
                             reporter_email="melder@example.nl", **report_fields)
        report_triage.refer_report(report, "politie", REASON, actor=coordinator, seen_version=report.version,
                                   question=question)
        return report.referrals[-1]
    return refer_one


def mails_to(inbox, address):
    return [message for recipients, message in inbox.received if recipients == [address]]


def test_a_referral_mail_carries_a_working_link_and_no_personal_data(app, db, inbox, refer):
    referral = refer()

    [mail] = mails_to(inbox, "meldingen@politie.example")
    text = mail.get_content()
    assert referral.reference in mail["Subject"] and referral.reference in text
    link = next(line.strip() for line in text.splitlines() if "/doorverwijzing/" in line)
    assert link.startswith(app.config["PUBLIC_BASE_URL"])
    assert partner_links.read(urlsplit(link).path.rsplit("/", 1)[1]) == (referral.id, referral.partner_id)
    for private in (DESCRIPTION, "Stationsweg", "5611", "Jan Jansen", "0612345678", "melder@example.nl"):
        assert private not in text and private not in mail["Subject"]
    assert referral.delivery_status == "sent" and referral.delivery_attempts == 1
    assert referral.acknowledge_due_at > referral.delivered_at  # the clock started at delivery
    assert [event.event for event in referral.report.events][-1] == "referral_sent"


def test_the_same_message_twice_sends_one_mail(db, inbox, refer):
    referral = refer()
    message_id = db.session.scalar(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.topic == routing.TOPIC, OutboxMessage.payload["referral_id"].as_integer() == referral.id
        )
    )
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(processed_at=None))
    routing.deliver({"referral_id": referral.id})  # a redelivered message finds the referral sent
    assert len(mails_to(inbox, "meldingen@politie.example")) == 1


def test_smtp_down_is_retried_with_backoff_then_failed_and_retried_by_hand(app, db, inbox, refer, make, monkeypatch):
    monkeypatch.setitem(app.config, "DELIVERY_MAX_ATTEMPTS", 3)
    inbox.stop()
    referral = refer()
    assert (referral.delivery_status, referral.delivery_attempts) == ("pending", 1)
    first_wait = referral.next_attempt_at - referral.updated_at
    assert timedelta(seconds=55) < first_wait <= timedelta(seconds=61)  # 1 minute, then 2, 4 …
    assert referral.last_delivery_error.startswith("Mailserver: ConnectionRefusedError")

    assert routing.queue_due_retries() == 0  # not due yet
    for attempt in (2, 3):
        assert routing.queue_due_retries(now=utcnow() + timedelta(hours=1)) == 1
        db.session.refresh(referral)
        assert referral.delivery_attempts == attempt
    assert referral.delivery_status == "failed" and referral.next_attempt_at is None
    assert referral.report.events[-1].event == "referral_failed"
    assert routing.queue_due_retries(now=utcnow() + timedelta(days=1)) == 0  # failed waits for a person

    inbox.start()
    with pytest.raises(Forbidden):
        routing.retry(referral, actor=make.user("intake"))
    routing.retry(referral, actor=make.user("admin"))
    db.session.refresh(referral)
    assert referral.delivery_status == "sent" and len(mails_to(inbox, "meldingen@politie.example")) == 1
    with pytest.raises(Conflict):
        routing.retry(referral, actor=make.user("coordinator"))


def test_retry_delays_double(app):
    with app.app_context():
        assert [routing.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
        assert routing.retry_delay(30) == timedelta(hours=6)


def test_a_partner_without_an_address_is_a_visible_failure(db, inbox, make):
    make.partner("wijkteam", name="Wijkteam", email=None)
    report = make.report()
    report_triage.refer_report(report, "wijkteam", None, actor=make.user(), seen_version=report.version)
    referral = report.referrals[0]
    assert referral.delivery_status == "pending" and "geen e-mailadres" in referral.last_delivery_error
    assert db.session.scalar(sa.select(Referral.id).where(Referral.delivery_attempts > 0)) == referral.id


def test_a_deactivated_partner_gets_no_delivery_that_was_still_being_retried(app, db, inbox, refer, make, police):
    inbox.stop()
    referral = refer()
    assert referral.delivery_status == "pending" and referral.next_attempt_at is not None
    admin = make.user("admin")
    partners.set_partner_active(police, False, actor=admin)
    inbox.start()

    assert routing.queue_due_retries(now=utcnow() + timedelta(hours=1)) == 1
    db.session.refresh(referral)
    assert referral.delivery_status == "failed" and referral.next_attempt_at is None  # no more retries
    assert referral.last_delivery_error == delivery.PARTNER_INACTIVE
    assert mails_to(inbox, "meldingen@politie.example") == []
    with pytest.raises(Conflict):
        routing.retry(referral, actor=admin)


class WebhookReceiver:
    """A partner's system on loopback: records each POST and answers with `status`."""

    def __init__(self, status=200):
        self.status, self.requests = status, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.headers, body))  # case-insensitive, as HTTP is
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/gdt"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(make, police):
    receiver = WebhookReceiver()
    partners.update_partner(
        police,
        name=police.name,
        email=police.email,
        kind=police.kind,
        actor=None,
        delivery_method="webhook",
        webhook_url=receiver.url,
    )
    yield receiver
    receiver.close()


def test_a_webhook_partner_gets_one_signed_post_without_personal_data(db, inbox, refer, police, webhook):
    referral = refer()

    [(headers, body)] = webhook.requests
    timestamp, signature = (part.split("=", 1)[1] for part in headers["GDT-Signature"].split(","))
    assert headers["GDT-Signature"] == delivery.signature(delivery.webhook_secret(police), int(timestamp), body)
    assert signature and headers["Idempotency-Key"] == f"referral-{referral.id}"
    document = json.loads(body)
    assert document["reference"] == referral.reference and document["partner"] == "politie"
    assert partner_links.read(document["link"].rsplit("/", 1)[1]) == (referral.id, police.id)
    for private in (DESCRIPTION, "Stationsweg", "5611", "Jan Jansen", "0612345678"):
        assert private not in body.decode()
    assert referral.delivery_status == "sent" and mails_to(inbox, police.email) == []


def test_a_webhook_answering_500_is_retried(db, refer, webhook):
    webhook.status = 500
    referral = refer()
    assert referral.delivery_status == "pending" and referral.last_delivery_error == "Webhook: HTTP 500"
    webhook.status = 204
    routing.queue_due_retries(now=utcnow() + timedelta(hours=1))
    db.session.refresh(referral)
    assert referral.delivery_status == "sent" and len(webhook.requests) == 2


def test_the_webhook_secret_is_not_stored_and_changes_on_rotation(db, police, webhook):
    secret = delivery.webhook_secret(police)
    assert secret not in police.webhook_secret_salt
    assert partners.rotate_webhook_secret(police, actor=None) != secret


def test_advice_on_a_case_goes_to_the_partner_with_the_message_behind_the_link(db, inbox, make, police):
    case = make.case()
    referral = routing.refer_case(
        case, "politie", "Graag een huisbezoek door de wijkagent.", actor=make.user(), seen_version=case.version
    )
    [mail] = mails_to(inbox, police.email)
    assert case.reference in mail["Subject"] and "huisbezoek" not in mail.get_content()
    assert referral.case == case and referral.message.startswith("Graag")
    assert [event.event for event in case.events][-2:] == ["refer", "referral_sent"]
    with pytest.raises(Forbidden):
        routing.refer_case(case, "politie", "x", actor=make.user("intake"), seen_version=case.version)


def test_the_question_for_the_partner_is_stored_and_the_mail_only_says_it_is_behind_the_link(db, inbox, refer):
    referral = refer(question=f"  {QUESTION}  ")

    assert referral.question == QUESTION and referral.report.triage_reason == REASON
    [mail] = mails_to(inbox, "meldingen@politie.example")
    text = mail.get_content()
    assert "Het team stelt u een vraag" in text and "via de link" in text
    assert "De Boer" not in text and "wijkagent" not in text and "intern" not in text and "Bedreiging" not in text


def test_a_referral_without_a_question_says_nothing_about_one(db, inbox, refer):
    referral = refer()

    assert referral.question is None
    [mail] = mails_to(inbox, "meldingen@politie.example")
    assert "Het team stelt u een vraag" not in mail.get_content()


def test_an_overlong_question_is_refused_and_changes_nothing(db, inbox, make):
    report = make.report()
    with pytest.raises(ServiceError) as refused:
        report_triage.refer_report(report, "politie", REASON, actor=make.user("coordinator"),
                                   seen_version=report.version, question="?" * (QUESTION_MAX + 1))
    assert refused.value.field == "question" and str(QUESTION_MAX) in str(refused.value.message)
    assert report.status == "received" and report.referrals == [] and inbox.received == []


def test_the_webhook_body_carries_neither_the_question_nor_the_internal_reasoning(db, refer, webhook):
    referral = refer(question=QUESTION)

    [(_, body)] = webhook.requests
    document = json.loads(body)
    assert "question" not in document and document["reference"] == referral.reference
    assert QUESTION not in body.decode()  # it may name people: behind the link, where each view is audited
    assert "intern" not in body.decode() and "Bedreiging" not in body.decode()


def test_advice_on_a_case_carries_the_question_behind_the_link(db, inbox, make, police):
    case = make.case()
    referral = routing.refer_case(case, "politie", "Wij adviseren een huisbezoek.", actor=make.user(),
                                  seen_version=case.version, question=QUESTION)
    assert referral.question == QUESTION and referral.message == "Wij adviseren een huisbezoek."
    [mail] = mails_to(inbox, police.email)
    assert "Het team stelt u een vraag" in mail.get_content() and "De Boer" not in mail.get_content()
