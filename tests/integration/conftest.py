"""Integration tests use a database of their own with real commits (no rollback fixture)."""
import os
import uuid

import pytest
import sqlalchemy as sa


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database on the same server as the suite: a SQLite file, or a new PostgreSQL database."""
    base = os.environ.get("GDT_TEST_DATABASE_URL")
    if not base or base.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    name = f"gdt_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(base).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()
