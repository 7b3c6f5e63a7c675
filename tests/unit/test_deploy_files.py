"""The ways to run GDT's processes say the same thing: the Procfile, the systemd units and compose.yaml.

The Procfile is the one list of processes and their commands (README, "Processes"). A unit's ExecStart is that
command with the installation folder in front of the virtualenv path (`/opt/gdt/.venv/bin/…` for `.venv/bin/…`);
compose.yaml runs it unchanged from the image's /app, where the virtualenv is /app/.venv. And gunicorn.conf.py's
defaults and environment variables are what the README promises.
"""
import re
import runpy
import shlex

import pytest
import yaml
from honcho.environ import parse_procfile

import config

ROOT = config.BASE_DIR
DEPLOY = ROOT / "deploy"
PROCESSES = {"web", "worker", "beat", "relay"}


def procfile() -> dict[str, str]:
    """The Procfile as honcho reads it: process name → command."""
    return dict(parse_procfile((ROOT / "Procfile").read_text()).processes)


def unit_settings(path) -> dict[str, list[str]]:
    """A systemd unit's `Key=value` lines (a key may repeat), comments and section headers left out."""
    settings: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def env_file(path) -> dict[str, str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_procfile_names_every_process_and_runs_it_from_the_virtualenv():
    commands = procfile()
    assert set(commands) == PROCESSES
    assert commands["web"] == ".venv/bin/gunicorn --config gunicorn.conf.py wsgi:app"
    assert commands["worker"].startswith(".venv/bin/celery -A worker.app worker")
    assert commands["beat"].startswith(".venv/bin/celery -A worker.app beat")
    assert commands["relay"] == ".venv/bin/flask --app wsgi outbox-relay"
    for command in commands.values():
        assert shlex.split(command)[0].startswith(".venv/bin/")
        assert (ROOT / shlex.split(command)[0]).exists(), command


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_each_systemd_unit_runs_the_procfiles_command_in_the_installation_folder(name):
    unit = unit_settings(DEPLOY / "systemd" / f"gdt-{name}.service")
    working_directory = unit["WorkingDirectory"][0]
    assert unit["ExecStart"] == [f"{working_directory}/{procfile()[name]}"]
    assert unit["WantedBy"] == ["gdt.target"] and unit["PartOf"] == ["gdt.target"]


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_each_systemd_unit_runs_as_its_own_user_in_a_sandbox_that_can_write_only_the_state_folders(name):
    unit = unit_settings(DEPLOY / "systemd" / f"gdt-{name}.service")
    assert unit["EnvironmentFile"] == ["/etc/gdt/gdt.env"]
    assert unit["User"] == ["gdt"] and unit["Group"] == ["gdt"]
    for setting, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
                           "ProtectHome": "yes", "CapabilityBoundingSet": ""}.items():
        assert unit[setting] == [value], setting
    environment = env_file(DEPLOY / "gdt.env.example")
    writable = unit["ReadWritePaths"][0].split()
    assert environment["GDT_INSTANCE_DIR"] in writable and environment["ATTACHMENT_DIR"] in writable


def test_the_target_starts_all_four_units():
    target = unit_settings(DEPLOY / "systemd" / "gdt.target")
    assert set(target["Wants"][0].split()) == {f"gdt-{name}.service" for name in PROCESSES}


def test_the_example_environment_file_satisfies_the_production_rules():
    environment = env_file(DEPLOY / "gdt.env.example")
    assert environment["GDT_ENV"] == "production"
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL", "SMTP_HOST", "MAIL_FROM"} <= set(environment)
    assert environment["DATABASE_URL"].startswith("postgresql://")
    assert environment["PUBLIC_BASE_URL"].startswith("https://")
    # The proxy gunicorn trusts for X-Forwarded-Proto is the one hop the app trusts for X-Forwarded-For.
    assert environment["FORWARDED_ALLOW_IPS"] == "127.0.0.1" and environment["PROXY_FIX_X_FOR"] == "1"


def test_compose_runs_each_process_with_the_procfiles_command_character_for_character():
    services = compose()["services"]
    commands = procfile()
    for name in PROCESSES:
        assert services[name]["command"] == commands[name], name
    # Every long-running service of the GDT image is a Procfile process; `migrate` runs once and exits.
    image = services["web"]["image"]
    long_running = {name for name, service in services.items()
                    if service.get("image") == image and service.get("restart") != "no"}
    assert long_running == PROCESSES
    assert services["migrate"]["restart"] == "no"
    for name in PROCESSES:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_compose_gives_every_process_the_production_settings_and_the_data_volumes():
    services = compose()["services"]
    for name in PROCESSES:
        environment = services[name]["environment"]
        assert environment["GDT_ENV"] == "production"
        assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL", "SMTP_HOST", "MAIL_FROM"} <= set(
            environment)
        assert "attachments:/var/lib/gdt/attachments" in services[name]["volumes"]
        assert "instance:/var/lib/gdt/instance" in services[name]["volumes"]
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "http://127.0.0.1:8000/health/live" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]


def test_the_image_runs_the_commands_from_a_checkout_like_folder():
    """compose.yaml's commands start with `.venv/bin/`: the Dockerfile must put the virtualenv there."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3[.\d]*-slim", dockerfile, re.MULTILINE)
    assert re.search(r"^WORKDIR /app$", dockerfile, re.MULTILINE)
    assert "python -m venv .venv" in dockerfile and "--require-hashes -r requirements.txt" in dockerfile
    assert dockerfile.index("-r requirements-pip.txt") < dockerfile.index("-r requirements.txt")  # the locked pip first
    assert re.search(r"^USER gdt$", dockerfile, re.MULTILINE)
    for folder in ("/var/lib/gdt/instance", "/var/lib/gdt/attachments"):
        assert folder in dockerfile
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert ".venv" in ignored and "instance" in ignored  # never the local virtualenv or development secret


def gunicorn_settings(monkeypatch, **environment) -> dict:
    for name in ("GDT_BIND", "WEB_CONCURRENCY", "GDT_WEB_THREADS", "FORWARDED_ALLOW_IPS", "GDT_WEB_MAX_REQUESTS",
                 "GDT_ACCESS_LOG", "GDT_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorns_defaults_listen_on_loopback_and_trust_only_the_local_proxy(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["forwarded_allow_ips"] == "127.0.0.1"
    assert settings["worker_class"] == "gthread" and settings["threads"] == 4
    assert settings["workers"] == settings["default_workers"](settings["_cpus"]())
    assert settings["timeout"] > 0 and settings["graceful_timeout"] > 0 and settings["keepalive"] > 0
    assert settings["max_requests"] == 1000 and settings["max_requests_jitter"] == 100
    assert settings["accesslog"] == "-" and settings["control_socket_disable"] is True


def test_gunicorns_worker_count_follows_the_cpus_but_stays_within_bounds(monkeypatch):
    default_workers = gunicorn_settings(monkeypatch)["default_workers"]
    assert [default_workers(cpus) for cpus in (1, 2, 3, 4, 64)] == [3, 5, 7, 8, 8]


def test_gunicorns_settings_come_from_the_environment(monkeypatch):
    settings = gunicorn_settings(monkeypatch, GDT_BIND="0.0.0.0:8080, unix:/run/gdt/web.sock", WEB_CONCURRENCY="3",
                                 GDT_WEB_THREADS="8", FORWARDED_ALLOW_IPS="10.0.0.5,10.0.0.6",
                                 GDT_WEB_MAX_REQUESTS="0", GDT_CONTROL_SOCKET="/run/gdt/gunicorn.ctl")
    assert settings["bind"] == ["0.0.0.0:8080", "unix:/run/gdt/web.sock"]
    assert settings["workers"] == 3 and settings["threads"] == 8
    assert settings["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"
    assert settings["max_requests"] == 0 and settings["max_requests_jitter"] == 0
    assert settings["control_socket"] == "/run/gdt/gunicorn.ctl" and settings["control_socket_disable"] is False


@pytest.mark.parametrize("value", ["four", "0", "-2"])
def test_gunicorn_refuses_a_worker_count_that_is_not_a_positive_number(monkeypatch, value):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        gunicorn_settings(monkeypatch, WEB_CONCURRENCY=value)


def test_gunicorns_access_log_format_has_the_path_without_the_query_string(monkeypatch):
    log_format = gunicorn_settings(monkeypatch)["access_log_format"]
    assert '"%(m)s %(U)s %(H)s"' in log_format
    assert "%(r)s" not in log_format and "%(q)s" not in log_format and "%({raw_uri}" not in log_format
