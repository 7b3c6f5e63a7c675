"""Benchmark: the Signalen sync (gdt.services.signalen.sync) against the local fake Signalen, on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/signalen.py [--signals 5000] [--page-size 50] [--photo-every 50]

Starts a throwaway PostgreSQL cluster and the fake Signalen of the tests (tests/fake_signalen.py) on loopback, then
times three runs: the first sync (every signal a new report, one unit of work each, the photos through the
attachments pipeline), a second sync (nothing new: only the minute of overlap is read again), and a sync after the
cursor was cleared (every page read again, every signal found and skipped: what a lost cursor costs).
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import sqlalchemy as sa

from bench.common import bench_app, create_schema
from gdt.db import db
from gdt.models import Report
from gdt.models.signalen import SignalenSync
from gdt.services.signalen import client as signalen_client
from gdt.services.signalen import sync
from tests import attachment_files as files
from tests.fake_signalen import FakeSignalen, signal
from tests.postgres import temporary_postgresql


def timed(label: str, run) -> None:
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    rate = f"{result.seen / seconds:6.0f} signals/s" if result.seen > 1 else " " * 16
    print(f"{label:<27} {seconds:7.2f} s  {rate}  {result.summary()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signals", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--photo-every", type=int, default=50)
    arguments = parser.parse_args()
    signals = [signal(number, photos=1 if arguments.photo_every and number % arguments.photo_every == 0 else 0)
               for number in range(1, arguments.signals + 1)]
    with temporary_postgresql() as url, tempfile.TemporaryDirectory() as store, \
            FakeSignalen(signals, photo=files.jpeg_with_gps()) as fake:
        app = bench_app(
            url, ATTACHMENT_DIR=store, OUTBOUND_ALLOWED_NETWORKS="127.0.0.1/32", ADDRESS_SERVICE_URL="fixture:",
            SIGNALEN_API_URL=fake.api_url, SIGNALEN_TOKEN_URL=fake.token_url, SIGNALEN_CLIENT_ID="gdt",
            SIGNALEN_CLIENT_SECRET="geheim", SIGNALEN_FILTER="directing_department=GDT",
            SIGNALEN_CATEGORY_MAP='{"overlast-van-personen-of-groepen": "geluidsoverlast"}',
            SIGNALEN_PAGE_SIZE=arguments.page_size)
        create_schema(app)
        signalen_client.forget_tokens()
        with app.app_context():
            timed("first sync (all new)", sync.sync)
            timed("second sync (nothing new)", sync.sync)
            db.session.execute(sa.update(SignalenSync).values(cursor=None))
            db.session.commit()
            timed("sync after a lost cursor", sync.sync)
            reports = db.session.scalar(sa.select(sa.func.count()).select_from(Report))
            print(f"reports: {reports} for {len(signals)} signals; list requests: {len(fake.list_requests)}")


if __name__ == "__main__":
    main()
