"""Wrong production settings stop gunicorn, celery and flask before they serve, work or change anything, with one
line naming every problem (gdt/config_check.py)."""
import os
import re
import subprocess
from pathlib import Path

import pytest

import config

pytestmark = pytest.mark.integration

VENV_BIN = Path(config.BASE_DIR, ".venv", "bin")
OWN_SETTINGS = re.compile(r"^(GDT_.*|DATABASE_URL|REDIS_URL|SMTP_.*|SECRET_KEY|PUBLIC_BASE_URL|MAIL_.*|PORT)$")
REFUSAL = "GDT_ENV=production refuses to start, fix 5 setting(s): "
# Every rule broken; SMTP_HOST and MAIL_FROM unset: production has no default for them (development's is localhost).
WRONG = {"GDT_ENV": "production", "SECRET_KEY": "too-short", "PUBLIC_BASE_URL": "http://gdt.example.test"}


def run(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if not OWN_SETTINGS.match(name)}
    env |= WRONG | {"DATABASE_URL": f"sqlite:///{tmp_path / 'gdt.sqlite'}", "GDT_INSTANCE_DIR": str(tmp_path),
                    "GDT_BIND": "127.0.0.1:0"}
    return subprocess.run(command, cwd=config.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def refusal_line(output: str) -> str:
    (line,) = [line for line in output.splitlines() if REFUSAL in line]
    for name in ("SECRET_KEY has 9 characters", "DATABASE_URL", "PUBLIC_BASE_URL must be an https:// address",
                 "SMTP_HOST is not set", "MAIL_FROM is not set"):
        assert name in line
    return line


def test_gunicorn_stops_in_its_master_with_one_line_and_no_traceback(tmp_path):
    result = run([str(VENV_BIN / "gunicorn"), "wsgi:app"], tmp_path)
    assert result.returncode == 1
    assert refusal_line(result.stderr).startswith("Error: GDT_ENV=production")
    assert "Traceback" not in result.stderr and "Booting worker" not in result.stderr


def test_celery_ends_with_the_refusal(tmp_path):
    result = run([str(VENV_BIN / "celery"), "-A", "worker.app", "worker", "--pool=solo"], tmp_path)
    assert result.returncode != 0
    assert refusal_line(result.stderr)
    assert result.stderr.rstrip().splitlines()[-1].endswith(refusal_line(result.stderr))


def test_flask_commands_end_with_the_refusal_and_create_no_database(tmp_path):
    result = run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], tmp_path)
    assert result.returncode != 0
    assert result.stderr.rstrip().splitlines()[-1].endswith(refusal_line(result.stderr))
    assert not (tmp_path / "gdt.sqlite").exists()
