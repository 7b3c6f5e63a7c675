"""A backup restores into a fresh PostgreSQL cluster with the same statistics, tallies and attachments (README,
"Backups and upgrades").

The database is made as in production (`flask db upgrade`), filled with the demo data and a few photos and recordings,
then dumped with `pg_dump -Fc` from the test cluster; the attachment store is copied after the dump, as the README
says. A second cluster, new and empty, gets the dump with `pg_restore`. Against it and the copied store: every
table has as many rows, `flask stats` gives the same document for each year, `flask tallies check` and `flask
attachments check` are clean, and the tallies' triggers came along (a report added after the restore is counted).
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

import config
from gdt.db import db, utcnow
from gdt.services.core.transaction import unit_of_work
from tests import attachment_files as files
from tests.factories import Builders
from tests.postgres import Cluster, server_bin_dir

pytestmark = pytest.mark.integration

FLASK = str(Path(config.BASE_DIR, ".venv", "bin", "flask"))
DEMO_REPORTS = 120


@pytest.fixture
def database_url(fresh_database_url):
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("pg_dump and pg_restore: run with --postgres")
    return fresh_database_url


def flask(*arguments: str, url: str, store: Path, tmp_path: Path, check: bool = True) -> subprocess.CompletedProcess:
    """`flask --app wsgi …` as an operator runs it, against `url` and the attachment store `store`."""
    environment = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ} | {
        "DATABASE_URL": url, "ATTACHMENT_DIR": str(store), "GDT_INSTANCE_DIR": str(tmp_path / "instance"),
        "SECRET_KEY": "backup-restore-test-secret-key-0123456789", "ADDRESS_SERVICE_URL": "fixture:"}
    done = subprocess.run([FLASK, "--app", "wsgi", *arguments], cwd=config.BASE_DIR, env=environment,
                          capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, f"flask {' '.join(arguments)}:\n{done.stdout}\n{done.stderr}"
    return done


def connection_options(url: str) -> list[str]:
    """pg_dump/pg_restore options for a SQLAlchemy URL on a Unix socket (`postgresql+psycopg://user@/db?host=…`)."""
    parsed = sa.engine.make_url(url)
    return ["-h", parsed.query["host"], "-U", parsed.username, "-d", parsed.database]


def app_on(url: str, store: Path):
    from gdt import create_app

    class On(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = {}
        ATTACHMENT_DIR = str(store)

    return create_app(On)


def add_attachments(url: str, store: Path) -> int:
    """Photos and a recording on a few demo reports, stored as uploads store them; one photo has its thumbnail."""
    from gdt.models import Report
    from gdt.services.intake import attachments, thumbnails

    app = app_on(url, store)
    with app.app_context():
        reports = db.session.scalars(sa.select(Report).order_by(Report.id).limit(4)).all()
        with unit_of_work():
            stored = [attachments.store(report, attachments.prepare(name, data))
                      for report in reports
                      for name, data in (("foto.jpg", files.jpeg_with_gps()), ("opname.wav", files.wav()))]
        photo = stored[0]
        thumbnails.path_for(photo).write_bytes(thumbnails.make(store / photo.storage_name))
        db.session.remove()
        db.engine.dispose()
    return len(stored)


def row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {table: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
                    for table in sorted(sa.inspect(connection).get_table_names())}
    finally:
        engine.dispose()


def years() -> list[int]:
    this_year = utcnow().year
    return [this_year - 2, this_year - 1, this_year]


@pytest.mark.timeout(600)
def test_a_dump_restored_into_a_fresh_cluster_gives_the_same_statistics_and_a_clean_check(database_url, tmp_path):
    source_store, restored_store = tmp_path / "attachments", tmp_path / "restored-attachments"
    flask("db", "upgrade", url=database_url, store=source_store, tmp_path=tmp_path)
    flask("demo", "--reports", str(DEMO_REPORTS), url=database_url, store=source_store, tmp_path=tmp_path)
    from_demo = row_counts(database_url)["attachments"]  # the demo resident's logbook photo
    assert add_attachments(database_url, source_store) == 8
    flask("tallies", "compact", url=database_url, store=source_store, tmp_path=tmp_path)
    statistics = {year: flask("stats", str(year), "--format", "json", url=database_url, store=source_store,
                              tmp_path=tmp_path).stdout for year in years()}
    assert all(json.loads(document)["reports"]["total"] > 0 for document in statistics.values())
    counts = row_counts(database_url)
    before = flask("attachments", "check", url=database_url, store=source_store, tmp_path=tmp_path).stdout
    assert counts["reports"] > 2 * DEMO_REPORTS and counts["attachments"] == from_demo + 8 \
        and counts["report_tallies"] > 0

    # The backup: the database first, then the files (a file written meanwhile is at worst one without a row).
    bin_dir = server_bin_dir()
    dump = tmp_path / "gdt.dump"
    subprocess.run([str(bin_dir / "pg_dump"), "-Fc", "-f", str(dump), *connection_options(database_url)],
                   check=True, timeout=300)
    shutil.copytree(source_store, restored_store)

    with Cluster("gdt_restored") as fresh:
        restored = subprocess.run([str(bin_dir / "pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                                   *connection_options(fresh.url), str(dump)],
                                  capture_output=True, text=True, timeout=300)
        assert restored.returncode == 0, restored.stderr
        url = fresh.url

        assert row_counts(url) == counts
        for year, document in statistics.items():
            assert flask("stats", str(year), "--format", "json", url=url, store=restored_store,
                         tmp_path=tmp_path).stdout == document, year
        assert "The tallies match the reports." in flask("tallies", "check", url=url, store=restored_store,
                                                         tmp_path=tmp_path).stdout
        checked = flask("attachments", "check", url=url, store=restored_store, tmp_path=tmp_path)
        assert checked.stdout == before and "agree" in checked.stdout  # every row and file, documents' too
        assert "(head)" in flask("db", "current", url=url, store=restored_store, tmp_path=tmp_path).stdout

        # The triggers came along: a report added to the restored database is counted as it is stored.
        app = app_on(url, restored_store)
        with app.app_context():
            Builders(db.session).report(received_at=utcnow())
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        assert "The tallies match the reports." in flask("tallies", "check", url=url, store=restored_store,
                                                         tmp_path=tmp_path).stdout
        assert row_counts(url)["reports"] == counts["reports"] + 1

        # And the check is not blind: a file lost from the copy is named.
        engine = sa.create_engine(url)
        with engine.connect() as connection:  # an attachment's own file (the store holds documents' files too)
            name = connection.scalar(sa.text("SELECT storage_name FROM attachments ORDER BY storage_name LIMIT 1"))
        engine.dispose()
        lost = restored_store / name
        lost.unlink()
        missing = flask("attachments", "check", url=url, store=restored_store, tmp_path=tmp_path, check=False)
        assert missing.returncode == 1 and "file missing: attachment" in missing.stderr and lost.name in missing.stderr
