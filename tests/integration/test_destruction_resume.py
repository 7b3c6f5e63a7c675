"""`flask retention execute` killed with SIGKILL halfway leaves no case half removed, and running it again finishes.

The list is approved in the test process (with the in-process slice set to nothing, so approval destroys nothing);
the command runs as an operator runs it, against a SQLite file or a PostgreSQL database of its own. Once some items
are destroyed the process is killed. Then every case is either wholly removed (its item destroyed, its reports'
texts and its journal gone) or untouched (item open, every text still there). A second run finishes the list; with
--postgres a plain `pg_dump` of the database holds none of the destroyed texts.
"""
import os
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

import config
from gdt.db import db
from gdt.models import Case, CaseNote, Report, User
from gdt.models.retention import DestructionItem, DestructionList
from gdt.services.core import reference_data
from gdt.services.retention import destruction
from tests.factories import Builders
from tests.postgres import server_bin_dir
from tests.services.test_destruction_lists import DESTROYED_CONTACT, DESTROYED_MARK, build_scenario

pytestmark = pytest.mark.integration

FLASK = str(Path(config.BASE_DIR, ".venv", "bin", "flask"))
CASES = 300
KILL_AFTER = 25  # items destroyed before the kill: well before the end
MARK = "Inhoudsmarkering"


def fill(count: int) -> None:
    """`count` closed cases past their date, each with two reports and a journal note full of text."""
    category = reference_data.category_by_key("geluidsoverlast")
    author = User(email="regisseur@gdt.test", name="Regisseur", role="coordinator", password_hash="x")
    db.session.add(author)
    moment = datetime(2025, 2, 3, 10, tzinfo=UTC)
    for number in range(count):
        case = Case(reference=f"GDT-K-{number:05d}", source="report", status="closed", mode="advice",
                    received_at=moment, opened_at=moment, closed_at=moment, result="de-escalated",
                    result_note=f"{MARK} {number}", archive_nomination="destroy",
                    destruction_due_on=date(2026, 1, 1))
        case.reports = [Report(reference=f"GDT-R-{number:05d}-{n}", channel="app", status="escalated",
                               triage_outcome="escalated", triaged_at=moment, received_at=moment, category=category,
                               postcode="5611AB", house_number=n + 1, description=f"{MARK} {number}",
                               reporter_name=f"Melder {MARK}") for n in range(2)]
        case.notes = [CaseNote(author=author, body=f"{MARK} {number}")]
        db.session.add(case)
    db.session.commit()


@pytest.fixture
def prepared(fresh_database_url, tmp_path, monkeypatch):
    store = tmp_path / "attachments"
    store.mkdir()

    class On(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url
        SQLALCHEMY_ENGINE_OPTIONS = {}
        ATTACHMENT_DIR = str(store)

    from gdt import create_app
    app = create_app(On)
    monkeypatch.setattr(destruction, "IN_PROCESS_SECONDS", 0.0)  # approval starts the run: let it do nothing
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        make = Builders(db.session)
        rich = build_scenario(make)
        fill(CASES)
        archivist = make.user(role="archivist")
        lst = destruction.propose(date(2026, 6, 1))
        destruction.approve(lst, actor=archivist)
        reference, rich_case = lst.reference, rich["case"].reference
        db.session.remove()
    yield app, fresh_database_url, store, reference, rich_case
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def execute(url: str, store: Path, tmp_path: Path, reference: str) -> subprocess.Popen:
    environment = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ} | {
        "DATABASE_URL": url, "ATTACHMENT_DIR": str(store), "GDT_INSTANCE_DIR": str(tmp_path / "instance"),
        "SECRET_KEY": "destruction-resume-test-secret-key-0123456789", "ADDRESS_SERVICE_URL": "fixture:",
        "RETENTION_EXECUTE_BATCH": "1"}  # a transaction per item: the kill lands mid-run
    return subprocess.Popen([FLASK, "--app", "wsgi", "retention", "execute", reference], cwd=config.BASE_DIR,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def destroyed_items(app, url: str) -> int:
    if url.startswith("sqlite"):
        # A plain read beside the run: the app's own transactions begin IMMEDIATE (they take the write lock first),
        # and a poller queued behind a run of one-item transactions would get in only once the run is over.
        with closing(sqlite3.connect(sa.engine.make_url(url).database, timeout=10)) as connection:
            return connection.execute("SELECT count(*) FROM destruction_items WHERE destroyed_at IS NOT NULL"
                                      ).fetchone()[0]
    with app.app_context():
        try:
            return db.session.scalar(sa.select(sa.func.count()).where(DestructionItem.destroyed_at.is_not(None)))
        finally:
            db.session.remove()


def check_whole(app) -> tuple[int, int]:
    """Every case wholly removed or untouched; (removed, untouched)."""
    removed = untouched = 0
    with app.app_context():
        items = dict(db.session.execute(sa.select(DestructionItem.object_id, DestructionItem.destroyed_at)
                                        .where(DestructionItem.object_type == "case")).all())
        for case in db.session.scalars(sa.select(Case).where(Case.reference.like("GDT-K-%"))):
            texts = [case.result_note, *(report.description for report in case.reports),
                     *(report.reporter_name for report in case.reports), *(note.body for note in case.notes)]
            if items[case.id] is not None:
                assert case.destroyed_at is not None and all(report.destroyed_at for report in case.reports)
                assert not any(text and MARK in text for text in texts), case.reference
                removed += 1
            else:
                assert case.destroyed_at is None and not any(report.destroyed_at for report in case.reports)
                assert all(text and MARK in text for text in texts) and len(texts) == 6, case.reference
                untouched += 1
        db.session.remove()
    return removed, untouched


def test_a_killed_run_leaves_whole_cases_and_the_next_run_finishes(prepared, tmp_path):
    app, url, store, reference, rich_case = prepared
    first = execute(url, store, tmp_path, reference)
    deadline = time.monotonic() + 120
    while destroyed_items(app, url) < KILL_AFTER:
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the run did not start"
        time.sleep(0.02)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate(timeout=30)  # reaps it and closes its pipes
    assert first.returncode == -signal.SIGKILL

    removed, untouched = check_whole(app)
    assert removed >= KILL_AFTER - 1 and untouched > 0, (removed, untouched)
    with app.app_context():
        assert db.session.scalar(sa.select(DestructionList.status)) == "approved"
        db.session.remove()

    second = execute(url, store, tmp_path, reference)
    output, errors = second.communicate(timeout=600)
    assert second.returncode == 0, errors
    assert "executed" in output
    assert check_whole(app) == (CASES, 0)
    with app.app_context():
        assert db.session.scalar(sa.select(DestructionList.status)) == "executed"
        assert db.session.scalar(sa.select(sa.func.count()).where(
            DestructionItem.destroyed_at.is_(None), DestructionItem.excluded_at.is_(None))) == 0
        assert db.session.scalar(sa.select(Case.destroyed_at).where(Case.reference == rich_case)) is not None
        db.session.remove()
    if url.startswith("postgresql"):
        dump = plain_dump(url)
        for secret in (MARK, DESTROYED_MARK, *DESTROYED_CONTACT):
            assert secret not in dump, secret


def plain_dump(url: str) -> str:
    parsed = sa.engine.make_url(url)
    done = subprocess.run([str(server_bin_dir() / "pg_dump"), "--data-only", "-h", parsed.query["host"],
                           "-U", parsed.username, "-d", parsed.database], capture_output=True, text=True,
                          timeout=300, check=True)
    assert "COPY public.reports" in done.stdout
    return done.stdout
