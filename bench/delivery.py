"""Benchmark: referral delivery through the real chain, and the outbox relay's throughput.

Run from the repository root:

    .venv/bin/python bench/delivery.py [--referrals 200] [--messages 10000] [--concurrency 2]

Starts a throwaway PostgreSQL (tests/postgres.py), Redis (tests/workers.py), an SMTP server (aiosmtpd,
tests/smtp.py) and a real `celery -A worker.app worker` process, then measures:

1. delivery latency: a coordinator refers reports one after the other (the service call the triage page
   makes); from that call to the partner's mail arriving at the SMTP server: the refer's transaction,
   the after-commit nudge, Redis, the worker, `routing.deliver` and SMTP;
2. relay throughput: N unpublished outbox messages (as a Redis outage leaves them) are handed to Redis
   by `outbox.relay_once()` batches, timed; then the time until the worker has processed them all.
"""
import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # instead of bench/, whose statistics.py would shadow the standard library's

from statistics import median

import config
from gdt import create_app
from gdt.db import db, utcnow
from gdt.models import OutboxMessage, Referral
from gdt.services.admin import partners, users
from gdt.services.core import outbox, reference_data
from gdt.services.intake import report_intake
from gdt.services.triage import report_triage
from tests.postgres import temporary_postgresql
from tests.smtp import Inbox
from tests.workers import CeleryWorker, RedisServer

REPORT = dict(category="geluidsoverlast", description="Harde muziek tot diep in de nacht.", postcode="5611AB",
              house_number="12", reporter_is_anonymous=True)


def main() -> None:
    options = _options()
    with temporary_postgresql("gdt_bench") as url, RedisServer() as redis, Inbox() as inbox, \
            tempfile.TemporaryDirectory() as scratch:
        app = _app(url, redis.url, inbox.port)
        with app.app_context():
            db.create_all()
            reference_data.ensure_defaults()
            police = partners.get_partner("politie")
            partners.update_partner(police, name=police.name, email="meldpunt@politie.example", kind=police.kind,
                                    actor=None)
            coordinator = users.create_user("regisseur@bench.example", "Bench", "coordinator",
                                            "een lang bench wachtwoord", actor=None)
            environment = {"DATABASE_URL": url, "REDIS_URL": redis.url, "SMTP_HOST": "127.0.0.1",
                           "SMTP_PORT": str(inbox.port), "SECRET_KEY": "bench-only",
                           "GDT_INSTANCE_DIR": scratch}
            worker = CeleryWorker(environment, Path(scratch) / "worker.log", concurrency=options.concurrency).start()
            try:
                latencies = _delivery_latency(coordinator, inbox, options.referrals)
                relay_seconds, drain_seconds = _relay_throughput(options.messages)
            finally:
                worker.kill()
    _print(options, latencies, relay_seconds, drain_seconds)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--referrals", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    return parser.parse_args()


def _app(url: str, redis_url: str, smtp_port: int):
    class BenchConfig(config.Config):
        SECRET_KEY = "bench-only"
        SQLALCHEMY_DATABASE_URI = url
        CELERY = config.Config.CELERY | {"broker_url": redis_url, "task_always_eager": False}
        SMTP_HOST, SMTP_PORT = "127.0.0.1", smtp_port
        RATELIMIT_ENABLED = False

    return create_app(BenchConfig)


def _delivery_latency(coordinator, inbox: Inbox, count: int) -> list[float]:
    latencies = []
    for _ in range(count):
        report = report_intake.register_phone_report(report_intake.ReportInput(**REPORT), actor=coordinator)
        expected = len(inbox.received) + 1
        started = time.perf_counter()
        report_triage.refer_report(report, "politie", None, actor=coordinator, seen_version=report.version)
        if len(inbox.wait_for(expected, timeout=30)) < expected:
            raise RuntimeError("a referral mail did not arrive within 30 s")
        latencies.append(time.perf_counter() - started)
    sent = db.session.query(Referral).filter_by(delivery_status="sent").count()
    assert sent == count, f"{sent} of {count} referrals sent"
    return latencies


def _relay_throughput(count: int) -> tuple[float, float]:
    """Messages for a topic whose handler finds nothing to do (a receipt for an anonymous report)."""
    anonymous = db.session.query(Referral).first().report_id
    now = utcnow()
    db.session.execute(OutboxMessage.__table__.insert(), [
        {"id": str(uuid.uuid4()), "topic": "report.received", "payload": {"report_id": anonymous},
         "created_at": now, "attempts": 0} for _ in range(count)])
    db.session.commit()
    started = time.perf_counter()
    published = 0
    while published < count:
        published += outbox.relay_once().published
    relay_seconds = time.perf_counter() - started
    deadline = time.monotonic() + 600
    while db.session.query(OutboxMessage).filter(OutboxMessage.processed_at.is_(None)).count():
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not drain the queue within 10 minutes")
        db.session.rollback()
        time.sleep(0.2)
    return relay_seconds, time.perf_counter() - started


def _print(options, latencies: list[float], relay_seconds: float, drain_seconds: float) -> None:
    ms = sorted(value * 1000 for value in latencies)
    percentile = lambda p: ms[min(len(ms) - 1, int(len(ms) * p))]  # noqa: E731
    print(f"machine: {os.cpu_count()} CPUs, worker concurrency {options.concurrency}")
    print(f"delivery latency over {len(ms)} referrals (refer call -> mail at the SMTP server): "
          f"p50 {median(ms):.1f} ms, p95 {percentile(0.95):.1f} ms, max {ms[-1]:.1f} ms")
    print(f"relay: {options.messages} messages published in {relay_seconds:.2f} s "
          f"({options.messages / relay_seconds:.0f} msg/s); all processed by the worker after {drain_seconds:.2f} s "
          f"({options.messages / drain_seconds:.0f} msg/s)")


if __name__ == "__main__":
    main()
