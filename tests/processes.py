"""Real server processes for integration tests: a command in a process group of its own with its output in a log
file, a free port, and waiting until gunicorn serves."""
import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import config

READY_TIMEOUT = 30.0
VENV_BIN = Path(config.BASE_DIR, ".venv", "bin")
# The settings the processes read from the environment: only the test's values count.
ENVIRONMENT_NAMES = ("GDT_ENV", "GDT_IN_PROCESS_SCHEDULER", "DATABASE_URL", "REDIS_URL", "SMTP_HOST", "SMTP_PORT",
                     "SECRET_KEY", "PUBLIC_BASE_URL", "OUTBOX_REPUBLISH_AFTER_SECONDS", "MAIL_FROM",
                     "GDT_INSTANCE_DIR", "STORAGE_URL", "ATTACHMENT_DIR")


class Process:
    """A command in a process group of its own, output to a log file; `kill()` ends the whole group."""

    def __init__(self, command: list[str], environment: dict, log_path: Path):
        env = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT_NAMES}
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=config.BASE_DIR, env=env | environment, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(base_url: str, web: Process) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        assert web.process.poll() is None, web.log()[-4000:]
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base_url}/api/v1/openapi.json", timeout=5):
            return
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not serve within {READY_TIMEOUT:g} s:\n{web.log()[-4000:]}")
