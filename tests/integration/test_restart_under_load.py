"""PostgreSQL restarted and a web worker killed while reports pour in, on real processes.

gunicorn (2 workers × 4 threads) serves the real app, a Celery worker sends the receipts to an SMTP sink,
`flask outbox-relay` runs beside them, all on a private PostgreSQL cluster and a private Redis. Twelve
clients submit reports with their own Idempotency-Key each and, like the app, send the same request again
after a 503 (waiting for Retry-After, at most a second here) or a lost connection. Halfway PostgreSQL stops
for a second and starts again; later one gunicorn worker is SIGKILLed. Afterwards: no 500, every report
stored once with one reference, every receipt mailed, and no mail twice (the Message-ID would show it).
"""
import collections
import http.client
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import db
from gdt.models import IdempotencyRecord, OutboxMessage, Report
from gdt.services.core import reference_data, tokens
from gdt.services.intake import receipts
from tests.postgres import Cluster
from tests.processes import VENV_BIN, Process, free_port, wait_until_serving
from tests.smtp import Inbox
from tests.workers import CeleryWorker, RedisServer

pytestmark = pytest.mark.integration

REPORTS = int(os.environ.get("GDT_LOAD_TEST_REPORTS", "240"))  # more for a longer run by hand
CLIENTS = 12
DOWN_FOR = 1.0  # seconds PostgreSQL stays stopped


@pytest.fixture
def cluster(request):
    if not request.config.getoption("--postgres"):
        pytest.skip("restarts a PostgreSQL cluster: run with --postgres")
    with Cluster("gdt_load") as private:
        yield private


class Tally:
    """What the clients saw, counted across threads."""

    def __init__(self):
        self.lock, self.statuses, self.errors = threading.Lock(), collections.Counter(), collections.Counter()
        self.references: dict[str, str] = {}
        self.replayed = self.missing_retry_after = 0

    def add(self, **counts) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def report_body(number: int) -> dict:
    return {"category": "geluidsoverlast", "description": f"Harde muziek, melding {number}",
            "location": {"postcode": "5611AB", "house_number": 12},
            "reporter": {"name": "Anna de Vries", "email": f"melder{number}@example.nl", "may_contact": True}}


def submit(base_url: str, token: str, number: int, tally: Tally) -> None:
    """Send one report until it is accepted, with the same key and body every time, as the app does."""
    body, key = json.dumps(report_body(number)).encode(), f'"last-{number:04d}"'
    for _ in range(200):
        request = urllib.request.Request(f"{base_url}/api/v1/reports", data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer, headers = json.loads(response.read()), response.headers
                with tally.lock:
                    tally.statuses[response.status] += 1
                    tally.references[key] = answer["reference"]
                tally.add(replayed=int(headers.get("Idempotent-Replayed") == "true"))
                return
        except urllib.error.HTTPError as refused:
            with tally.lock:
                tally.statuses[refused.code] += 1
            if refused.code not in (503, 409, 500):  # a 500 is retried too, as a client would: the test fails on it
                return
            retry_after = refused.headers.get("Retry-After")
            tally.add(missing_retry_after=int(refused.code == 503 and not retry_after))
            time.sleep(min(float(retry_after or 1), 1.0))
        except (OSError, http.client.HTTPException) as lost:  # a killed worker: reset, or no answer at all
            with tally.lock:
                tally.errors[type(getattr(lost, "reason", lost)).__name__] += 1
            time.sleep(0.2)


def count(app, query) -> int:
    with app.app_context():
        try:
            return db.session.scalar(query)
        finally:
            db.session.remove()


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.timeout(180 + REPORTS // 10)
def test_a_database_restart_and_a_killed_web_worker_under_load_lose_nothing_and_double_nothing(
        app, cluster, tmp_path, request):
    class SetupConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = cluster.url
        SQLALCHEMY_ENGINE_OPTIONS = config.engine_options(cluster.url)

    setup = create_app(SetupConfig)
    request.addfinalizer(lambda: dispose(setup))  # also when an assertion fails: no connection outlives the test
    app.extensions["celery"].set_default()
    with setup.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        token = tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1]
        db.session.remove()

    processes: list[Process] = []
    with RedisServer() as redis_server, Inbox() as inbox:
        environment = {"DATABASE_URL": cluster.url, "REDIS_URL": redis_server.url, "SMTP_HOST": "127.0.0.1",
                       "SMTP_PORT": str(inbox.port), "SECRET_KEY": config.TestConfig.SECRET_KEY,
                       "GDT_INSTANCE_DIR": str(tmp_path / "instance"), "MAIL_FROM": "gdt@gemeente.example.nl",
                       "OUTBOX_REPUBLISH_AFTER_SECONDS": "10", "PYTHONUNBUFFERED": "1"}
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        worker = CeleryWorker(environment, tmp_path / "worker.log", concurrency=2)
        try:
            web = Process([str(VENV_BIN / "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4", "-b",
                           f"127.0.0.1:{port}", "tests.integration.load_wsgi:app"], environment,
                          tmp_path / "gunicorn.log")
            processes.append(web)
            processes.append(Process([str(VENV_BIN / "flask"), "--app", "wsgi", "outbox-relay", "--interval", "1"],
                                     environment, tmp_path / "relay.log"))
            worker.start()
            wait_until_serving(base_url, web)

            tally, started = Tally(), time.monotonic()
            numbers = iter(range(REPORTS))
            numbers_lock = threading.Lock()

            def client():
                while True:
                    with numbers_lock:
                        number = next(numbers, None)
                    if number is None:
                        return
                    submit(base_url, token, number, tally)

            def accepted() -> int:
                with tally.lock:
                    return len(tally.references)

            threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
            for thread in threads:
                thread.start()
            events = []
            while accepted() < REPORTS // 3 and any(thread.is_alive() for thread in threads):
                time.sleep(0.05)
            events.append(f"PostgreSQL stopped for {DOWN_FOR:g} s after {accepted()} reports")
            cluster.stop()
            time.sleep(DOWN_FOR)
            cluster.start()
            while accepted() < 2 * REPORTS // 3 and any(thread.is_alive() for thread in threads):
                time.sleep(0.05)
            victim = web.children()[0]
            os.kill(victim, signal.SIGKILL)
            events.append(f"gunicorn worker {victim} killed after {accepted()} reports")
            for thread in threads:
                thread.join(timeout=120)
            submitted_in = time.monotonic() - started

            mails = inbox.wait_for(REPORTS, timeout=60 + REPORTS / 20)
            time.sleep(2)  # room for a late duplicate
            mails_in = time.monotonic() - started
        finally:
            worker.kill()
            for process in processes:
                process.kill()
        for name, log in (("gunicorn", web.log()), ("worker", worker.log())):
            print(f"--- {name} ---\n{log[-4000:]}")  # shown when the test fails

    message_ids = collections.Counter(message["Message-ID"].strip() for _, message in inbox.received)
    figures = {
        "reports": REPORTS, "clients": CLIENTS, "events": events, "statuses": dict(tally.statuses),
        "connection errors": dict(tally.errors), "replayed": tally.replayed,
        "submitted in s": round(submitted_in, 1), "mailed in s": round(mails_in, 1), "mails": len(mails),
        "duplicate mails": sum(seen - 1 for seen in message_ids.values()),
    }
    print(json.dumps(figures, indent=1))
    assert not any(thread.is_alive() for thread in threads)
    assert 500 not in tally.statuses and set(tally.statuses) <= {201, 503, 409}, figures
    assert tally.missing_retry_after == 0, figures
    assert len(tally.references) == REPORTS and len(set(tally.references.values())) == REPORTS, figures
    assert count(setup, sa.select(sa.func.count()).select_from(Report)) == REPORTS  # 0 lost, 0 duplicates
    assert count(setup, sa.select(sa.func.count()).select_from(IdempotencyRecord)) == REPORTS
    assert count(setup, sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.topic == receipts.TOPIC, OutboxMessage.processed_at.is_not(None))) == REPORTS
    assert len(message_ids) == REPORTS and figures["duplicate mails"] == 0, figures
