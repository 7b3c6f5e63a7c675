"""The migration that gives categories help text, public or staff-only, their own deadline and a suggested partner
leaves existing categories as they were: public, no help text, the general norm, no suggestion; the database keeps
the deadline between 1 and 30 working days; downgrading removes the columns again."""
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

import config

pytestmark = pytest.mark.integration
BEFORE = "5b8e2f4c7d10"  # the revision before the category columns
REVISION = "d02d29f55704"


def _flask(*args, url, tmp_path):
    env = os.environ | {"DATABASE_URL": url, "GDT_INSTANCE_DIR": str(tmp_path / "instance"), "GDT_ENV": "development"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=config.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_existing_categories_stay_public_without_help_own_deadline_or_suggestion(fresh_database_url, tmp_path):
    _flask("db", "upgrade", BEFORE, url=fresh_database_url, tmp_path=tmp_path)
    engine = sa.create_engine(fresh_database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO categories (id, key, label, position, is_active) "
                                   "VALUES (1, 'geluid', 'Geluid', 0, true), (2, 'oud', 'Oud', 1, false)"))
    _flask("db", "upgrade", REVISION, url=fresh_database_url, tmp_path=tmp_path)
    with engine.begin() as connection:
        rows = connection.execute(sa.text("SELECT key, is_public, help_text, triage_working_days, "
                                          "suggested_partner_id FROM categories ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [("geluid", True, None, None, None), ("oud", True, None, None, None)]
        connection.execute(sa.text("UPDATE categories SET triage_working_days = 30 WHERE id = 1"))
    for days in (0, 31):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(sa.text("UPDATE categories SET triage_working_days = :days WHERE id = 1"),
                               {"days": days})
    engine.dispose()

    _flask("db", "downgrade", BEFORE, url=fresh_database_url, tmp_path=tmp_path)
    engine = sa.create_engine(fresh_database_url)
    columns = {column["name"] for column in sa.inspect(engine).get_columns("categories")}
    engine.dispose()
    assert columns == {"id", "key", "label", "position", "is_active"}
