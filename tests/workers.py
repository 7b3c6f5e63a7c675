"""Real processes for integration tests: a Redis server that can go down and come back on the same port, and a
Celery worker (`celery -A worker.app worker`) in a process group of its own that a test can SIGKILL."""
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import config
from tests.redis import _free_port, _wait_for

READY_TIMEOUT = 30.0
# Settings the worker's development config reads from the environment: only the test's values may count.
_NOT_INHERITED = ("GDT_ENV", "GDT_IN_PROCESS_SCHEDULER", "DATABASE_URL", "REDIS_URL", "SMTP_HOST", "SMTP_PORT",
                  "SECRET_KEY", "PUBLIC_BASE_URL", "OUTBOX_REPUBLISH_AFTER_SECONDS", "DELIVERY_MAX_ATTEMPTS",
                  "DELIVERY_RETRY_SECONDS", "WEBHOOK_TIMEOUT", "MAIL_FROM", "GDT_INSTANCE_DIR")


class RedisServer:
    """A private redis-server on loopback without persistence; `stop()` and `start()` again keep the port
    (not the data)."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = tempfile.mkdtemp(prefix="gdt-redis-")
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is missing (python -m tests.system_packages installs it)")
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self._directory], stdout=subprocess.DEVNULL, start_new_session=True)
        _wait_for(self.port, self._process)

    def stop(self) -> None:
        if self._process is not None:
            _end_group(self._process, signal.SIGTERM)
            self._process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self._directory, ignore_errors=True)


class CeleryWorker:
    """`celery -A worker.app worker -P prefork -c N` (default 1) with the given environment; its output goes to
    `log_path`."""

    def __init__(self, environment: dict[str, str], log_path: Path, concurrency: int = 1):
        self.environment, self.log_path, self.concurrency = environment, log_path, concurrency
        self._process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        env = {name: value for name, value in os.environ.items() if name not in _NOT_INHERITED}
        env |= {"PYTHONUNBUFFERED": "1"} | self.environment
        celery = Path(config.BASE_DIR, ".venv", "bin", "celery")
        # Mingle, gossip and heartbeats talk to other workers; each test has its own Redis, so there are none.
        command = [str(celery), "-A", "worker.app", "worker", "-P", "prefork", "-c", str(self.concurrency),
                   "--loglevel=INFO", "--without-mingle", "--without-gossip", "--without-heartbeat"]
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(command, cwd=config.BASE_DIR, env=env, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             start_new_session=True)
        self._wait_until_ready()
        return self

    def kill(self) -> None:
        """SIGKILL the whole group (the main process and its pool child): no warm shutdown, no acks."""
        if self._process is not None:
            _end_group(self._process, signal.SIGKILL)
            self._process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the worker exited at start:\n{self.log()[-4000:]}")
            if " ready." in self.log():
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the worker was not ready within {READY_TIMEOUT:g} s:\n{self.log()[-4000:]}")


class Program:
    """Any command (gunicorn, beat, the relay) in a process group of its own, with exactly the environment given
    (nothing inherited but PATH, HOME and the locale), stdout and stderr to `log_path`."""

    KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER")

    def __init__(self, command: list[str], environment: dict[str, str], log_path: Path):
        self.command, self.log_path = command, log_path
        self.environment = {name: os.environ[name] for name in self.KEPT if name in os.environ} | environment
        self._process: subprocess.Popen | None = None

    def start(self) -> "Program":
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(self.command, cwd=config.BASE_DIR, env=self.environment, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             start_new_session=True)
        return self

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """SIGTERM the group (a graceful stop), SIGKILL what is left after 10 s."""
        if self._process is not None:
            _end_group(self._process, signal.SIGTERM)
            self._process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _end_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    """Signal the process group, reap the leader, then SIGKILL whatever of the group is left (a pool child)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
