"""Settings: production refuses to start without a secret; development makes one and keeps it."""
from datetime import UTC

import pytest

import config
from gdt import create_app


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config.ProductionConfig)


def test_production_cookies_are_secure():
    assert config.ProductionConfig.SESSION_COOKIE_SECURE
    assert config.ProductionConfig.SESSION_COOKIE_NAME.startswith("__Host-")
    assert config.Config.SESSION_COOKIE_HTTPONLY and config.Config.SESSION_COOKIE_SAMESITE == "Lax"


def test_development_secret_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    first = config.development_secret_key()
    assert len(first) > 40 and config.development_secret_key() == first
    assert oct((tmp_path / "instance" / "secret_key").stat().st_mode)[-3:] == "600"


def test_postgres_urls_get_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/gdt")
    assert config._database_url() == "postgresql+psycopg://u:p@db/gdt"


def test_times_are_shown_in_amsterdam(app):
    from datetime import datetime
    with app.test_request_context():
        render = app.jinja_env.filters["datetime"]
        assert render(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == "01-01-2026 00:30"
        assert render(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)) == "01-07-2026 12:00"
