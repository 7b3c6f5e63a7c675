"""Every line the production processes write is JSON, carries the request id it belongs to, and holds no personal
data, no token and no query string (README, "Logs"; gdt/logs.py, worker/task_logs.py).

gunicorn, a Celery worker, beat and the relay run as in the Procfile with production settings on PostgreSQL, Redis
and an SMTP sink. The walk enters recognisable personal data on every channel — a report from the app (with a
photo) through the API, one through the webform, one by an intake clerk on the phone form — then a coordinator
refers the phone report to the police, the referral mail is delivered, and the partner opens the mailed link and
answers. Afterwards every line of every process's output is read: each one is a JSON object; each request has one
line with its id (the one sent back in X-Request-ID); each task run has one line with the id of the request that
queued it; and none of the names, e-mail addresses, phone numbers, the address, the descriptions, the link token,
the API token, a session cookie or any query string that was sent appears anywhere.
"""
import contextlib
import html.parser
import http.client
import io
import json
import re
import secrets
import socket
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

import config
from gdt import logs
from gdt.db import db
from gdt.models import OutboxMessage
from tests.smtp import Inbox
from tests.workers import Program, RedisServer

pytestmark = pytest.mark.integration

VENV_BIN = Path(config.BASE_DIR, ".venv", "bin")
READY_TIMEOUT = 60.0
MARK = uuid.uuid4().hex[:8]
PASSWORD = "Logscan-wachtwoord-2026!"
ADDRESS = {"street": "Stratumseind", "postcode": "5611EN", "typed_postcode": "5611 en"}
# What residents and staff type, each recognisable: none of it may reach a log.
APP_REPORTER = {"name": f"Wilhelmina Appelboom{MARK}", "email": f"w.appelboom.{MARK}@example.nl",
                "phone": "06 4817 2935"}
WEB_REPORTER = {"name": f"Gijsbert Webformsma{MARK}", "email": f"gijsbert.{MARK}@example.nl", "phone": "0637195284"}
PHONE_REPORTER = {"name": f"Truus Telefoonhuis{MARK}", "email": f"truus-{MARK}@example.nl", "phone": "+31 6 5928 3716"}
DESCRIPTIONS = {channel: f"Logscan {channel} {MARK}: elke nacht harde bas bij de buren op drie hoog"
                for channel in ("app", "webform", "phone")}
TRIAGE_TEXTS = {"question": f"Logscan vraag {MARK}: wilt u langsgaan bij de bewoners?",
                "reason": f"Logscan reden {MARK}: eerdere meldingen op dit adres"}
FEEDBACK_NOTE = f"Logscan toelichting {MARK}: we gaan langs"
PHOTO_NAME = f"buren-{MARK}-achtertuin.jpg"


@pytest.fixture
def database_url(fresh_database_url):
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("runs production processes, which refuse SQLite: run with --postgres")
    return fresh_database_url


class Answer:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes, target: str):
        self.status, self.headers, self.body, self.target = status, headers, body, target

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers["Location"])._replace(scheme="", netloc="").geturl()


class Browser:
    """A client that keeps cookies as a browser would on https (the production cookies are Secure and the test
    server speaks plain http) and remembers every answer's X-Request-ID."""

    def __init__(self, port: int, seen: list[dict], sent: list[str]):
        self.port, self.seen, self.sent, self.cookies = port, seen, sent, {}

    def request(self, method: str, target: str, *, form: dict | None = None, body: bytes | None = None,
                headers: dict | None = None) -> Answer:
        headers = dict(headers or {})
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read(), target)
        finally:
            connection.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or "expires=thu, 01 jan 1970" in cookie.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
                self.sent.append(value)
        self.seen.append({"method": method, "target": target, "status": answer.status,
                          "request_id": answer.headers.get(logs.HEADER), "offered": headers.get(logs.HEADER)})
        return answer

    def get(self, target: str, **options) -> Answer:
        return self.request("GET", target, **options)

    def post(self, target: str, **options) -> Answer:
        return self.request("POST", target, **options)

    def follow(self, answer: Answer) -> Answer:
        while answer.status in (301, 302, 303, 307, 308):
            answer = self.get(answer.location)
        return answer


class Forms(html.parser.HTMLParser):
    """The forms of a page: their action and the values a browser would send without typing (hidden inputs,
    checked boxes, the first radio of each group, selected options)."""

    def __init__(self, page: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action"), "fields": {}, "radios": {}})
        elif not self.forms:
            return
        fields, radios = (self.forms[-1]["fields"], self.forms[-1]["radios"]) if self.forms else ({}, {})
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind == "radio":
                radios.setdefault(name, []).append(attributes.get("value"))
            elif kind == "hidden" or (kind == "checkbox" and "checked" in attributes):
                fields[name] = attributes.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            fields[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def posting_to(self, action_part: str | None = None) -> dict:
        """The form whose action holds `action_part`, or (None) the first that posts back to the page itself."""
        for form in self.forms:
            if (action_part is None and not form["action"]) or (action_part and action_part in (form["action"] or "")):
                return form
        raise AssertionError(f"no form posting to {action_part!r}")


def _prepare(database_url: str) -> dict:
    """The schema, the default reference data, an intake clerk, a coordinator, the app's API client, and the
    police with an e-mail address for the referral mail."""
    from gdt import create_app
    from gdt.models import Partner
    from gdt.services.admin import users
    from gdt.services.core import reference_data, tokens

    class Prepare(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SQLALCHEMY_ENGINE_OPTIONS = {}

    app = create_app(Prepare)
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        prepared = {"police": f"politie.{MARK}@example.org", "intake": f"intake.{MARK}@gemeente.example.nl",
                    "coordinator": f"regie.{MARK}@gemeente.example.nl"}
        db.session.scalar(sa.select(Partner).where(Partner.key == "politie")).email = prepared["police"]
        db.session.commit()
        users.create_user(prepared["intake"], "Ingrid Intake", "intake", PASSWORD, actor=None)
        users.create_user(prepared["coordinator"], "Cor Regisseur", "coordinator", PASSWORD, actor=None)
        prepared["api_token"] = tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1]
        db.session.remove()
        db.engine.dispose()
    return prepared


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(what: str, ready, programs: list[Program], timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for program in programs:
            assert program.running(), f"{program.command[0]} exited:\n{program.log()[-4000:]}"
        with contextlib.suppress(OSError):
            if ready():
                return
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout:g} s:\n" + "\n".join(program.log()[-2000:] for program in programs))


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def _multipart(field: str, filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = f"logscan{secrets.token_hex(8)}"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _log_in(browser: Browser, email: str) -> None:
    page = browser.get("/login")
    fields = Forms(page.text).posting_to()["fields"]
    answer = browser.post("/login", form=fields | {"email": email, "password": PASSWORD})
    assert answer.status == 302, answer.text[:2000]
    browser.follow(answer)


def _walk(port: int, prepared: dict, inbox: Inbox, seen: list[dict], sent: list[str]) -> dict:
    """Everything a day brings, over HTTP; returns what the checks need to know."""
    walked = {}

    # The app: a report with the reporter's details, a photo, and a look at its status.
    app = Browser(port, seen, sent)
    bearer = {"Authorization": f"Bearer {prepared['api_token']}"}
    report = {"category": "geluidsoverlast", "description": DESCRIPTIONS["app"],
              "location": {"postcode": ADDRESS["postcode"], "house_number": 12},
              "reporter": {"name": APP_REPORTER["name"], "email": APP_REPORTER["email"],
                           "phone": APP_REPORTER["phone"], "may_contact": True}}
    answer = app.post("/api/v1/reports", body=json.dumps(report).encode(), headers=bearer | {
        "Content-Type": "application/json", "Idempotency-Key": f'"logscan-{MARK}"',
        logs.HEADER: f"logscan-app-{MARK}"})
    assert answer.status == 201, answer.text
    created = json.loads(answer.body)
    walked["app_reference"], walked["status_token"] = created["reference"], created["statusToken"]
    body, content_type = _multipart("file", PHOTO_NAME, _photo(), "image/jpeg")
    answer = app.post(f"/api/v1/reports/{walked['app_reference']}/attachments", body=body,
                      headers=bearer | {"Content-Type": content_type})
    assert answer.status == 201, answer.text
    answer = app.get(f"/api/v1/reports/{walked['app_reference']}/status",
                     headers=bearer | {"X-Status-Token": walked["status_token"]})
    assert answer.status == 200, answer.text

    # A resident on the webform.
    resident = Browser(port, seen, sent)
    page = resident.follow(resident.get("/melden"))
    form = Forms(page.text).posting_to("/melden")
    answer = resident.post(form["action"], form=form["fields"] | {
        "category": "geluidsoverlast", "description": DESCRIPTIONS["webform"], "postcode": ADDRESS["typed_postcode"],
        "house_number": "14", "reporter_name": WEB_REPORTER["name"], "reporter_email": WEB_REPORTER["email"],
        "reporter_phone": WEB_REPORTER["phone"], "reporter_may_contact": "y"})
    assert answer.status == 303, answer.text[:3000]
    assert resident.follow(answer).status == 200

    # An intake clerk takes a call.
    clerk = Browser(port, seen, sent)
    _log_in(clerk, prepared["intake"])
    fields = Forms(clerk.get("/intake/reports/new").text).posting_to()["fields"]
    answer = clerk.post("/intake/reports/new", form=fields | {
        "category": "geluidsoverlast", "description": DESCRIPTIONS["phone"], "postcode": ADDRESS["typed_postcode"],
        "house_number": "16", "street": ADDRESS["street"], "city": "Eindhoven",
        "reporter_name": PHONE_REPORTER["name"], "reporter_email": PHONE_REPORTER["email"],
        "reporter_phone": PHONE_REPORTER["phone"], "reporter_may_contact": "y"})
    assert answer.status == 302, answer.text[:3000]
    walked["phone_reference"] = answer.location.rsplit("/", 1)[-1]
    assert clerk.follow(answer).status == 200
    assert clerk.get(f"/intake/mine?q={urllib.parse.quote(PHONE_REPORTER['name'])}").status == 200

    # A coordinator refers the phone report to the police.
    coordinator = Browser(port, seen, sent)
    _log_in(coordinator, prepared["coordinator"])
    reference = walked["phone_reference"]
    form = Forms(coordinator.get(f"/reports/{reference}").text).posting_to(f"/reports/{reference}/refer")
    answer = coordinator.post(form["action"], form=form["fields"] | {
        "refer-partner": "politie", "refer-question": TRIAGE_TEXTS["question"],
        "refer-reason": TRIAGE_TEXTS["reason"]})
    assert answer.status == 302, answer.text[:3000]
    walked["refer_request_id"] = coordinator.seen[-1]["request_id"]
    assert coordinator.follow(answer).status == 200
    assert coordinator.get(f"/cases?sort=address&adres={ADDRESS['street']}").status == 200

    # The referral mail reaches the police; the partner opens the link and answers.
    deadline = time.monotonic() + 60
    mail = None
    while mail is None and time.monotonic() < deadline:
        mail = next((message for recipients, message in inbox.received if prepared["police"] in recipients), None)
        time.sleep(0.2)
    assert mail is not None, "the referral mail did not arrive"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https://gdt\.example\.test(/doorverwijzing/[^\s\"<>]+)", text).group(1)
    walked["link_token"] = link.rsplit("/", 1)[-1]
    partner = Browser(port, seen, sent)
    page = partner.follow(partner.get(link))
    assert page.status == 200 and walked["link_token"] not in page.target
    form = Forms(page.text).posting_to()
    answer = partner.post(page.target, form=form["fields"] | {
        "action": form["radios"]["action"][0], "note": FEEDBACK_NOTE})
    assert answer.status in (302, 303), answer.text[:3000]
    assert partner.follow(answer).status == 200
    return walked


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _parsed(name: str, text: str) -> tuple[list[dict], list[str]]:
    objects, broken = [], []
    for line in _lines(text):
        try:
            parsed = json.loads(line)
        except ValueError:
            broken.append(f"{name}: {line[:300]}")
            continue
        if not isinstance(parsed, dict) or not {"time", "level", "logger", "message"} <= set(parsed):
            broken.append(f"{name}: {line[:300]}")
        else:
            objects.append(parsed)
    return objects, broken


@pytest.mark.timeout(300)
def test_every_line_of_every_process_is_json_with_request_ids_and_nothing_personal(database_url, tmp_path):
    prepared = _prepare(database_url)
    port = _free_port()
    seen: list[dict] = []
    sent: list[str] = []
    with RedisServer() as redis_server, Inbox() as inbox:
        environment = {
            "GDT_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(36), "DATABASE_URL": database_url,
            "REDIS_URL": redis_server.url, "PUBLIC_BASE_URL": "https://gdt.example.test", "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(inbox.port), "MAIL_FROM": "gdt@example.test", "ADDRESS_SERVICE_URL": "fixture:",
            "GDT_INSTANCE_DIR": str(tmp_path / "instance"), "ATTACHMENT_DIR": str(tmp_path / "attachments"),
            "PYTHONUNBUFFERED": "1",
            "MFA_REQUIRED": "0"}  # the second factor has its own tests (tests/e2e/test_second_factor.py)
        programs = {
            "web": Program([str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py", "-w", "2", "-b",
                            f"127.0.0.1:{port}", "wsgi:app"], environment, tmp_path / "web.log"),
            "worker": Program([str(VENV_BIN / "celery"), "-A", "worker.app", "worker", "--loglevel", "INFO",
                               "-c", "2"], environment, tmp_path / "worker.log"),
            "beat": Program([str(VENV_BIN / "celery"), "-A", "worker.app", "beat", "--loglevel", "INFO"],
                            environment, tmp_path / "beat.log"),
            "relay": Program([str(VENV_BIN / "flask"), "--app", "wsgi", "outbox-relay", "--interval", "1"],
                             environment, tmp_path / "relay.log"),
        }
        try:
            for program in programs.values():
                program.start()
            _wait_for("the worker was not ready", lambda: " ready." in programs["worker"].log(),
                      list(programs.values()))
            probe = Browser(port, seen, sent)
            _wait_for("gunicorn did not serve", lambda: probe.get("/melden").status in (302, 303),
                      list(programs.values()))
            walked = _walk(port, prepared, inbox, seen, sent)
            _wait_for("the outbox was not emptied", lambda: _waiting(database_url) == 0, list(programs.values()))
            time.sleep(1.5)  # the relay's next run, beat's first tick
        finally:
            for program in programs.values():
                program.stop()
    texts = {name: program.log() for name, program in programs.items()}

    # 1. Every line of every process is one JSON object; each process wrote some.
    parsed, broken = {}, []
    for name, text in texts.items():
        parsed[name], not_json = _parsed(name, text)
        broken += not_json
        assert parsed[name], f"{name} wrote nothing"
    assert broken == [], "\n".join(broken[:20])

    # 2. One request line per request, with the id its answer carried (an offered one kept).
    request_lines = [line for line in parsed["web"] if line["logger"] == "gdt.request"]
    assert len(request_lines) == len(seen), (len(request_lines), len(seen))
    by_id = {line["request_id"]: line for line in request_lines}
    for request in seen:
        assert request["request_id"] and logs.SAFE_ID.fullmatch(request["request_id"]), request
        line = by_id[request["request_id"]]
        assert (line["method"], line["status"]) == (request["method"], request["status"]), (request, line)
        assert line["duration_ms"] >= 0 and "endpoint" in line and "route" in line
    assert by_id[f"logscan-app-{MARK}"]["route"] == "/api/v1/reports"
    assert not [line for line in parsed["web"] if line["logger"] == "gunicorn.access"]
    assert {line["user_id"] for line in request_lines if line.get("user_id")}  # the staff were logged in

    # 3. One line per task run, with the id of the request that queued it.
    messages = _messages(database_url)
    task_lines = {line["task_id"]: line for line in parsed["worker"] if line["logger"] == "gdt.task"}
    post_ids = {request["request_id"] for request in seen if request["method"] == "POST"}
    assert messages and all(message["processed"] for message in messages)
    for message in messages:
        assert message["request_id"] in post_ids, message
        line = task_lines[message["id"]]
        assert (line["state"], line["request_id"]) == ("SUCCESS", message["request_id"]), (message, line)
    topics = {message["topic"]: message["request_id"] for message in messages}
    assert topics["referral.deliver"] == walked["refer_request_id"]
    assert f"logscan-app-{MARK}" in {message["request_id"] for message in messages}

    # 4. Nothing personal, no token, no query string — in any line of any process.
    forbidden = [*APP_REPORTER.values(), *WEB_REPORTER.values(), *PHONE_REPORTER.values(), *DESCRIPTIONS.values(),
                 *TRIAGE_TEXTS.values(), FEEDBACK_NOTE, PHOTO_NAME, ADDRESS["street"], ADDRESS["postcode"],
                 "5611 EN", walked["link_token"], walked["link_token"].split(".")[0], prepared["api_token"],
                 walked["status_token"],
                 prepared["intake"], prepared["coordinator"], prepared["police"], *sent]
    forbidden += [re.sub(r"\D", "", person["phone"]) for person in (APP_REPORTER, WEB_REPORTER, PHONE_REPORTER)]
    queries = {urllib.parse.urlsplit(request["target"]).query for request in seen} - {""}
    assert queries, "the walk sent query strings"
    for name, text in texts.items():
        found = [value for value in [*forbidden, *queries] if value and value.lower() in text.lower()]
        assert found == [], f"{name} logged {found}"
        assert not re.search(r"\?(?!\[query\])[^\s\"'?]*=", text), f"{name} logged a query string"


def _waiting(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.processed_at.is_(None)))
    finally:
        engine.dispose()


def _messages(database_url: str) -> list[dict]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(OutboxMessage.id, OutboxMessage.topic, OutboxMessage.request_id,
                                                OutboxMessage.processed_at)).all()
    finally:
        engine.dispose()
    return [{"id": row.id, "topic": row.topic, "request_id": row.request_id, "processed": row.processed_at is not None}
            for row in rows]
