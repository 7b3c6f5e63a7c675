"""Benchmark: app intake (POST /api/v1/reports) under gunicorn + PostgreSQL, against a bare endpoint.

Run from the repository root:

    .venv/bin/python bench/intake.py [--clients 8] [--requests 3000] [--workers 4]

Starts a throwaway PostgreSQL (tests/postgres.py) and Redis (tests/redis.py, the Celery broker as in
production), migrates the database, creates an app API client, then
runs a raw endpoint (Flask + its own psycopg connection), a bare endpoint on the application's stack
(Flask + Flask-SQLAlchemy; both parse the JSON, one INSERT, COMMIT) and the real application one
after the other under gunicorn on loopback, and sends the same load to each: N client threads with
keep-alive connections, each POST with its own Idempotency-Key. Prints throughput and latency
percentiles, and the ratio of the two throughputs (target: GDT ≥ 70 % of the bare endpoint).
"""
import argparse
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import psycopg

from tests.postgres import temporary_postgresql
from tests.redis import temporary_redis

BODY = {
    "category": "geluidsoverlast", "description": "Harde muziek tot diep in de nacht, al drie weken.",
    "location": {"postcode": "5611 AB", "house_number": 12, "house_number_addition": "a", "street": "Stationsplein",
                 "city": "Eindhoven"},
    "reporter": {"name": "Piet de Vries", "email": "piet@example.nl", "phone": "0612345678", "anonymous": False,
                 "may_contact": False},  # no receipt: the web path is measured, mail is the worker's job
}
RECEIPT_BODY = BODY | {"reporter": BODY["reporter"] | {"may_contact": True}}


def main() -> None:
    options = _options()
    with temporary_postgresql("gdt_bench") as url, temporary_redis() as redis_url:
        # As in production: Redis is the broker, so the outbox hands the receipt to a worker (none runs
        # here: the web path is measured, and the messages simply wait in Redis).
        # gunicorn.conf.py as in production (gthread, 4 threads per worker), except: no access log line per request
        # and no recycling of workers every 1 000 requests, which would time app start-ups rather than requests.
        env = os.environ | {"DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": "bench-only",
                            "GDT_INSTANCE_DIR": "/tmp/gdt-bench", "GDT_ACCESS_LOG": "", "GDT_WEB_MAX_REQUESTS": "0"}
        _prepare(url, env)
        token = _client_token(env)
        results = {}
        for target in ("raw", "bare", "gdt"):
            with _gunicorn(
                target, options.workers, env | {"BENCH_TARGET": target, "BARE_DATABASE_URL": _psycopg(url)}
            ) as port:
                headers = {"Authorization": f"Bearer {token}"} if target == "gdt" else {}
                body = json.dumps(RECEIPT_BODY if options.receipt else BODY)
                _load(port, headers, body, options.clients, min(200, options.requests))  # warm-up
                results[target] = _load(port, headers, body, options.clients, options.requests)
        _report(options, results)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--receipt", action="store_true",
                        help="the reporter may be contacted: each report also queues a receipt (an outbox row, "
                             "published to Redis after the answer; no worker runs, so the messages wait there)")
    return parser.parse_args()


def _psycopg(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _prepare(url: str, env: dict) -> None:
    _flask(env, "db", "upgrade")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from gdt import create_app; from gdt.services.core import reference_data; "
            "app = create_app(); app.app_context().push(); reference_data.ensure_defaults()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with psycopg.connect(_psycopg(url), autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE bench_bare (id bigserial PRIMARY KEY, body jsonb NOT NULL, "
            "received_at timestamptz NOT NULL DEFAULT now())"
        )


def _client_token(env: dict) -> str:
    output = _flask(env, "api-clients", "create", "bench-app", "--channel", "app")
    return next(word for word in output.split() if word.startswith("gdtc_"))


def _flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


class _gunicorn:
    def __init__(self, target: str, workers: int, env: dict):
        self.target, self.workers, self.env = target, workers, env

    def __enter__(self) -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                f"bench.intake_servers:{self.target}",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self.port
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _load(port: int, headers: dict, body: str, clients: int, total: int) -> dict:
    latencies, failures, lock = [], [], threading.Lock()
    per_client = total // clients

    def run() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            connection.request(
                "POST",
                "/api/v1/reports",
                body=body,
                headers=headers | {"Content-Type": "application/json", "Idempotency-Key": f'"{uuid.uuid4()}"'},
            )
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 201:
                with lock:
                    failures.append(response.status)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    pick = lambda share: latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000  # noqa: E731
    return {
        "requests": len(latencies),
        "failures": len(failures),
        "seconds": elapsed,
        "throughput": len(latencies) / elapsed,
        "p50": pick(0.50),
        "p90": pick(0.90),
        "p99": pick(0.99),
    }


def _report(options: argparse.Namespace, results: dict) -> None:
    print(
        f"\nmachine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"gunicorn -w {options.workers}; {options.clients} clients; {options.requests} requests each run\n"
    )
    print(f"{'endpoint':<10} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'failed':>7}")
    for target, figures in results.items():
        print(
            f"{target:<10} {figures['throughput']:8.0f} {figures['p50']:8.1f} {figures['p90']:8.1f} "
            f"{figures['p99']:8.1f} {figures['failures']:7d}"
        )
    for yardstick in ("bare", "raw"):
        ratio = results["gdt"]["throughput"] / results[yardstick]["throughput"]
        print(f"GDT throughput / {yardstick} throughput = {ratio:.2f}")


if __name__ == "__main__":
    main()
