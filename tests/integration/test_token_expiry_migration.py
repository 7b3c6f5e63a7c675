"""The migration that gives personal API tokens an expiry: a token that existed before gets created_at + 90 days,
so one older than that stops working at once instead of getting a fresh lease."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.integration.test_migrations import _flask

pytestmark = pytest.mark.integration
BEFORE = "a84b03f9bf6f"


def test_existing_tokens_expire_ninety_days_after_they_were_made(fresh_database_url, tmp_path):
    assert _flask("db", "upgrade", BEFORE, url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    engine = sa.create_engine(fresh_database_url)
    old, recent = datetime(2026, 1, 5, 9, 0), datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO users (id, email, name, role, password_hash, is_active, "
                                   "created_at, updated_at) "
                                   "VALUES (1, 'a@gdt.test', 'A', 'coordinator', 'x', true, :created, :created)"),
                           {"created": old})
        for token_id, created in ((1, old), (2, recent)):
            connection.execute(sa.text("INSERT INTO user_tokens (id, user_id, token_hash, created_at) "
                                       "VALUES (:id, 1, :hash, :created)"),
                               {"id": token_id, "hash": f"{token_id:064d}", "created": created})
    upgrade = _flask("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    with engine.connect() as connection:
        rows = dict(connection.execute(sa.text("SELECT id, expires_at FROM user_tokens")).all())
    expires = {token_id: value if isinstance(value, datetime) else datetime.fromisoformat(value)
               for token_id, value in rows.items()}
    expires = {token_id: value.replace(tzinfo=None) for token_id, value in expires.items()}
    assert expires == {1: old + timedelta(days=90), 2: recent + timedelta(days=90)}
    assert "login_throttles" in sa.inspect(engine).get_table_names()
    downgrade = _flask("db", "downgrade", BEFORE, url=fresh_database_url, tmp_path=tmp_path)
    assert downgrade.returncode == 0, downgrade.stderr
    engine.dispose()
