"""Referral delivery through the real chain: outbox row → Redis → a Celery worker process → SMTP sink or webhook.

Each test starts its own redis-server, SMTP sink and worker subprocess on a database of its own (SQLite file,
or a fresh PostgreSQL database with --postgres), so a stopped broker or a SIGKILLed worker is the real thing.
The test process plays the web app and the relay: its commits nudge the worker through Redis.
"""
import asyncio
import hashlib
import hmac
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import db
from gdt.models import OutboxMessage, Referral, Report
from gdt.services.admin import partners, users
from gdt.services.core import after_response, outbox, partner_links, reference_data
from gdt.services.intake import report_intake
from gdt.services.referrals import delivery, routing
from gdt.services.triage import report_triage
from tests.smtp import Inbox
from tests.workers import CeleryWorker, RedisServer

pytestmark = pytest.mark.integration

PUBLIC_BASE_URL = "https://gdt.gemeente.example.nl"
PARTNER_KEY, PARTNER_EMAIL = "politie", "meldpunt@politie.example.nl"
REASON = "Hoort bij de wijkagent"
MAX_ATTEMPTS, RETRY_SECONDS = 3, 1
CLAIM_SECONDS = 3  # a killed worker's claim runs out quickly here (production: above the task time limit)
REFERRAL_SUBJECT = "Doorverwijzing GDT-"
RECEIPT_SUBJECT = "Ontvangstbevestiging van uw melding GDT-"
STATUS_NOTICE_SUBJECT = "Uw melding GDT-"
# What the partner's mail or webhook must never carry: it is behind the audited link.
REPORT = dict(category="geluidsoverlast", description="Dreunende bas uit de kelder, elke nacht tot vier uur",
              postcode="5611AB", house_number="1", reporter_name="Annemarie Verhoeven",
              reporter_phone="0612345678", reporter_may_contact=True)
REPORTER_EMAIL = "annemarie.verhoeven@example.nl"


class HoldingInbox(Inbox):
    """The SMTP sink, able to keep the next RCPT command waiting so the sender is stuck mid-delivery."""

    HOLD_LIMIT = 30.0

    def __init__(self):
        super().__init__()
        self._hold_next, self.holding, self._released = False, threading.Event(), threading.Event()

    def hold_next_rcpt(self) -> None:
        self._hold_next = True

    def release(self) -> None:
        self._released.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._hold_next:
            self._hold_next = False
            self.holding.set()
            deadline = time.monotonic() + self.HOLD_LIMIT
            while not self._released.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    def with_subject(self, prefix: str) -> list:
        return [message for _, message in self.received if message["Subject"].startswith(prefix)]


class WebhookReceiver:
    """A partner's system on loopback: records each POST (headers, body) and answers `status`."""

    def __init__(self):
        self.requests, self.status = [], 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.headers, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/gdt/referrals"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def inbox():
    sink = HoldingInbox()
    sink.start()
    yield sink
    sink.release()
    sink.stop()


@pytest.fixture
def webhook():
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def live_app(app, fresh_database_url, redis_server, inbox):
    """The web side: an app on the fresh database that publishes to the test's Redis (not eagerly)."""
    class WorkerTestConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url
        SQLALCHEMY_ENGINE_OPTIONS = {}
        CELERY = config.TestConfig.CELERY | {"broker_url": redis_server.url, "task_always_eager": False}
        SMTP_HOST, SMTP_PORT, PUBLIC_BASE_URL = "127.0.0.1", inbox.port, PUBLIC_BASE_URL
        OUTBOX_REPUBLISH_AFTER_SECONDS, OUTBOX_CLAIM_SECONDS = 2, CLAIM_SECONDS
        DELIVERY_MAX_ATTEMPTS, DELIVERY_RETRY_SECONDS = MAX_ATTEMPTS, RETRY_SECONDS

    built = create_app(WorkerTestConfig)
    try:
        with built.app_context():
            db.create_all()
            reference_data.ensure_defaults()
            yield built
            db.session.remove()
            db.engine.dispose()
    finally:
        app.extensions["celery"].set_default()  # the suite's eager app stays the default for later tests


@pytest.fixture
def start_worker(fresh_database_url, redis_server, inbox, tmp_path):
    """`start_worker()` runs a new worker and waits until it consumes; every worker is killed at teardown."""
    environment = {
        "DATABASE_URL": fresh_database_url, "REDIS_URL": redis_server.url, "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(inbox.port), "SECRET_KEY": config.TestConfig.SECRET_KEY,
        "GDT_INSTANCE_DIR": str(tmp_path / "instance"), "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "DELIVERY_MAX_ATTEMPTS": str(MAX_ATTEMPTS), "DELIVERY_RETRY_SECONDS": str(RETRY_SECONDS),
        "OUTBOX_CLAIM_SECONDS": str(CLAIM_SECONDS), "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32",
    }
    started = []

    def start() -> CeleryWorker:
        worker = CeleryWorker(environment, tmp_path / f"worker-{len(started) + 1}.log")
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.kill()
        print(f"--- {worker.log_path.name} ---\n{worker.log()[-6000:]}")  # shown by pytest when the test failed


@pytest.fixture
def coordinator(live_app):
    return users.create_user("regisseur@gemeente.example.nl", "Rita Regisseur", "coordinator",
                             "een-lang-test-wachtwoord", actor=None)


@pytest.fixture
def mail_partner(live_app):
    partner = reference_data.partner_by_key(PARTNER_KEY)
    return partners.update_partner(partner, name=partner.name, email=PARTNER_EMAIL, kind=partner.kind, actor=None)


def webhook_partner(url: str):
    partner = reference_data.partner_by_key(PARTNER_KEY)
    return partners.update_partner(partner, name=partner.name, email=PARTNER_EMAIL, kind=partner.kind, actor=None,
                                   delivery_method="webhook", webhook_url=url)


def register_report(coordinator, **fields) -> Report:
    return report_intake.register_phone_report(report_intake.ReportInput(**REPORT | fields), actor=coordinator)


def refer(report: Report, coordinator) -> Referral:
    report_triage.refer_report(report, PARTNER_KEY, REASON, actor=coordinator, seen_version=report.version)
    return referral_of(report)


def referral_of(report: Report) -> Referral:
    referral = db.session.scalars(sa.select(Referral).where(Referral.report_id == report.id)).one()
    let_the_worker_write()
    return referral


def delivery_message_id() -> str:
    message_id = db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.topic == routing.TOPIC)).one()
    let_the_worker_write()
    return message_id


def is_processed(message_id: str) -> bool:
    return db.session.get(OutboxMessage, message_id).processed_at is not None


def let_the_worker_write() -> None:
    """End the test's read transaction. On SQLite every transaction holds the write lock (BEGIN IMMEDIATE in
    gdt/db.py), so a test that keeps one open while it waits would keep the worker from committing."""
    db.session.rollback()


def wait_until(condition, what: str, timeout: float = 30.0, every: float = 0.1, step=lambda: None):
    """Poll `condition()` (after `step()`) on fresh data until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        step()
        let_the_worker_write()  # and see what it committed since the last look
        try:
            result = condition()
        finally:
            let_the_worker_write()
        if result:
            return result
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


def queue_due_retries_until(referral: Referral, status: str, timeout: float = 30.0) -> None:
    """Play the beat's retry sweep until the referral's delivery reaches `status`."""
    wait_until(lambda: referral.delivery_status == status, f"delivery status {status!r}", timeout, every=0.2,
               step=routing.queue_due_retries)


def link_token(body: str) -> str:
    match = re.search(re.escape(PUBLIC_BASE_URL) + r"/doorverwijzing/(\S+)", body)
    assert match, body
    return match.group(1)


def personal_data(report: Report) -> list[str]:
    return [value for value in (report.description, report.street, report.postcode, "5611 AB", report.reporter_name,
                                report.reporter_phone, report.reporter_email) if value]


def task_runs(worker: CeleryWorker, message_id: str) -> int:
    return worker.log().count(f"[{message_id}] succeeded")


@pytest.mark.timeout(90)
def test_the_worker_mails_the_partner_a_working_link_and_nothing_personal(
        live_app, start_worker, inbox, coordinator, mail_partner):
    start_worker()
    report = register_report(coordinator, reporter_email=REPORTER_EMAIL)
    referral = refer(report, coordinator)

    wait_until(lambda: referral.delivery_status == "sent", "the referral to be sent")

    [mail] = inbox.with_subject(REFERRAL_SUBJECT)
    body = mail.get_content()
    assert mail["To"] == PARTNER_EMAIL and report.reference in mail["Subject"]
    assert partner_links.read(link_token(body)) == (referral.id, mail_partner.id)
    assert not [value for value in personal_data(report) if value in body + str(mail["Subject"])]
    assert referral.acknowledge_due_at is not None and referral.delivered_at is not None
    assert referral.delivery_attempts == 1 and is_processed(delivery_message_id())


@pytest.mark.timeout(90)
def test_nothing_is_lost_while_redis_is_down_and_the_relay_sends_it_once_redis_is_back(
        live_app, redis_server, start_worker, inbox, coordinator, mail_partner):
    redis_server.stop()
    report = register_report(coordinator, reporter_email=REPORTER_EMAIL)
    referral = refer(report, coordinator)  # both commits stand; their nudges fail
    assert after_response.wait_until_idle(30)  # the nudges run after the commit, in the background

    assert db.session.scalar(sa.select(Report.status).where(Report.reference == report.reference)) == "referred"
    assert referral.delivery_status == "pending" and referral.delivery_attempts == 0
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert sorted(message.topic for message in messages) == ["referral.deliver", "report.received",
                                                             "report.status_notice"]
    assert all(message.published_at is None and message.processed_at is None for message in messages)

    down = outbox.relay_once()
    assert (down.published, down.failed) == (0, 1) and down.oldest_unpublished_age is not None

    redis_server.start()
    start_worker()
    assert outbox.relay_once().published == 3

    wait_until(lambda: all(message.processed_at for message in messages), "every outbox message to be processed")
    assert [len(inbox.with_subject(prefix)) for prefix in (REFERRAL_SUBJECT, RECEIPT_SUBJECT, STATUS_NOTICE_SUBJECT)
            ] == [1, 1, 1]
    assert len(inbox.received) == 3
    assert referral.delivery_status == "sent"


@pytest.mark.timeout(90)
def test_a_worker_killed_mid_delivery_delivers_exactly_once_after_a_restart(
        live_app, start_worker, inbox, coordinator, mail_partner):
    worker = start_worker()
    report = register_report(coordinator)
    inbox.hold_next_rcpt()
    report_triage.refer_report(report, PARTNER_KEY, REASON, actor=coordinator, seen_version=report.version)
    assert inbox.holding.wait(30), "the worker never reached the mail server"
    # The mail goes out between transactions: while the mail server hangs, the database stays writable.
    register_report(coordinator)

    worker.kill()  # mid-task: the message is claimed, not processed
    inbox.release()
    referral, message_id = referral_of(report), delivery_message_id()
    assert not is_processed(message_id) and referral.delivery_status == "pending"

    start_worker()
    # The killed worker's message stays unacknowledged in Redis for an hour: the relay's re-publish rule
    # (OUTBOX_REPUBLISH_AFTER_SECONDS) is what hands it to the new worker.
    wait_until(lambda: outbox.relay_once().published, "the relay to publish the message again", timeout=15,
               every=0.5)
    wait_until(lambda: is_processed(message_id), "the message to be processed")

    assert len(inbox.with_subject(REFERRAL_SUBJECT)) == 1
    assert referral.delivery_status == "sent" and referral.delivery_attempts == 1  # the killed try never finished


@pytest.mark.timeout(90)
def test_the_same_message_delivered_three_times_sends_one_mail(
        live_app, start_worker, inbox, coordinator, mail_partner):
    worker = start_worker()
    refer(register_report(coordinator), coordinator)  # the nudge publishes it once
    message_id = delivery_message_id()
    task = live_app.extensions["celery"].tasks[outbox.TASK_NAME]
    for _ in range(2):
        task.apply_async(args=[message_id], task_id=message_id)

    wait_until(lambda: task_runs(worker, message_id) == 3, "the worker to run the task three times")
    assert len(inbox.with_subject(REFERRAL_SUBJECT)) == 1
    assert is_processed(message_id)


@pytest.mark.timeout(90)
def test_a_partner_mail_server_that_is_down_is_retried_then_failed_then_retried_by_hand(
        live_app, start_worker, inbox, coordinator, mail_partner):
    inbox.stop()
    start_worker()
    report = register_report(coordinator)
    referral = refer(report, coordinator)

    queue_due_retries_until(referral, "failed")

    assert referral.delivery_attempts == MAX_ATTEMPTS and referral.next_attempt_at is None
    assert referral.last_delivery_error.startswith("Mailserver: ")
    assert [event.detail for event in report.events if event.event == "referral_failed"] == [
        {"referral": referral.id, "partner": PARTNER_KEY, "attempts": MAX_ATTEMPTS}]

    inbox.start()
    routing.retry(referral, actor=coordinator)
    wait_until(lambda: referral.delivery_status == "sent", "the retried referral to be sent")
    assert len(inbox.with_subject(REFERRAL_SUBJECT)) == 1
    assert referral.delivery_attempts == 1 and referral.last_delivery_error is None


@pytest.mark.timeout(90)
def test_a_webhook_partner_gets_one_signed_post_without_personal_data(
        live_app, start_worker, webhook, inbox, coordinator):
    partner = webhook_partner(webhook.url)
    start_worker()
    report = register_report(coordinator, reporter_email=REPORTER_EMAIL)
    referral = refer(report, coordinator)

    wait_until(lambda: referral.delivery_status == "sent", "the webhook delivery")

    [(headers, body)] = webhook.requests
    assert headers["Idempotency-Key"] == f"referral-{referral.id}"
    assert headers["Content-Type"] == "application/json"
    timestamp, digest = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", headers[delivery.SIGNATURE_HEADER]).groups()
    expected = hmac.new(delivery.webhook_secret(partner).encode(), timestamp.encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(digest, expected)
    assert abs(time.time() - int(timestamp)) < 60

    payload = json.loads(body)
    assert set(payload) == {"type", "id", "reference", "partner", "sent_at", "acknowledge_due_at", "link",
                            "link_expires_at"}
    assert (payload["type"], payload["id"], payload["reference"], payload["partner"]) == (
        "referral.delivered", referral.id, report.reference, PARTNER_KEY)
    assert partner_links.read(payload["link"].removeprefix(f"{PUBLIC_BASE_URL}/doorverwijzing/")) == (
        referral.id, partner.id)
    assert not [value for value in personal_data(report) if value in body.decode()]
    assert inbox.with_subject(REFERRAL_SUBJECT) == []  # a webhook partner gets no mail besides


@pytest.mark.timeout(90)
def test_a_webhook_answering_500_is_retried_and_then_failed(live_app, start_worker, webhook, coordinator):
    webhook.status = 500
    webhook_partner(webhook.url)
    start_worker()
    report = register_report(coordinator)
    referral = refer(report, coordinator)

    queue_due_retries_until(referral, "failed")

    assert len(webhook.requests) == MAX_ATTEMPTS == referral.delivery_attempts
    assert {headers["Idempotency-Key"] for headers, _ in webhook.requests} == {f"referral-{referral.id}"}
    assert referral.last_delivery_error == "Webhook: HTTP 500"
    assert [event.event for event in report.events if event.event.startswith("referral_")] == ["referral_failed"]
