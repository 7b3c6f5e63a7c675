"""Two web nodes, one system: two gunicorn instances on their own ports and instance folders, against one private
PostgreSQL cluster, one Redis and one object store (a local S3 server), each running the in-process scheduler.

A login on node A works on node B and a logout on B ends it on A (the sessions live in the database); a rate limit
counts requests on both (Redis); a photo sent to A downloads through B (the object store); an app's retry of the
same report on the other node gets the same report back (the Idempotency-Key record); and the periodic work runs
in one process of the four, passing to the other node when the leading one stops (worker/leader.py).
"""
import re
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import db
from gdt.services.admin import users
from gdt.services.core import reference_data, tokens
from tests.attachment_files import jpeg_with_gps
from tests.postgres import Cluster
from tests.processes import VENV_BIN, Process, free_port, wait_until_serving
from tests.s3 import S3Server
from tests.workers import RedisServer

pytestmark = pytest.mark.integration

EMAIL, PASSWORD = "regisseur@gemeente.example.nl", "een-lang-twee-nodes-wachtwoord"
RESET_LIMIT = 6  # "forgot password" requests per minute from one address, counted over both nodes
LEADS = "this process now leads the periodic work"
REPORT = {"category": "geluidsoverlast", "description": "Elke nacht harde muziek",
          "location": {"postcode": "5611AB", "house_number": 12}, "reporter": {"anonymous": True}}


class Node:
    def __init__(self, name: str, environment: dict, tmp_path: Path):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        instance = tmp_path / f"instance-{name}"
        self.process = Process(
            [str(VENV_BIN / "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "2", "-b", f"127.0.0.1:{self.port}",
             "wsgi:app"], environment | {"GDT_INSTANCE_DIR": str(instance), "ATTACHMENT_DIR": str(instance / "files")},
            tmp_path / f"node-{name}.log")

    def leads(self) -> int:
        return self.process.log().count(LEADS)


@pytest.fixture
def cluster(request):
    if not request.config.getoption("--postgres"):
        pytest.skip("two web nodes share one PostgreSQL: run with --postgres")
    with Cluster("gdt_nodes") as private:
        yield private


@pytest.fixture
def system(cluster, tmp_path):
    """The database set up, then Redis, the object store and the two nodes; yields (a, b, app token, setup app)."""
    class SetupConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = cluster.url
        SQLALCHEMY_ENGINE_OPTIONS = config.engine_options(cluster.url)

    setup = create_app(SetupConfig)
    with setup.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        users.create_user(EMAIL, "Rita Regisseur", "coordinator", PASSWORD, actor=None)
        token = tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1]
        db.session.commit()
        db.session.remove()
    nodes: list[Node] = []
    try:
        with RedisServer() as redis_server, S3Server() as s3:
            environment = {"DATABASE_URL": cluster.url, "REDIS_URL": redis_server.url, "SECRET_KEY": "two-nodes-secret",
                           "MFA_REQUIRED": "0", "LOG_FORMAT": "json", "GDT_IN_PROCESS_SCHEDULER": "1",
                           "SCHEDULER_INTERVAL_SECONDS": "0.5",
                           "PASSWORD_RESET_RATE_LIMIT": f"{RESET_LIMIT} per minute",
                           "PYTHONUNBUFFERED": "1"} | s3.environment("gdt-bijlagen")
            nodes = [Node("a", environment, tmp_path), Node("b", environment, tmp_path)]
            for node in nodes:
                wait_until_serving(node.url, node.process)
            yield nodes[0], nodes[1], token, setup
    finally:
        for node in nodes:
            print(f"--- node {node.name} ---\n{node.process.log()[-3000:]}")  # shown when the test fails
            node.process.kill()
        with setup.app_context():
            db.session.remove()
            db.engine.dispose()


def log_in(session: requests.Session, node: Node) -> None:
    form = session.get(f"{node.url}/login")
    answer = session.post(f"{node.url}/login", data={"csrf_token": token_in(form.text), "email": EMAIL,
                                                     "password": PASSWORD}, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]


def token_in(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def signed_in(session: requests.Session, node: Node) -> bool:
    """Whether the start page opens, rather than sending the browser to the login page."""
    answer = session.get(f"{node.url}/")
    assert answer.status_code == 200, answer.status_code
    return "/login" not in answer.url


def post_report(node: Node, token: str, key: str) -> requests.Response:
    return requests.post(f"{node.url}/api/v1/reports", json=REPORT, timeout=30, headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": f'"{key}"'})


@pytest.mark.timeout(180)
def test_two_nodes_share_sessions_limits_files_retries_and_one_scheduler(system):
    a, b, token, setup = system

    # A login on A works on B; a logout on B ends it on A.
    browser = requests.Session()
    log_in(browser, a)
    assert signed_in(browser, a) and signed_in(browser, b)
    page = browser.get(f"{b.url}/")
    assert browser.post(f"{b.url}/logout", data={"csrf_token": token_in(page.text)},
                        allow_redirects=False).status_code == 302
    assert not signed_in(browser, a)

    # The app's retry of the same report, sent to the other node, gets the same report back.
    first = post_report(a, token, "twee-nodes-1")
    again = post_report(b, token, "twee-nodes-1")
    assert first.status_code == 201 and again.status_code == 201, (first.text, again.text)
    assert again.json()["reference"] == first.json()["reference"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    reference = first.json()["reference"]

    # A photo sent to A downloads through B, for a coordinator signed in there.
    photo = jpeg_with_gps()
    uploaded = requests.post(f"{a.url}/api/v1/reports/{reference}/attachments", timeout=30,
                             headers={"Authorization": f"Bearer {token}"},
                             files={"file": ("foto.jpg", photo, "image/jpeg")})
    assert uploaded.status_code == 201, uploaded.text
    log_in(browser, b)
    download = browser.get(f"{b.url}/reports/{reference}/attachments/{uploaded.json()['id']}")
    assert download.status_code == 200 and download.headers["Content-Type"] == "image/jpeg"
    assert download.content[:2] == b"\xff\xd8" and len(download.content) == uploaded.json()["size"]
    for node in (a, b):  # neither node kept the file itself
        assert not any(Path(node.process.log_path.parent / f"instance-{node.name}" / "files").rglob("*.jpg"))

    # A rate limit counts the requests on both nodes: "forgot password" on A and B in turn.
    stranger = requests.Session()
    csrf_token = token_in(stranger.get(f"{a.url}/password/forgot").text)
    statuses = [stranger.post(f"{(a, b)[number % 2].url}/password/forgot", timeout=30, data={
        "csrf_token": csrf_token, "email": f"iemand{number}@example.nl"}).status_code
                for number in range(RESET_LIMIT + 1)]
    assert 429 not in statuses[:RESET_LIMIT] and statuses[-1] == 429, statuses

    # One process of the four leads the periodic work, and it does run: the tallies' deltas get merged.
    time.sleep(2)
    assert a.leads() + b.leads() == 1, (a.leads(), b.leads())
    assert wait_for(lambda: uncompacted_tallies(setup) == 0), "the leader merged no tallies"
    leader, other = (a, b) if a.leads() else (b, a)
    leader.process.kill()
    assert wait_for(lambda: other.leads() == 1), "the other node did not take the lead"


def uncompacted_tallies(app) -> int:
    from gdt.models import ReportTally

    with app.app_context():
        try:
            return db.session.scalar(sa.select(sa.func.count()).where(ReportTally.compacted.is_(False)))
        finally:
            db.session.remove()


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
