"""`flask db upgrade` builds the schema from nothing, `flask db check` finds no drift, downgrade undoes it."""
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

import config

pytestmark = pytest.mark.integration


def _flask(*args, url, tmp_path):
    env = os.environ | {"DATABASE_URL": url, "GDT_INSTANCE_DIR": str(tmp_path / "instance"), "GDT_ENV": "development"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=config.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_upgrade_check_and_downgrade_on_an_empty_database(fresh_database_url, tmp_path):
    upgrade = _flask("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    engine = sa.create_engine(fresh_database_url)
    tables = set(sa.inspect(engine).get_table_names())
    assert {"reports", "cases", "users", "partners", "audit_events", "alembic_version"} <= tables

    check = _flask("db", "check", url=fresh_database_url, tmp_path=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr

    downgrade = _flask("db", "downgrade", "base", url=fresh_database_url, tmp_path=tmp_path)
    assert downgrade.returncode == 0, downgrade.stderr
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_check_constraints_are_named_in_the_database(fresh_database_url, tmp_path):
    assert _flask("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    engine = sa.create_engine(fresh_database_url)
    names = {check["name"] for check in sa.inspect(engine).get_check_constraints("reports")}
    engine.dispose()
    assert {"ck_reports_referred_has_partner", "ck_reports_triaged_unless_received",
            "ck_reports_anonymous_has_no_details"} <= names


def test_the_tallies_migration_counts_existing_reports_and_then_keeps_counting(fresh_database_url, tmp_path):
    """Reports from before the tallies are counted by the migration; the triggers count every change after it."""
    assert _flask("db", "upgrade", "eec93557b781", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    engine = sa.create_engine(fresh_database_url)
    report = ("INSERT INTO reports (reference, channel, received_at, status, category_id, postcode, house_number, "
              "reporter_is_anonymous, reporter_may_contact, version, created_at, updated_at) VALUES "
              "(:reference, 'app', :at, 'received', 1, '5611AB', 1, true, false, 1, :at, :at)")
    at = "2025-12-31 23:30:00"  # UTC: 1 January 2026, 00:30 in Amsterdam
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO categories (id, key, label, position, is_active) "
                                   "VALUES (1, 'geluid', 'Geluid', 0, true)"))
        connection.execute(sa.text(report), {"reference": "GDT-2026-000001", "at": at})
    assert _flask("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    with engine.begin() as connection:
        connection.execute(sa.text(report), {"reference": "GDT-2026-000002", "at": at})
        tallied = connection.execute(sa.text(
            "SELECT period, sum(count) FROM report_tallies WHERE facet = 'funnel' GROUP BY period")).all()
    engine.dispose()
    if engine.dialect.name == "postgresql":
        assert tallied == [(202601, 2)]
    else:  # SQLite counts from the reports themselves
        assert tallied == []
