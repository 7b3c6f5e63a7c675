"""Benchmark: what the audit chain costs a write, with one and with several writers, and how fast verify reads.

Run from the repository root:

    .venv/bin/python bench/audit_chain.py [--events 10000] [--writers 1,8] [--verify-events 200000]

Starts a throwaway PostgreSQL (tests/postgres.py) and, for each number of writers, writes N audit events with
`audit.record_now` (one transaction per event, as an audited view writes it) from that many threads, each with its
own connection: once with the chain (AUDIT_CHAIN_SHARDS chains a day) and once with `audit_chain.link` replaced by
a stand-in that only sets the time (the INSERT alone, as before the chain). Then times `audit_verify.check()` over
everything written, and over a larger trail loaded in bulk (`--verify-events`).
"""
import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # instead of bench/, whose statistics.py would shadow the standard library's

from statistics import median

import sqlalchemy as sa

from bench.common import bench_app
from gdt.db import db
from gdt.models import AuditEvent
from gdt.services.core import audit, audit_chain, audit_verify
from gdt.services.core.transaction import unit_of_work
from tests.postgres import temporary_postgresql


def main() -> None:
    options = _options()
    writer_counts = [int(count) for count in options.writers.split(",")]
    with temporary_postgresql("gdt_bench") as url:
        app = bench_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": max(writer_counts) + 2})
        with app.app_context():
            db.create_all()
            db.session.remove()
        print(f"machine: {os.cpu_count()} CPUs; {options.events} events per run, one transaction each; "
              f"AUDIT_CHAIN_SHARDS={app.config['AUDIT_CHAIN_SHARDS']}")
        print("| writers | chain | events/s | p50 ms | p95 ms |")
        print("|---:|---|---:|---:|---:|")
        for writers in writer_counts:
            for chained in (False, True):
                rate, latencies = _write(app, options.events, writers, chained)
                ms = sorted(value * 1000 for value in latencies)
                print(f"| {writers} | {'yes' if chained else 'no'} | {rate:.0f} | {median(ms):.2f} | "
                      f"{ms[int(len(ms) * 0.95)]:.2f} |")
        with app.app_context():
            _time_verify("written above")
            _bulk_chained(options.verify_events)
            _time_verify("with the bulk trail")


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--writers", default="1,8", help="comma-separated numbers of concurrent writers")
    parser.add_argument("--verify-events", type=int, default=200_000)
    return parser.parse_args()


def _write(app, count: int, writers: int, chained: bool) -> tuple[float, list[float]]:
    link = audit_chain.link
    if not chained:
        audit_chain.link = lambda event: setattr(event, "occurred_at", audit_chain._clock())
    latencies, barrier = [], threading.Barrier(writers + 1)

    def run(share: int) -> None:
        with app.app_context():
            barrier.wait()
            own = []
            for n in range(share):
                started = time.perf_counter()
                audit.record_now(None, "view", "report", f"GDT-2026-{n:06d}", detail={"fields": ["description"]})
                own.append(time.perf_counter() - started)
            latencies.extend(own)
            db.session.remove()

    threads = [threading.Thread(target=run, args=(count // writers,)) for _ in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    audit_chain.link = link
    if not chained:  # written without the chain: verify would rightly call them inserted
        with app.app_context():
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.chain_key.is_(None)))
            db.session.commit()
            db.session.remove()
    return len(latencies) / elapsed, latencies


def _bulk_chained(count: int) -> None:
    """`count` events through the real linking, a thousand per transaction (fast to load, the same chains)."""
    for start in range(0, count, 1000):
        with unit_of_work():
            for n in range(start, min(count, start + 1000)):
                audit.record(None, "view", "report", f"GDT-2026-{n:06d}", detail={"fields": ["description"]})
    db.session.execute(sa.text("ANALYZE audit_events"))
    db.session.commit()


def _time_verify(label: str) -> None:
    db.session.remove()
    started = time.perf_counter()
    result = audit_verify.check()
    elapsed = time.perf_counter() - started
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert result.problems == [], result.problems[:5]
    print(f"verify ({label}): {result.events} chained events of {total} in {result.chains} chains in "
          f"{elapsed:.2f} s ({result.events / elapsed:.0f} events/s)")
    db.session.remove()


if __name__ == "__main__":
    main()
