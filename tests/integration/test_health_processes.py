"""Readiness against real processes: the Procfile's worker (prefork), beat and relay stamp their heartbeats, and
/health/ready notices when one of them, the broker or the database goes away.

The processes run with their exact Procfile commands in development mode, on a database prepared with
`flask db upgrade`, a private Redis, and HEARTBEAT_INTERVAL_SECONDS=1 so that silence shows within seconds.
The database's own outage runs on a private PostgreSQL cluster that the test stops and starts again.
"""
import os
import signal
import subprocess
import sys
import time

import pytest
from honcho.environ import parse_procfile

import config
from gdt import create_app
from gdt.db import db
from tests.operations import samples
from tests.postgres import Cluster
from tests.workers import RedisServer

pytestmark = pytest.mark.integration

SILENCE = 4  # seconds without a heartbeat before a kind counts as gone (the processes beat every second)
TIMEOUT = 60.0
METRICS_TOKEN = "health-processes-" + "t" * 32


def flask_command(*arguments: str, environment: dict) -> None:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *arguments], cwd=config.BASE_DIR,
                          env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def environment_for(database_url: str, redis_url: str | None, tmp_path) -> dict:
    own = {"DATABASE_URL": database_url, "GDT_INSTANCE_DIR": str(tmp_path / "instance"),
           "SECRET_KEY": "health-processes-" + "s" * 32, "HEARTBEAT_INTERVAL_SECONDS": "1", "PYTHONUNBUFFERED": "1"}
    if redis_url:
        own["REDIS_URL"] = redis_url
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith(("GDT_", "HEALTH_", "HEARTBEAT_", "METRICS_"))
                 and name not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PROMETHEUS_MULTIPROC_DIR")}
    return inherited | own


def watching_app(database_url: str, redis_url: str | None):
    class Watching(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SQLALCHEMY_ENGINE_OPTIONS = config.engine_options(database_url)
        REDIS_URL = redis_url
        HEALTH_WORKER_MAX_SILENCE_SECONDS = HEALTH_BEAT_MAX_SILENCE_SECONDS = SILENCE
        HEALTH_RELAY_MAX_SILENCE_SECONDS = SILENCE
        METRICS_TOKEN = globals()["METRICS_TOKEN"]

    return create_app(Watching)


def ready(app) -> tuple[int, dict]:
    response = app.test_client().get("/health/ready")
    return response.status_code, response.get_json()


def wait_for(app, condition, what: str) -> dict:
    deadline = time.monotonic() + TIMEOUT
    while True:
        status, body = ready(app)
        if condition(status, body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {status} {body}")
        time.sleep(0.3)


class Processes:
    """Procfile lines, each in a process group of its own with its output in a log file."""

    def __init__(self, environment: dict, tmp_path):
        self.environment, self.tmp_path, self.running = environment, tmp_path, {}
        self.commands = parse_procfile((config.BASE_DIR / "Procfile").read_text()).processes

    def start(self, name: str) -> None:
        with open(self.tmp_path / f"{name}.log", "ab") as log:
            self.running[name] = subprocess.Popen(self.commands[name].split(), cwd=config.BASE_DIR,
                                                  env=self.environment, stdout=log, stderr=subprocess.STDOUT,
                                                  stdin=subprocess.DEVNULL, start_new_session=True)

    def kill(self, name: str) -> None:
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
                         for path in sorted(self.tmp_path.glob("*.log")))

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name)


@pytest.fixture
def processes(fresh_database_url, tmp_path, app):
    with RedisServer() as redis:
        environment = environment_for(fresh_database_url, redis.url, tmp_path)
        flask_command("db", "upgrade", environment=environment)
        running = Processes(environment, tmp_path)
        watcher = watching_app(fresh_database_url, redis.url)
        try:
            yield running, watcher, redis
        except BaseException:
            print(running.logs())
            raise
        finally:
            running.stop_all()
            with watcher.app_context():
                db.session.remove()
                db.engine.dispose()
            app.extensions["celery"].set_default()  # the suite's eager app stays the default for later tests


def test_the_worker_beat_and_relay_keep_the_installation_ready_until_one_stops(processes):
    running, app, redis = processes
    status, body = ready(app)
    assert status == 503 and {body["checks"][kind]["last_seen_seconds"] for kind in ("worker", "beat", "relay")} == {
        None}  # nothing has run yet

    for name in ("worker", "beat", "relay"):
        running.start(name)
    body = wait_for(app, lambda status, body: status == 200, "the processes' heartbeats")
    assert {body["checks"][kind]["status"] for kind in ("worker", "beat", "relay", "redis", "migrations")} == {"ok"}
    assert body["checks"]["worker"]["alive"] == 1  # the main process beats, not each pool child

    scraped = samples(app.test_client().get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text)
    for kind in ("worker", "beat", "relay"):
        assert scraped[("gdt_heartbeat_processes_alive", (("kind", kind),))] == 1
        assert scraped[("gdt_heartbeat_age_seconds", (("kind", kind),))] < SILENCE

    running.kill("worker")
    body = wait_for(app, lambda status, body: body["checks"]["worker"]["status"] == "fail", "the worker's silence")
    assert body["status"] == "fail" and body["checks"]["worker"]["alive"] == 0
    assert body["checks"]["beat"]["status"] == body["checks"]["relay"]["status"] == "ok"

    redis.stop()
    body = wait_for(app, lambda status, body: body["checks"]["redis"]["status"] == "fail", "the broker's absence")
    assert body["checks"]["relay"]["status"] == "ok"  # the relay keeps running (and beating) without a broker


@pytest.fixture
def cluster(request):
    if not request.config.getoption("--postgres"):
        pytest.skip("stops and starts a PostgreSQL cluster: run with --postgres")
    with Cluster("gdt_health") as private:
        yield private


def test_readiness_follows_the_database_down_and_up_again(cluster, tmp_path, app):
    flask_command("db", "upgrade", environment=environment_for(cluster.url, None, tmp_path))
    watcher = watching_app(cluster.url, None)
    try:
        status, body = ready(watcher)
        assert status == 200, body

        cluster.stop()
        status, body = ready(watcher)
        assert status == 503
        assert body["checks"]["database"] == {"status": "fail", "error": "OperationalError"}
        assert body["checks"]["migrations"] == body["checks"]["outbox"] == {"status": "fail",
                                                                            "error": "database unreachable"}
        live = watcher.test_client().get("/health/live")
        assert (live.status_code, live.get_json()) == (200, {"status": "ok"})  # the process itself is fine

        cluster.start()
        status, body = ready(watcher)
        assert status == 200, body  # the pool heals without a restart
    finally:
        with watcher.app_context():
            db.session.remove()
            db.engine.dispose()
        app.extensions["celery"].set_default()
