"""Request metrics across gunicorn's worker processes: with PROMETHEUS_MULTIPROC_DIR every scrape, whichever
process answers it, counts every process's requests, also those of a process that was killed meanwhile.

Gunicorn runs with the Procfile's web command and gunicorn.conf.py (2 processes of 1 thread each), on a SQLite
database prepared with `flask db upgrade`.
"""
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from honcho.environ import parse_procfile

import config
from tests.operations import samples
from tests.redis import _free_port

pytestmark = pytest.mark.integration

TOKEN = "gunicorn-metrics-" + "m" * 32
LIVE = ("gdt_http_requests_total", (("endpoint", "health.live"), ("method", "GET"), ("status", "200")))


def get(base: str, path: str, **headers) -> urllib.request.addinfourl:
    request = urllib.request.Request(base + path, headers={"Connection": "close"} | headers)
    return urllib.request.urlopen(request, timeout=10)


def scrape(base: str) -> dict:
    with get(base, "/metrics", Authorization=f"Bearer {TOKEN}") as answer:
        return samples(answer.read().decode())


def process_files(directory: Path) -> set[int]:
    return {int(match.group(1)) for path in directory.glob("*.db")
            if (match := re.fullmatch(r"(?:counter|histogram)_(\d+)\.db", path.name))}


@pytest.fixture
def gunicorn(tmp_path):
    database = f"sqlite:///{tmp_path / 'gdt.sqlite'}"
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_99999.db").write_bytes(b"a file of an earlier run")
    port = _free_port()
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith(("GDT_", "METRICS_", "PROMETHEUS_")) and name not in (
                       "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "WEB_CONCURRENCY")}
    environment |= {"DATABASE_URL": database, "GDT_INSTANCE_DIR": str(tmp_path / "instance"),
                    "SECRET_KEY": "gunicorn-metrics-" + "s" * 32, "METRICS_TOKEN": TOKEN,
                    "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "GDT_BIND": f"127.0.0.1:{port}",
                    "WEB_CONCURRENCY": "2", "GDT_WEB_THREADS": "1", "GDT_ACCESS_LOG": ""}
    upgrade = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=config.BASE_DIR,
                             env=environment, capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    command = parse_procfile((config.BASE_DIR / "Procfile").read_text()).processes["web"].split()
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=config.BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(base, "/health/live").close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(f"gunicorn did not start:\n{log_path.read_text()}") from None
                time.sleep(0.1)
        yield base, metrics_dir
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(40)


def test_every_scrape_counts_the_requests_of_every_web_process(gunicorn):
    base, metrics_dir = gunicorn
    assert 99999 not in process_files(metrics_dir)  # the earlier run's file went at start
    sent = 1  # the start-up probe
    while len(process_files(metrics_dir)) < 2 and sent < 1000:  # until both processes have answered some
        get(base, "/health/live").close()
        sent += 1
    assert len(process_files(metrics_dir)) == 2, "one process answered everything"

    for _ in range(8):  # answered by either process, each time the sum of both (alone each has only its share)
        assert scrape(base)[LIVE] == sent

    victim = min(process_files(metrics_dir))
    os.kill(victim, signal.SIGKILL)  # gunicorn starts another in its place
    deadline = time.monotonic() + 30
    while True:
        try:
            assert scrape(base)[LIVE] == sent  # the killed process's requests still count
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    get(base, "/health/live").close()
    assert scrape(base)[LIVE] == sent + 1
