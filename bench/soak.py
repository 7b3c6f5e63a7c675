"""Soak: app intake (POST /api/v1/reports) at a fixed rate for ten minutes, with a PostgreSQL restart halfway.

Question (the requirement): does intake hold a fixed 100 requests per second (bounded, on loopback) for 10 minutes
with 0 errors, flat memory per web worker, the relay and the worker keeping the outbox backlog under 1 000
throughout, and does a PostgreSQL restart in the middle leave every client that retried with its Idempotency-Key
with exactly one report, and none lost?

Run from the repository root (it exits 1 when a criterion fails):

    .venv/bin/python bench/soak.py [--minutes 10] [--rate 100] [--workers 4] [--clients 16] [--down-seconds 0]

What runs, all on this machine: a throwaway PostgreSQL cluster that can be restarted (tests/postgres.py `Cluster`)
and Redis (tests/redis.py), migrated and given an app API client as bench/intake.py does; an SMTP sink (aiosmtpd, in
a process of its own) that notes every mail; and the Procfile's processes against them: gunicorn with
gunicorn.conf.py serving the real application with rate limits off (`bench.intake_servers:gdt`, -w --workers), a
Celery worker (`celery -A worker.app worker`, one pool process per CPU) and the outbox relay (`flask outbox-relay`).
Every report has an e-mail address; --receipt-share of them (all by default) also `may_contact`, so each of those
queues a receipt in the outbox: the worker has real work, and the sink's count shows whether each got exactly one
receipt (and the others none).

Two settings differ from gunicorn.conf.py's defaults: GDT_WEB_MAX_REQUESTS=0, because gunicorn otherwise replaces
each worker after about 1 000 requests, which would hide any growth ("flat memory per worker" is only measurable on
workers that live through the whole run); and GDT_ACCESS_LOG="" (no line per request).

Load: open loop at a fixed rate. Report n is planned at n / --rate seconds; --clients threads with a keep-alive
connection each send every --clients-th report at its planned time, never earlier, so the rate is bounded whatever
the server does. A thread held up by retries sends its overdue reports at once when it is free again. Latency is
from the planned time to the 201 (a late start counts). Each report has its own Idempotency-Key; a connection error,
a timeout, 409, 429 or 5xx (503 while the database is down) is retried with the same key and body after a short
back-off (0.2 s, doubling, at most 2 s; Retry-After is not waited for), until 201. A report without a 201 after
60 s, or with any other answer, is an error.

At half time PostgreSQL is restarted (`pg_ctl -m fast` stop, then start: every connection is cut; with
--down-seconds it stays stopped that long in between, for a longer outage than a restart of a small cluster). The
outbox backlog (messages not yet processed) is counted every second, and every 10 s a line shows it with the
resident memory (VmRSS) of each gunicorn worker and of the Celery worker's processes, and how busy the machine's
CPUs were. At the end the script waits for the backlog to drain, then checks the database: one report per key that
got a 201, the reference each client was given, and the receipts the sink received. Memory growth is measured from
the sample at 1 minute (after warm-up) to the end; latency is also shown without the restart window (the restart
until the last report it held up was answered) and without the first 10 s (each process's first requests).
"""
import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import platform
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import psycopg
from aiosmtpd.controller import Controller

from bench.intake import BODY, _client_token, _prepare, _psycopg
from tests.postgres import Cluster
from tests.redis import temporary_redis
from tests.workers import CeleryWorker, Program

# Every report asks for a receipt, so every report queues an outbox message and a mail.
SOAK_BODY = BODY | {"reporter": BODY["reporter"] | {"may_contact": True}}
SILENT_BODY = BODY | {"reporter": BODY["reporter"] | {"may_contact": False}}  # no receipt: nothing for the worker
RETRIED_STATUSES = {409, 429}  # an earlier attempt still being written; a rate limit (off here). And every 5xx.
ATTEMPT_TIMEOUT = 15.0  # seconds per attempt; gunicorn's own worker timeout is 60
GIVE_UP_AFTER = 60.0  # seconds from a report's first attempt
FIRST_BACKOFF, MAX_BACKOFF = 0.2, 2.0
SAMPLE_EVERY = 10  # seconds between sample lines (the backlog is counted every second)
BASELINE_AT = 60.0  # the memory sample growth is measured from, in seconds
BACKLOG_LIMIT = 1000
RSS_GROWTH_LIMIT = 0.10
DRAIN_TIMEOUT = 180.0  # seconds the backlog may take to reach 0 after the load
COLD_SECONDS = 10  # the first seconds, while each process does its first-request work, shown apart
LATE = 1.0  # seconds: a report answered later than this after its planned time was held up (restart window)


@dataclass
class Submission:
    """One logical report: its key, when it was planned and answered (seconds since the load began)."""

    key: str
    planned: float
    body: str = ""
    attempts: int = 0
    answered: float | None = None
    reference: str | None = None
    replayed: bool = False
    error: str | None = None
    failed_attempts: list[str] = field(default_factory=list)  # "503", "ConnectionRefusedError", …


def main() -> None:
    options = _options()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the finally blocks below stop every process
    logs = Path(tempfile.mkdtemp(prefix="gdt-soak-"))
    print(f"logs and instance folder: {logs}")
    with Cluster("gdt_soak") as cluster, temporary_redis() as redis_url, _SmtpSink(logs / "mails.tsv") as sink, \
            contextlib.ExitStack() as stack:
        env = _environment(cluster.url, redis_url, sink.port, logs)
        _prepare(cluster.url, env)
        token = _client_token(env)
        web, port = _start_web(env, options.workers, logs, stack)
        celery = CeleryWorker(env, logs / "worker.log", concurrency=os.cpu_count() or 1).start()
        stack.callback(celery.kill)
        relay = Program([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "outbox-relay"], env, logs / "relay.log")
        stack.callback(relay.start().stop)
        print(f"gunicorn -w {options.workers} on port {port}, a Celery worker and the relay are up; "
              f"{options.rate:g} req/s for {options.minutes:g} min from {options.clients} clients\n")
        conninfo = _psycopg(cluster.url)
        load = Load(port, token, options.rate, options.clients, options.minutes * 60, options.receipt_share)
        stack.callback(load.stop.set)
        watch = Watch(load, Restart(cluster, load, options.down_seconds), conninfo,
                      {"web": web, "celery": celery, "relay": relay})
        watch.run()
        drained = watch.drain()
        mails = sink.wait_for(len(load.answered()), timeout=30)
        verdict = _verify(conninfo, load, mails)
        passed = _report(options, load, watch, drained, verdict)
    sys.exit(0 if passed else 1)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=100, help="requests per second, in total")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--clients", type=int, default=16, help="client threads sharing the rate")
    parser.add_argument("--receipt-share", type=float, default=1.0,
                        help="share of the reports whose reporter may be contacted and so gets a receipt (0–1)")
    parser.add_argument("--down-seconds", type=float, default=0,
                        help="keep PostgreSQL stopped this long before starting it again (default: restart at once)")
    return parser.parse_args()


def _environment(url: str, redis_url: str, smtp_port: int, logs: Path) -> dict:
    """What every process gets: the private servers and nothing from the caller's GDT settings."""
    kept = {name: os.environ[name] for name in Program.KEPT if name in os.environ}
    return kept | {
        "DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": "bench-only", "GDT_INSTANCE_DIR": str(logs / "i"),
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "MAIL_FROM": "gdt@bench.invalid",
        "PYTHONUNBUFFERED": "1",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pid(process: CeleryWorker | Program) -> int:
    return process._process.pid  # tests/workers.py keeps its Popen to itself; the pid is all that is read here


# --- the processes -------------------------------------------------------------------------------------------------

def _start_web(env: dict, workers: int, logs: Path, stack: contextlib.ExitStack) -> tuple[Program, int]:
    """gunicorn with gunicorn.conf.py on a free port, once every worker is up and one answers."""
    port = _free_port()
    web = Program(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "-w", str(workers), "-b",
         f"127.0.0.1:{port}", "bench.intake_servers:gdt"],
        env | {"BENCH_TARGET": "gdt", "GDT_WEB_MAX_REQUESTS": "0", "GDT_ACCESS_LOG": ""},
        logs / "web.log",
    )
    stack.callback(web.start().stop)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not web.running():
            raise RuntimeError(f"gunicorn exited at start:\n{web.log()[-4000:]}")
        if len(_children(_pid(web))) == workers and _answers(port, "/health/live"):
            return web, port
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not serve within 60 s:\n{web.log()[-4000:]}")


def _answers(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


class _SmtpSink:
    """An SMTP server in a process of its own (its work must not take the load generator's CPU time under the
    GIL) that writes one line per mail: the subject's last word (the receipt's reference) and the Message-ID."""

    def __init__(self, path: Path):
        self.path, self.port = path, _free_port()

    def __enter__(self) -> "_SmtpSink":
        self.path.touch()
        self.process = multiprocessing.get_context("spawn").Process(
            target=_serve_smtp, args=(self.port, str(self.path)), daemon=True)
        self.process.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return self
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("the SMTP sink did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.join(10)

    def mails(self) -> list[tuple[str, str]]:
        lines = self.path.read_text().splitlines()
        return [tuple(line.split("\t", 1)) for line in lines if "\t" in line]

    def wait_for(self, count: int, timeout: float) -> list[tuple[str, str]]:
        deadline = time.monotonic() + timeout
        while len(mails := self.mails()) < count and time.monotonic() < deadline:
            time.sleep(0.5)
        return mails


class _MailNotes:
    def __init__(self, path: str):
        self.path, self.parser = path, BytesHeaderParser(policy=policy.default)

    async def handle_DATA(self, server, session, envelope) -> str:
        headers = self.parser.parsebytes(envelope.content)
        reference = str(headers["Subject"] or "").rpartition(" ")[2]
        with open(self.path, "a") as notes:
            notes.write(f"{reference}\t{headers['Message-ID']}\n")
        return "250 OK"


def _serve_smtp(port: int, path: str) -> None:
    Controller(_MailNotes(path), hostname="127.0.0.1", port=port).start()
    threading.Event().wait()


# --- the load ------------------------------------------------------------------------------------------------------

class Load:
    """--clients threads sharing a fixed rate; report n is planned at n / rate seconds after `origin`."""

    def __init__(self, port: int, token: str, rate: float, clients: int, seconds: float, receipt_share: float):
        self.port, self.rate, self.clients, self.seconds = port, rate, clients, seconds
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.bodies = json.dumps(SOAK_BODY), json.dumps(SILENT_BODY)
        self.receipt_share = receipt_share
        self.stop, self.lock = threading.Event(), threading.Lock()
        self.submissions: list[Submission] = []
        self.recent: list[float] = []  # latencies of the 201s since the last sample line
        self.retrying = 0
        self.origin = 0.0
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        self.origin = time.monotonic() + 0.1
        self.threads = [threading.Thread(target=self._client, args=(index,), daemon=True)
                        for index in range(self.clients)]
        for thread in self.threads:
            thread.start()

    def now(self) -> float:
        return time.monotonic() - self.origin

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def answered(self) -> list[Submission]:
        return [submission for submission in self.submissions if submission.reference is not None]

    def _client(self, index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=ATTEMPT_TIMEOUT)
        number = index
        while (planned := number / self.rate) < self.seconds and not self.stop.is_set():
            wait = planned - self.now()
            if wait > 0 and self.stop.wait(wait):
                break
            submission = Submission(key=str(uuid.uuid4()), planned=planned,
                                    body=self.bodies[0 if number % 100 < self.receipt_share * 100 else 1])
            with self.lock:
                self.submissions.append(submission)
            self._submit(connection, submission)
            number += self.clients
        connection.close()

    def _submit(self, connection: http.client.HTTPConnection, submission: Submission) -> None:
        headers = self.headers | {"Idempotency-Key": f'"{submission.key}"'}
        first, backoff = time.monotonic(), FIRST_BACKOFF
        while True:
            submission.attempts += 1
            status, outcome = self._attempt(connection, headers, submission.body)
            if status == 201:
                self._answered(submission, outcome)
                return
            submission.failed_attempts.append(outcome)
            retried = status is None or status >= 500 or status in RETRIED_STATUSES
            if not retried or time.monotonic() + backoff - first > GIVE_UP_AFTER or self.stop.is_set():
                submission.error = outcome
                self._retrying(submission, ended=True)
                return
            self._retrying(submission, ended=False)
            time.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    def _attempt(self, connection: http.client.HTTPConnection, headers: dict,
                 body: str) -> tuple[int | None, object]:
        """(201, (reference, replayed)), or (status or None, what went wrong)."""
        try:
            connection.request("POST", "/api/v1/reports", body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()  # the next request opens a new connection
            return None, type(error).__name__
        if response.status != 201:
            return response.status, str(response.status)
        return 201, (json.loads(content)["reference"], response.getheader("Idempotent-Replayed") == "true")

    def _answered(self, submission: Submission, outcome: tuple[str, bool]) -> None:
        submission.answered = self.now()
        submission.reference, submission.replayed = outcome
        with self.lock:
            self.recent.append(submission.answered - submission.planned)
        self._retrying(submission, ended=True)

    def _retrying(self, submission: Submission, *, ended: bool) -> None:
        """Keep count of the reports being retried right now."""
        with self.lock:
            if not ended and submission.attempts == 1:
                self.retrying += 1
            elif ended and submission.attempts > 1:
                self.retrying -= 1

    def take_recent(self) -> list[float]:
        with self.lock:
            recent, self.recent = self.recent, []
        return recent


# --- watching: backlog, memory, the restart -----------------------------------------------------------------------

class Backlog:
    """Counts the outbox messages not yet processed (and of those, not yet published); None while unreachable."""

    def __init__(self, conninfo: str):
        self.conninfo, self.connection = conninfo, None

    def count(self) -> tuple[int, int] | None:
        try:
            if self.connection is None:
                self.connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=2)
            return self.connection.execute(
                "SELECT count(*), count(*) FILTER (WHERE published_at IS NULL) FROM outbox_messages "
                "WHERE processed_at IS NULL").fetchone()
        except psycopg.Error:
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


class Restart(threading.Thread):
    """Cluster.restart() in two halves (fast shutdown, start), timed in seconds since the load began; with
    --down-seconds the database stays stopped that long in between."""

    def __init__(self, cluster: Cluster, load: Load, down_seconds: float):
        super().__init__(daemon=True)
        self.cluster, self.load, self.down_seconds = cluster, load, down_seconds
        self.began = self.stopped = self.ended = None
        self.failure: BaseException | None = None

    def run(self) -> None:
        self.began = self.load.now()
        try:
            self.cluster.stop()
            self.stopped = self.load.now()
            time.sleep(self.down_seconds)
            self.cluster.start()
        except BaseException as error:  # reported in the summary; the main thread goes on watching
            self.failure = error
        self.ended = self.load.now()


class Watch:
    """Runs the load, restarts PostgreSQL at half time, and samples the backlog every second and the memory of
    the processes every SAMPLE_EVERY seconds."""

    def __init__(self, load: Load, restart: Restart, conninfo: str, processes: dict):
        self.load, self.restart, self.backlog, self.processes = load, restart, Backlog(conninfo), processes
        self.cpu = _cpu_times()
        self.backlog_samples: list[tuple[float, int]] = []  # (seconds, waiting messages)
        self.backlog_missed: list[float] = []  # seconds at which the count failed (the database was away)
        self.rss: dict[str, list[tuple[float, float]]] = {}  # "web 1234" → [(seconds, MB)]
        self.replaced: list[str] = []  # web workers that disappeared during the run
        self.drain_seconds: float | None = None

    def run(self) -> None:
        self.load.start()
        next_line, line_max = SAMPLE_EVERY, 0
        while self.load.running():
            time.sleep(max(0.0, 1 - self.load.now() % 1))
            now = self.load.now()
            if self.restart.ident is None and now >= self.load.seconds / 2:
                self.restart.start()
            counted = self._count_backlog(now)
            line_max = max(line_max, counted[0] if counted else 0)
            if now >= next_line:
                self._sample_rss(now)
                self._print_line(now, counted, line_max)
                next_line, line_max = next_line + SAMPLE_EVERY, 0
        self.restart.join(60)
        self._sample_rss(self.load.now())

    def drain(self) -> bool:
        """Wait (at most DRAIN_TIMEOUT) until every outbox message is processed."""
        started = time.monotonic()
        while time.monotonic() - started < DRAIN_TIMEOUT:
            counted = self._count_backlog(self.load.now())
            if counted is not None and counted[0] == 0:
                self.drain_seconds = time.monotonic() - started
                self.backlog.close()
                return True
            time.sleep(1)
        self.backlog.close()
        return False

    def _count_backlog(self, now: float) -> tuple[int, int] | None:
        counted = self.backlog.count()
        if counted is None:
            self.backlog_missed.append(now)
        else:
            self.backlog_samples.append((now, counted[0]))
        return counted

    def _sample_rss(self, now: float) -> None:
        seen = set()
        for role, process in self.processes.items():
            pid = _pid(process)
            pids = _children(pid) if role == "web" else [pid, *_children(pid)]
            for each in pids:
                megabytes = _rss_mb(each)
                if megabytes is not None:
                    label = f"{role} {each}"
                    seen.add(label)
                    self.rss.setdefault(label, []).append((now, megabytes))
        self.replaced = [label for label in self.rss if label.startswith("web ") and label not in seen]

    def _print_line(self, now: float, counted: tuple[int, int] | None, line_max: int) -> None:
        recent = sorted(self.load.take_recent())
        rate = len(recent) / SAMPLE_EVERY
        latency = f"p50 {_pick(recent, 0.5):6.0f} p99 {_pick(recent, 0.99):6.0f} ms" if recent else "no answers"
        backlog = f"{counted[0]:5d} (max {line_max}, unpublished {counted[1]})" if counted else "    ? (database away)"
        web = " ".join(f"{points[-1][1]:.0f}" for label, points in self.rss.items()
                       if label.startswith("web ") and points[-1][0] == now)
        celery = "+".join(f"{points[-1][1]:.0f}" for label, points in self.rss.items()
                          if label.startswith("celery ") and points[-1][0] == now)
        busy, total = _cpu_times()
        cpu = (busy - self.cpu[0]) / max(1, total - self.cpu[1])
        self.cpu = busy, total
        print(f"{now:5.0f} s  {rate:6.1f} 201/s  {latency}  retrying {self.load.retrying:3d}  backlog {backlog}  "
              f"RSS MB web {web}  celery {celery}  CPU {cpu:4.0%}", flush=True)


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            children += [int(child) for child in (task / "children").read_text().split()]
    return children


def _cpu_times() -> tuple[int, int]:
    """The machine's busy and total CPU time so far (/proc/stat, in ticks): the load generator, the servers and
    the database share these CPUs."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # idle and iowait are not busy


def _rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


# --- the verdict ---------------------------------------------------------------------------------------------------

def _verify(conninfo: str, load: Load, mails: list[tuple[str, str]]) -> dict:
    """What the database holds against what the clients were told."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        rows = connection.execute("SELECT reference, reporter_may_contact FROM reports").fetchall()
        references = Counter(reference for reference, _ in rows)
        contactable = {reference for reference, may_contact in rows if may_contact}
        records = connection.execute(
            "SELECT i.key, r.reference, i.report_id FROM idempotency_records i "
            "LEFT JOIN reports r ON r.id = i.report_id").fetchall()
        told = connection.execute(
            "SELECT count(*) FROM reports WHERE reporter_notified_status = 'received'").fetchone()[0]
    by_key = {}
    for key, reference, _ in records:
        by_key.setdefault(key, []).append(reference)
    answered = load.answered()
    keys = {submission.key for submission in answered}
    report_ids = Counter(report_id for _, _, report_id in records if report_id is not None)
    mailed = Counter(reference for reference, _ in mails)
    return {
        "reports": sum(references.values()),
        "records": len(records),
        "keys": len(keys),
        # every key that got a 201 has one record, pointing at one report, and each report has one key
        "not_one_per_key": sum(1 for key in keys if len(by_key.get(key, [])) != 1 or by_key[key][0] is None),
        "shared_reports": sum(1 for count in report_ids.values() if count > 1),
        "reports_without_key": sum(references.values()) - len(report_ids),
        # every reference a client was given exists exactly once, and is the one stored for its key
        "lost": sum(1 for submission in answered if references[submission.reference] != 1),
        "mismatched": sum(1 for submission in answered
                          if by_key.get(submission.key, [None])[0] != submission.reference),
        "failed_with_report": sum(1 for submission in load.submissions
                                  if submission.reference is None and by_key.get(submission.key)),
        "mails": len(mails),
        "mailed_twice": sum(1 for reference in references if mailed[reference] > 1),
        "not_mailed": sum(1 for reference in contactable if mailed[reference] == 0),
        "contactable": len(contactable),
        "mails_for_others": sum(count for reference, count in mailed.items() if reference not in contactable),
        "distinct_message_ids": len({message_id for _, message_id in mails}),
        "told": told,
    }


def _pick(values: list[float], share: float) -> float:
    """The percentile of sorted seconds, in milliseconds."""
    return values[min(len(values) - 1, int(share * len(values)))] * 1000 if values else float("nan")


def _latency_row(label: str, latencies: list[float]) -> str:
    latencies = sorted(latencies)
    figures = " ".join(f"{_pick(latencies, share):8.0f}" for share in (0.5, 0.9, 0.99, 1.0))
    return f"  {label:<28} {len(latencies):7d} {figures}"


def _restart_window(load: Load, restart: Restart) -> tuple[float, float]:
    """From the restart until the last report held up by it was answered: a report planned from then until a
    minute after the database was back that took longer than LATE."""
    end = restart.ended
    for submission in load.answered():
        held_up = submission.answered - submission.planned > LATE
        if held_up and restart.began <= submission.planned <= restart.ended + 60:
            end = max(end, submission.answered)
    return restart.began, end


def _memory(watch: Watch) -> tuple[list[str], list[float]]:
    """The memory table's rows, and each web worker's growth from the sample at BASELINE_AT to its last one."""
    baseline_at = min(BASELINE_AT, watch.load.seconds / 2)
    rows, growths = [], []
    for label, points in watch.rss.items():
        values = [megabytes for _, megabytes in points]
        baseline = next((megabytes for when, megabytes in points if when >= baseline_at), values[0])
        growth = (values[-1] - baseline) / baseline
        if label.startswith("web "):
            growths.append(growth)
        gone = "  (gone before the end)" if label in watch.replaced else ""
        rows.append(f"  {label:<14} {values[0]:7.1f} {baseline:9.1f} {values[-1]:7.1f} {max(values):7.1f} "
                    f"{growth * 100:+7.1f} %{gone}")
    return rows, growths


def _print_restart(load: Load, watch: Watch, retried: list[Submission]) -> tuple[float, float]:
    """The restart's figures; returns its window (seconds since the load began)."""
    restart = watch.restart
    if restart.began is None or restart.ended is None or restart.stopped is None:
        print(f"restart: did not complete ({restart.failure!r})")
        return (restart.began or float("inf"), float("inf"))
    window = _restart_window(load, restart)
    inside = sum(1 for s in retried if s.answered is None or (s.answered >= window[0] and s.planned <= window[1]))
    print(f"restart at {restart.began:.1f} s: the database was away {restart.ended - restart.began:.2f} s "
          f"(stop {restart.stopped - restart.began:.2f} s, start {restart.ended - restart.stopped:.2f} s); restart "
          f"window {window[0]:.1f}–{window[1]:.1f} s; reports retried in it {inside}, outside it "
          f"{len(retried) - inside}; backlog counts that failed while the database was away: "
          f"{len(watch.backlog_missed)}")
    return window


def _report(options: argparse.Namespace, load: Load, watch: Watch, drained: bool, verdict: dict) -> bool:
    submissions, answered, restart = load.submissions, load.answered(), watch.restart
    errors = [submission for submission in submissions if submission.reference is None]
    retried = [submission for submission in submissions if submission.attempts > 1]
    failed_attempts = Counter(outcome for submission in submissions for outcome in submission.failed_attempts)
    elapsed = max((submission.answered for submission in answered), default=float("nan"))
    print(f"\nmachine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
          f"gunicorn -w {options.workers} (gthread); {options.clients} clients; {options.rate:g} req/s planned for "
          f"{options.minutes:g} min")
    print(f"reports: {len(submissions)} sent, {len(answered)} answered 201 ({len(answered) / elapsed:.1f} per s "
          f"over {elapsed:.0f} s), {len(submissions) - len(retried)} at the first try, {len(retried)} retried "
          f"({sum(len(s.failed_attempts) for s in submissions)} failed attempts: "
          f"{', '.join(f'{what} ×{count}' for what, count in failed_attempts.most_common()) or 'none'}), "
          f"{sum(s.replayed for s in answered)} answered as a replay, {len(errors)} errors")
    for submission in errors[:10]:
        print(f"  error: key {submission.key} planned at {submission.planned:.1f} s: {submission.error} "
              f"after {submission.attempts} attempts")
    window = _print_restart(load, watch, retried)
    outside = [(s.planned, s.answered - s.planned) for s in answered if s.answered < window[0] or s.planned > window[1]]
    print(f"\nlatency, planned → 201 (ms)   {'count':>7} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}")
    print(_latency_row("all", [s.answered - s.planned for s in answered]))
    print(_latency_row("outside the restart window", [latency for planned, latency in outside]))
    print(_latency_row(f"… and after the first {COLD_SECONDS:g} s", [
        latency for planned, latency in outside if planned >= COLD_SECONDS]))
    max_backlog = max(watch.backlog_samples, key=lambda sample: sample[1], default=(0.0, 0))
    print(f"\noutbox backlog: max {max_backlog[1]} (at {max_backlog[0]:.0f} s) over {len(watch.backlog_samples)} "
          f"counts; " + (f"0 after {watch.drain_seconds:.0f} s of draining" if drained else
                         f"NOT drained after {DRAIN_TIMEOUT:.0f} s"))
    rows, growths = _memory(watch)
    print(f"\nmemory (VmRSS, MB)  {'first':>7} {'at 1 min':>9} {'last':>7} {'max':>7} {'growth':>9}")
    print("\n".join(rows))
    print(f"\nreceipts: {verdict['mails']} mails for the {verdict['contactable']} of {verdict['reports']} reports that "
          f"may be contacted ({verdict['told']} marked as told); "
          f"{verdict['mailed_twice']} reports mailed more than once, {verdict['not_mailed']} not mailed, "
          f"{verdict['mails_for_others']} mails for unknown or not contactable references, "
          f"{verdict['distinct_message_ids']} distinct Message-IDs")
    print(f"database: {verdict['reports']} reports, {verdict['records']} idempotency records, {verdict['keys']} keys "
          f"answered 201; keys without exactly one report {verdict['not_one_per_key']}, reports shared by keys "
          f"{verdict['shared_reports']}, reports without a key {verdict['reports_without_key']}, failed keys that "
          f"have a report anyway {verdict['failed_with_report']}")
    one_per_key = (verdict["not_one_per_key"] == 0 and verdict["shared_reports"] == 0
                   and verdict["reports_without_key"] == 0 and verdict["reports"] == verdict["keys"])
    replaced = f"; replaced: {', '.join(watch.replaced)}" if watch.replaced else ""
    checks = [
        (not errors, f"0 errors ({len(errors)})"),
        (max_backlog[1] < BACKLOG_LIMIT and drained,
         f"outbox backlog < {BACKLOG_LIMIT} throughout (max {max_backlog[1]}) and drained at the end"),
        (bool(growths) and max(growths) < RSS_GROWTH_LIMIT and not watch.replaced,
         f"RSS growth per web worker from 1 min to the end < {RSS_GROWTH_LIMIT:.0%} "
         f"(max {max(growths, default=float('nan')) * 100:+.1f} %{replaced})"),
        (one_per_key, f"exactly one report per Idempotency-Key ({verdict['keys']} keys, {verdict['reports']} reports)"),
        (verdict["lost"] == 0 and verdict["mismatched"] == 0 and not errors,
         f"none lost (returned references missing: {verdict['lost']}, not the key's: {verdict['mismatched']})"),
        (restart.ended is not None and restart.failure is None, "PostgreSQL restarted in the middle"),
    ]
    print("\nchecks:")
    for passed, text in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")
    receipts_once = verdict["mailed_twice"] == 0 and verdict["not_mailed"] == 0
    print(f"  ({'ok' if receipts_once else 'NOT OK'})  exactly one receipt mail per report (beyond the requirement)")
    return all(passed for passed, _ in checks)


if __name__ == "__main__":
    main()
