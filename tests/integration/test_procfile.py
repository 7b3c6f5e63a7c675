"""The Procfile's processes, started with their exact commands in production mode, carry a report from the app to
the partner's mailbox and into the year's statistics, and stop cleanly on SIGTERM.

PostgreSQL only (`pytest --postgres`): a private cluster, a private Redis and an SMTP sink (aiosmtpd). The
database is prepared as an operator would: `flask db upgrade`, `flask setup` (reference data, first admin), the
accounts and the app's API client from the command line. Then each Procfile line runs as its own process (web,
worker, beat, relay), with the production settings (GDT_ENV=production, a long SECRET_KEY, an https
PUBLIC_BASE_URL …) and the web process on a free loopback port (GDT_BIND, gunicorn.conf.py). The walk: the
Woonoverlast-app sends a report through the API → a coordinator logs in and refers it to a partner whose
referrals go by mail → the worker delivers the mail to the sink and the report's page says "Bezorgd" → a
manager reads the year's statistics with that report in them. Finally every process gets SIGTERM and must exit
by itself, its children with it, without a traceback in its output.

HTTPS without a certificate: in production the session cookie is `__Host-gdt_session` and Secure, so a client
sends it only to an https address. The test therefore plays what stands in front of gunicorn in production, the
municipality's TLS-terminating proxy on the same machine: the client asks for https://gdt.example.test/… (the
PUBLIC_BASE_URL), and `ThroughTheProxy` carries each request over plain HTTP to gunicorn's loopback port, with
`X-Forwarded-Proto: https` and `X-Forwarded-For` as the proxy would add them. Gunicorn believes them because
127.0.0.1 is its default FORWARDED_ALLOW_IPS, the app because PROXY_FIX_X_FOR=1 (as in deploy/gdt.env.example).
So the cookie jar keeps and returns the Secure cookie exactly as a browser would, nothing is switched off, and
the trust settings of a real installation are the ones exercised.
"""
import contextlib
import http.client
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from honcho.environ import parse_procfile

import config
from tests.postgres import Cluster
from tests.redis import _free_port
from tests.smtp import Inbox
from tests.workers import RedisServer

pytestmark = pytest.mark.integration

PUBLIC_HOST = "gdt.example.test"
BASE = f"https://{PUBLIC_HOST}"
CLIENT_ADDRESS = "192.0.2.10"  # the browser's address, as the proxy reports it (TEST-NET-1)
PARTNER_EMAIL = "team@buurtbemiddeling.example.nl"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 60.0  # above gunicorn's graceful_timeout (30 s); an idle installation stops in seconds
# Settings the processes read from the environment: only the test's values count.
OWN_SETTINGS = re.compile(r"^(GDT_.*|DATABASE_URL|REDIS_URL|SMTP_.*|SECRET_KEY|PUBLIC_BASE_URL|MAIL_.*|PORT|"
                          r"ATTACHMENT_DIR|PROXY_FIX_X_FOR|FORWARDED_ALLOW_IPS|WEB_CONCURRENCY|ADDRESS_SERVICE_URL|"
                          r"OUTBOX_.*|DELIVERY_.*|OUTBOUND_.*)$")


@pytest.fixture
def cluster(request):
    if not request.config.getoption("--postgres"):
        pytest.skip("production needs PostgreSQL: run with --postgres")
    with Cluster("gdt_procfile") as private:
        yield private


class ThroughTheProxy(urllib.request.HTTPSHandler):
    """The TLS-terminating proxy in front of gunicorn: https://gdt.example.test/… goes over plain HTTP to
    gunicorn's loopback port, with the headers the proxy adds (the module docstring says why)."""

    def __init__(self, port: int):
        super().__init__()
        self.port = port

    def https_open(self, request):
        if request.host != PUBLIC_HOST:
            raise AssertionError(f"the test only talks to {PUBLIC_HOST}, not {request.host}")
        request.add_unredirected_header("X-Forwarded-Proto", "https")
        request.add_unredirected_header("X-Forwarded-For", CLIENT_ADDRESS)
        return self.do_open(self._connection, request)

    def _connection(self, host, timeout=None, **_):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)


class Browser:
    """A person's browser behind the proxy: its own cookie jar, a Referer on every form post (as browsers
    send, and as CSRF protection on https checks)."""

    def __init__(self, port: int):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(ThroughTheProxy(port),
                                                  urllib.request.HTTPCookieProcessor(self.cookies))
        self.url = BASE

    def get(self, path: str) -> str:
        with self.opener.open(urllib.parse.urljoin(self.url, path), timeout=30) as answer:
            self.url = answer.url
            return answer.read().decode()

    def submit(self, page: str, action_ends_with: str, **fields) -> str:
        """Post the page's form whose action ends with `action_ends_with`, its own fields (CSRF token, version)
        as the page gave them, changed by `fields`."""
        targets = [(urllib.parse.urljoin(self.url, form["action"]), form) for form in Forms.of(page)]
        target, form = next(((target, form) for target, form in targets
                             if urllib.parse.urlsplit(target).path.endswith(action_ends_with)), (None, None))
        assert form is not None, f"no form posting to …{action_ends_with} on {self.url}:\n{page[:3000]}"
        data = form["fields"] | fields
        request = urllib.request.Request(target, method="POST",
                                         data=urllib.parse.urlencode(data).encode(),
                                         headers={"Referer": self.url})
        with self.opener.open(request, timeout=30) as answer:
            self.url = answer.url
            return answer.read().decode()

    def cookie(self, name: str):
        return next((cookie for cookie in self.cookies if cookie.name == name), None)


class Forms(HTMLParser):
    """The forms of a page: action and the fields a browser would send unchanged (inputs, textareas, selects)."""

    def __init__(self):
        super().__init__()
        self.forms, self._textarea, self._select = [], None, None

    @classmethod
    def of(cls, page: str) -> list[dict]:
        parser = cls()
        parser.feed(page)
        return parser.forms

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif not self.forms or not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button", "checkbox", "radio", "file"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.forms[-1]["fields"][self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
        if tag == "option" and self._select and ("selected" in attrs or self._select not in self.forms[-1]["fields"]):
            self.forms[-1]["fields"][self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


class ProcfileProcess:
    """One Procfile line run as it stands (split like a shell would; the lines use no shell syntax), from the
    repository root, in a process group of its own, its output in a log file."""

    def __init__(self, name: str, command: str, environment: dict, log_path: Path):
        assert not set(command) & set("$;&|<>`()'\"\\*?"), f"{name}: shell syntax in {command!r}"
        self.name, self.log_path = name, log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(shlex.split(command), cwd=config.BASE_DIR, env=environment, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def run(command: list[str], environment: dict, **options) -> subprocess.CompletedProcess:
    """A one-off command as an operator types it, from the repository root; its failure shows its output."""
    done = subprocess.run(command, cwd=config.BASE_DIR, env=environment, capture_output=True, text=True,
                          timeout=120, **options)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done


def flask(*arguments: str) -> list[str]:
    return [str(Path(config.BASE_DIR, ".venv", "bin", "flask")), "--app", "wsgi", *arguments]


def prepare_installation(environment: dict) -> tuple[str, list[str]]:
    """Schema, reference data and the first admin (`flask setup`), a coordinator, a manager, a partner reached by
    mail and the app's API client, all from the command line in production mode, as README "Installing for
    production" says; returns the app's bearer token and the invitation links printed for the coordinator and the
    manager (nobody but they choose their passwords)."""
    run(flask("db", "upgrade"), environment)
    setup = run(flask("setup", "--admin-email", "beheer@gemeente.example.nl", "--admin-name", "Bea Beheer"),
                environment)
    assert f"{BASE}/invitation?token=" in setup.stdout
    links = [run(flask("users", "create", "--email", email, "--name", name, "--role", role, "--print-link"),
                 environment).stdout.strip()
             for email, name, role in (("coordinator@gemeente.example.nl", "Cor de Coördinator", "coordinator"),
                                       ("manager@gemeente.example.nl", "Mia Manager", "manager"))]
    run(flask("partners", "create", "buurtbemiddeling", "--name", "Buurtbemiddeling", "--email", PARTNER_EMAIL,
              "--kind", "social"), environment)
    token = run(flask("api-clients", "create", "woonoverlast-app", "--channel", "app"), environment).stdout.strip()
    return token, links


def accept_invitation(port: int, link: str, password: str) -> None:
    """Open the printed link, as the invited person does, and choose the password."""
    browser = Browser(port)
    page = browser.get(link)
    assert urllib.parse.urlsplit(browser.url).path == "/invitation" and "token" not in browser.url, page[:3000]
    page = browser.submit(page, "/invitation", password=password, password_again=password)
    assert urllib.parse.urlsplit(browser.url).path != "/invitation", page[:3000]


def wait_until_serving(port: int, web: ProcfileProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert web.process.poll() is None, f"web exited at start:\n{web.log()[-4000:]}"
        with contextlib.suppress(OSError, http.client.HTTPException):
            Browser(port).get("/login")
            return
        time.sleep(0.2)
    pytest.fail(f"web did not serve within {START_TIMEOUT:g} s:\n{web.log()[-4000:]}")


def send_report(port: int, token: str) -> dict:
    body = {"category": "geluidsoverlast", "description": "Elke nacht harde muziek en geschreeuw bij de buren.",
            "location": {"postcode": "5611AB", "house_number": 12},
            "reporter": {"name": "Anna de Vries", "email": "anna@example.nl", "may_contact": True}}
    request = urllib.request.Request(f"{BASE}/api/v1/reports", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                              "Idempotency-Key": '"procfile-1"'})
    with urllib.request.build_opener(ThroughTheProxy(port)).open(request, timeout=30) as answer:
        assert answer.status == 201
        return json.loads(answer.read())


def log_in(port: int, email: str, password: str) -> Browser:
    browser = Browser(port)
    page = browser.submit(browser.get("/login"), "/login", email=email, password=password)
    assert urllib.parse.urlsplit(browser.url).path != "/login", page[:3000]
    session = browser.cookie("__Host-gdt_session")
    assert session is not None and session.secure and session.domain == PUBLIC_HOST and session.path == "/"
    return browser


def mail_to(inbox: Inbox, address: str, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for recipients, message in list(inbox.received):
            if address in recipients:
                return message
        time.sleep(0.1)
    return None


@pytest.mark.timeout(300)
def test_the_procfiles_processes_carry_a_report_from_the_app_to_the_partner_and_the_statistics_then_stop_cleanly(
        cluster, tmp_path):
    commands = parse_procfile((Path(config.BASE_DIR) / "Procfile").read_text()).processes
    assert set(commands) == {"web", "worker", "beat", "relay"}
    password = secrets.token_urlsafe(18)
    port = _free_port()
    processes: list[ProcfileProcess] = []
    with RedisServer() as redis_server, Inbox() as inbox:
        environment = {name: value for name, value in os.environ.items() if not OWN_SETTINGS.match(name)} | {
            "GDT_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(36), "DATABASE_URL": cluster.url,
            "REDIS_URL": redis_server.url, "PUBLIC_BASE_URL": BASE, "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(inbox.port), "MAIL_FROM": "gdt@gemeente.example.nl", "GDT_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2", "PROXY_FIX_X_FOR": "1", "GDT_INSTANCE_DIR": str(tmp_path / "instance"),
            "ATTACHMENT_DIR": str(tmp_path / "attachments"), "ADDRESS_SERVICE_URL": "fixture:",
            "PYTHONUNBUFFERED": "1",
            "MFA_REQUIRED": "0"}  # the second factor has its own tests (tests/e2e/test_second_factor.py)
        token, invitations = prepare_installation(environment)
        try:
            for name, command in commands.items():
                processes.append(ProcfileProcess(name, command, environment, tmp_path / f"{name}.log"))
            web = processes[list(commands).index("web")]
            wait_until_serving(port, web)
            for link in invitations:
                accept_invitation(port, link, password)

            # The Woonoverlast-app sends a report.
            reference = send_report(port, token)["reference"]

            # A coordinator refers it to the partner, whose referrals go by mail.
            coordinator = log_in(port, "coordinator@gemeente.example.nl", password)
            report_page = coordinator.get(f"/reports/{reference}")
            assert reference in report_page
            referred_page = coordinator.submit(
                report_page, f"/reports/{reference}/refer", **{
                    "refer-partner": "buurtbemiddeling", "refer-reason": "Burenruzie: eerst bemiddeling.",
                    "refer-question": "Wilt u contact opnemen met beide buren voor een bemiddelingsgesprek?"})
            assert "Melding doorverwezen naar Buurtbemiddeling." in referred_page, referred_page[:3000]

            # The relay hands the outbox message to Redis, the worker mails the partner.
            message = mail_to(inbox, PARTNER_EMAIL, timeout=60)
            assert message is not None, "\n".join(f"--- {p.name} ---\n{p.log()[-3000:]}" for p in processes)
            assert message["Subject"].startswith("Doorverwijzing ")
            link = re.search(rf"{re.escape(BASE)}/doorverwijzing/\S+", message.get_content())
            assert link, message.get_content()

            deadline = time.monotonic() + 30
            while "Bezorgd (" not in (page := coordinator.get(f"/reports/{reference}")):
                assert time.monotonic() < deadline, page[:3000]
                time.sleep(0.5)
            assert "Bezorgd (E-mail)" in page

            # A manager reads the year's statistics: the report is in them, referred to the partner.
            manager = log_in(port, "manager@gemeente.example.nl", password)
            year = datetime.now(ZoneInfo("Europe/Amsterdam")).year
            document = json.loads(manager.get(f"/api/v1/statistics/{year}"))
            assert document["reports"]["total"] == 1
            assert {item["key"]: item["count"] for item in document["reports"]["by_channel"]}["app"] == 1
            assert {item["key"]: item["count"] for item in document["triage"]["by_outcome"]}["referred"] == 1
            assert {item["key"]: item["count"] for item in document["triage"]["referred_to"]} == {
                "buurtbemiddeling": 1}

            # SIGTERM to each process, as honcho, systemd and docker stop them: each exits by itself.
            for process in processes:
                process.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            for process in processes:
                try:
                    code = process.process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pytest.fail(f"{process.name} did not stop within {STOP_TIMEOUT:g} s of SIGTERM:\n"
                                f"{process.log()[-3000:]}")
                assert code == 0, f"{process.name} exited with {code}:\n{process.log()[-3000:]}"
            while any(process.group_alive() for process in processes) and time.monotonic() < deadline:
                time.sleep(0.1)  # a gunicorn worker or a Celery pool process still being reaped
            assert [process.name for process in processes if process.group_alive()] == []
        finally:
            for process in processes:
                process.kill()
            for process in processes:
                print(f"--- {process.name} ---\n{process.log()[-3000:]}")  # shown when the test fails

    for process in processes:
        assert "Traceback" not in process.log(), f"{process.name}:\n{process.log()[-6000:]}"
    assert "--config gunicorn.conf.py" in commands["web"] and f"Listening at: http://127.0.0.1:{port}" in web.log()
