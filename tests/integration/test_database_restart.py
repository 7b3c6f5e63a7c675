"""PostgreSQL stopped, restarted or gone mid-mail, on a private cluster of its own (tests/postgres.py).

While the database cannot be reached, a request answers 503 with Retry-After (problem+json under /api/, a
Dutch page elsewhere), never a 500 and never a reference for a report that was not stored; once it is back,
the same app serves again without a restart. A receipt whose "sent" could not be recorded while the
database restarted is recorded once it is back, and not sent a second time. A receipt whose sending failed
while the database went down is handed back once the database is back, not held for the whole claim.
"""
import contextlib
import re
import threading
import time

import pytest
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import db
from gdt.models import IdempotencyRecord, OutboxMessage, Report
from gdt.services.admin import users
from gdt.services.core import reference_data, tokens
from gdt.services.intake import receipts, report_intake
from tests.postgres import Cluster
from tests.smtp import Inbox
from tests.workers import CeleryWorker, RedisServer

pytestmark = pytest.mark.integration

APP_REPORT = {"category": "geluidsoverlast", "description": "Elke nacht harde muziek",
              "location": {"postcode": "5611AB", "house_number": 12}, "reporter": {"anonymous": True}}
WEBFORM = {"category": "geluidsoverlast", "description": "Elke nacht harde muziek tot drie uur.",
           "postcode": "5611 AB", "house_number": "12", "reporter_name": "Anna de Vries"}
CLAIM_SECONDS = 20  # the worker may try to record for CLAIM_SECONDS - outbox.CLAIM_MARGIN = 10 s
DOWN_FOR = 2.0  # seconds the database stays down once the mail server has the receipt


@pytest.fixture
def cluster(request):
    if not request.config.getoption("--postgres"):
        pytest.skip("stops and restarts a PostgreSQL cluster: run with --postgres")
    with Cluster("gdt_restart") as private:
        yield private


def app_on(url: str, **settings):
    class RestartConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = config.engine_options(url)  # what production runs with

    for name, value in settings.items():
        setattr(RestartConfig, name, value)
    return create_app(RestartConfig)


@pytest.fixture
def live(app, cluster):
    """An app on the private cluster, with its tables and an app client; yields (app, client token)."""
    built = app_on(cluster.url)
    try:
        with built.app_context():
            db.create_all()
            reference_data.ensure_defaults()
            token = tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1]
            db.session.remove()
        yield built, token
        with built.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        app.extensions["celery"].set_default()  # the suite's eager app stays the default for later tests


def post_report(client, token: str, key: str):
    return client.post("/api/v1/reports", json=APP_REPORT,
                       headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f'"{key}"'})


def count(app, model) -> int:
    with app.app_context():
        try:
            return db.session.scalar(sa.select(sa.func.count()).select_from(model))
        finally:
            db.session.remove()


def test_the_api_answers_503_while_the_database_is_down_and_serves_again_once_it_is_back(live, cluster):
    app, token = live
    client = app.test_client()
    assert post_report(client, token, "voor").status_code == 201  # the pool holds a live connection now

    cluster.stop()
    down = post_report(client, token, "tijdens")

    assert down.status_code == 503 and down.mimetype == "application/problem+json"
    assert int(down.headers["Retry-After"]) > 0
    assert down.json["status"] == 503 and "reference" not in down.json and down.json["detail"]

    cluster.start()
    again = post_report(client, token, "tijdens")  # the client's retry with the same key
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert count(app, Report) == 2 and count(app, IdempotencyRecord) == 2


def test_the_webform_answers_a_dutch_503_page_while_the_database_is_down_and_stores_the_retry_once(live, cluster):
    app, _ = live
    client = app.test_client()
    address = client.get("/melden").headers["Location"]  # the form's own address, and this browser's key
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', client.get(address).get_data(as_text=True))[1]

    cluster.stop()
    for down in (client.get(address), client.post(address, data=WEBFORM | {"form_key": key})):
        page = down.get_data(as_text=True)
        assert down.status_code == 503 and down.mimetype == "text/html", page
        assert int(down.headers["Retry-After"]) > 0 and down.headers["Cache-Control"] == "no-store"
        assert "Even niet bereikbaar" in page and 'lang="nl"' in page and "GDT-" not in page

    cluster.start()
    stored = client.post(address, data=WEBFORM | {"form_key": key})
    assert stored.status_code == 303 and "/melden/ontvangen?formulier=" in stored.headers["Location"]
    repeated = client.post(address, data=WEBFORM | {"form_key": key})  # the browser sends the form once more
    assert repeated.status_code == 303 and "herhaald=1" in repeated.headers["Location"]
    assert count(app, Report) == 1


def test_after_a_restart_the_pool_replaces_its_dead_connections_without_an_error(live, cluster):
    app, token = live
    client = app.test_client()
    for number in range(3):  # more connections in the pool, all of them cut by the restart
        assert post_report(client, token, f"voor-{number}").status_code == 201

    cluster.restart()

    answers = [post_report(client, token, f"na-{number}").status_code for number in range(3)]
    assert answers == [201, 201, 201]
    assert client.get("/melden", follow_redirects=True).status_code == 200


class RestartingInbox(Inbox):
    """The SMTP sink that stops PostgreSQL the moment it accepts a message and starts it DOWN_FOR seconds
    later: the mail is out, and the worker cannot record it."""

    def __init__(self, cluster: Cluster):
        super().__init__()
        self.cluster, self.armed, self.back = cluster, True, threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if self.armed:
            self.armed = False
            self.cluster.stop()
            threading.Timer(DOWN_FOR, self._start).start()
        return answer

    def _start(self):
        self.cluster.start()
        self.back.set()


@pytest.mark.timeout(90)
def test_a_receipt_sent_while_the_database_restarts_is_recorded_once_it_is_back_and_never_sent_again(
        app, cluster, tmp_path):
    with RedisServer() as redis_server, RestartingInbox(cluster) as inbox, receipt_worker(
            app, cluster, redis_server, inbox, tmp_path, CLAIM_SECONDS, OUTBOX_REPUBLISH_AFTER_SECONDS=1) as (
            worker_app, worker):
        reference = register_receipt_report(worker_app)
        assert inbox.back.wait(30), "the worker never mailed the receipt"
        message = wait_for_processing(worker_app)
        assert outbox_relay_finds_nothing(worker_app)  # processed: nothing is sent again, claim or not

    [(recipients, mail)] = inbox.received
    assert recipients == ["anna@example.nl"] and reference in mail["Subject"]
    assert re.fullmatch(rf"<outbox-{message.id}-[0-9a-f]{{16}}@[^>]+>", mail["Message-ID"].strip())
    assert message.attempts == 0 and message.claimed_until is None
    assert "recording message" in worker.log()  # it did have to try again


class RefusingInbox(Inbox):
    """The SMTP sink that stops PostgreSQL and answers "try again later" to the first message, starting the
    database DOWN_FOR seconds later: the sending failed, and the worker cannot hand the message back at once."""

    def __init__(self, cluster: Cluster):
        super().__init__()
        self.cluster, self.armed = cluster, True

    async def handle_DATA(self, server, session, envelope):
        if not self.armed:
            return await super().handle_DATA(server, session, envelope)
        self.armed = False
        self.cluster.stop()
        threading.Timer(DOWN_FOR, self.cluster.start).start()
        return "451 4.3.0 Try again later"


@pytest.mark.timeout(90)
def test_a_receipt_that_failed_while_the_database_went_down_is_sent_once_it_is_back_not_after_the_claim(
        app, cluster, tmp_path):
    long_claim = 300  # without handing it back, the message would wait this long
    with RedisServer() as redis_server, RefusingInbox(cluster) as inbox, receipt_worker(
            app, cluster, redis_server, inbox, tmp_path, long_claim) as (worker_app, worker):
        register_receipt_report(worker_app)
        started = time.monotonic()
        message = wait_for_processing(worker_app, timeout=45)
        waited = time.monotonic() - started

    assert len(inbox.received) == 1 and message.claimed_until is None
    assert waited < long_claim / 5, f"the receipt waited {waited:.0f} s"
    assert "keeps its claim" not in worker.log()


@contextlib.contextmanager
def receipt_worker(app, cluster: Cluster, redis_server: RedisServer, inbox: Inbox, tmp_path, claim_seconds: int,
                   **settings):
    """An app and a Celery worker on `cluster`, Redis as the broker and `inbox` as the mail server, the schema and
    reference data made; yields (app, worker) and prints the worker's log at the end."""
    worker_app = app_on(cluster.url, CELERY=config.TestConfig.CELERY | {
        "broker_url": redis_server.url, "task_always_eager": False}, OUTBOX_CLAIM_SECONDS=claim_seconds, **settings)
    worker = CeleryWorker({"DATABASE_URL": cluster.url, "REDIS_URL": redis_server.url, "SMTP_HOST": "127.0.0.1",
                           "SMTP_PORT": str(inbox.port), "SECRET_KEY": config.TestConfig.SECRET_KEY,
                           "GDT_INSTANCE_DIR": str(tmp_path / "instance"),
                           "OUTBOX_CLAIM_SECONDS": str(claim_seconds)}, tmp_path / "worker.log")
    try:
        with worker_app.app_context():
            db.create_all()
            reference_data.ensure_defaults()
        worker.start()
        yield worker_app, worker
    finally:
        worker.kill()
        print(worker.log()[-6000:])
        with worker_app.app_context():
            db.session.remove()
            db.engine.dispose()
        app.extensions["celery"].set_default()


def register_receipt_report(worker_app) -> str:
    """A phone report whose reporter gets a receipt: the commit nudges the worker through Redis."""
    with worker_app.app_context():
        coordinator = users.create_user("regisseur@gemeente.example.nl", "Rita Regisseur", "coordinator",
                                        "een-lang-test-wachtwoord", actor=None)
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Harde muziek", postcode="5611AB", house_number="1",
            reporter_name="Anna de Vries", reporter_email="anna@example.nl", reporter_may_contact=True),
            actor=coordinator)
        reference = report.reference
        db.session.remove()
    return reference


def wait_for_processing(app, timeout: float = 30.0) -> OutboxMessage:
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            try:
                message = db.session.scalars(sa.select(OutboxMessage).where(
                    OutboxMessage.topic == receipts.TOPIC)).one()
                if message.processed_at is not None:
                    db.session.expunge(message)
                    return message
            except sa.exc.OperationalError:
                pass  # still restarting
            finally:
                db.session.remove()
        if time.monotonic() > deadline:
            pytest.fail(f"the receipt was not recorded as sent within {timeout:g} s")
        time.sleep(0.2)


def outbox_relay_finds_nothing(app) -> bool:
    from gdt.services.core import outbox

    with app.app_context():
        try:
            return outbox.relay_once().published == 0
        finally:
            db.session.remove()
