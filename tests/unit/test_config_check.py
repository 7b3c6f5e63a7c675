"""Production refuses settings that are wrong for it, each rule on its own; `config show` masks every secret."""
import pytest

import config
from gdt import config_check, create_app

GOOD = {
    "ENVIRONMENT": "production", "SECRET_KEY": "k" * 48,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://gdt:geheim@db.gemeente.nl/gdt",
    "PUBLIC_BASE_URL": "https://gdt.example.test", "SMTP_HOST": "smtp.example.test", "MAIL_FROM": "gdt@example.test",
}


def problems_with(**changes) -> list[str]:
    return config_check.production_problems(GOOD | changes)


def test_good_production_settings_have_no_problems():
    assert config_check.production_problems(GOOD) == []
    config_check.check(GOOD)  # no exception


@pytest.mark.parametrize("key", [None, "", "k" * 31])
def test_a_missing_or_short_secret_key_is_refused(key):
    (problem,) = problems_with(SECRET_KEY=key)
    assert problem.startswith("SECRET_KEY")
    assert ("31 characters, at least 32" in problem) if key else ("not set" in problem)


def test_a_secret_key_of_32_characters_is_enough():
    assert problems_with(SECRET_KEY="k" * 32) == []


@pytest.mark.parametrize("url", ["sqlite:////srv/gdt/gdt.sqlite", "sqlite://", "", None])
def test_sqlite_or_no_database_is_refused(url):
    (problem,) = problems_with(SQLALCHEMY_DATABASE_URI=url)
    assert problem.startswith("DATABASE_URL") and "PostgreSQL" in problem


@pytest.mark.parametrize("url", ["http://gdt.example.test", "gdt.example.test", "https://", "", None])
def test_a_public_base_url_without_https_is_refused(url):
    (problem,) = problems_with(PUBLIC_BASE_URL=url)
    assert problem.startswith("PUBLIC_BASE_URL")


def test_the_public_base_url_may_have_a_path():
    assert problems_with(PUBLIC_BASE_URL="https://www.gemeente.nl/gdt/") == []


@pytest.mark.parametrize("host", ["", None])
def test_no_smtp_host_is_refused(host):
    assert problems_with(SMTP_HOST=host) == ["SMTP_HOST is not set; production sends its mail over SMTP"]


def test_a_short_metrics_token_is_refused_and_none_is_allowed():
    (problem,) = problems_with(METRICS_TOKEN="t" * 31)
    assert problem.startswith("METRICS_TOKEN has 31 characters, at least 32")
    assert problems_with(METRICS_TOKEN="") == problems_with(METRICS_TOKEN="t" * 32) == []


def test_closing_days_in_the_settings_must_be_iso_dates():
    (problem,) = problems_with(EXTRA_NON_WORKING_DAYS=["2026-05-15", "15-05-2026", "2026-02-30"])
    assert problem.startswith("EXTRA_NON_WORKING_DAYS") and "'15-05-2026', '2026-02-30'" in problem
    assert "2026-05-15'" not in problem
    assert problems_with(EXTRA_NON_WORKING_DAYS=["2026-05-15"]) == problems_with(EXTRA_NON_WORKING_DAYS=[]) == []


@pytest.mark.parametrize("url", ["s3:/bucket", "/srv/gdt/files", "file://srv/gdt", "file:relative", "ftp://host/x",
                                 "s3://"])
def test_a_storage_url_the_store_cannot_use_is_refused_at_start_up(url):
    (problem,) = problems_with(STORAGE_URL=url)
    assert problem.startswith("STORAGE_URL must be file:///folder or s3://bucket/prefix") and repr(url) in problem


def test_a_folder_or_a_bucket_is_a_good_storage_url_and_an_unknown_encryption_is_not():
    assert problems_with(STORAGE_URL="file:///srv/gdt/files") == problems_with(STORAGE_URL="s3://gdt/prod") == []
    (problem,) = problems_with(STORAGE_URL="s3://gdt/prod", STORAGE_S3_SSE="none")
    assert problem.startswith("STORAGE_S3_SSE must be AES256 or aws:kms")


@pytest.mark.parametrize(("sender", "expected"), [(None, "not set"), ("", "not set"), ("gdt", "not an e-mail")])
def test_no_or_a_wrong_sender_is_refused(sender, expected):
    (problem,) = problems_with(MAIL_FROM=sender)
    assert problem.startswith("MAIL_FROM") and expected in problem


def test_a_named_sender_is_accepted():
    assert problems_with(MAIL_FROM="GDT Gemeente Voorbeeld <gdt@example.test>") == []


def test_every_problem_is_named_in_one_line():
    with pytest.raises(config_check.ConfigurationError) as refused:
        config_check.check({"ENVIRONMENT": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                            "PUBLIC_BASE_URL": "http://127.0.0.1:5000"})
    message = str(refused.value)
    assert "\n" not in message and message.startswith("GDT_ENV=production refuses to start, fix 5 setting(s): (1)")
    for name in ("SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL", "SMTP_HOST", "MAIL_FROM"):
        assert name in message
    assert len(refused.value.problems) == 5 and isinstance(refused.value, RuntimeError)


def test_a_refused_url_is_shown_without_its_password():
    (problem,) = problems_with(PUBLIC_BASE_URL="http://user:hunter2-secret@gdt.example.test")
    assert "hunter2-secret" not in problem and "user:****@" in problem


def test_development_and_test_settings_are_not_checked():
    config_check.check({"ENVIRONMENT": "development", "SECRET_KEY": "short"})
    config_check.check({"ENVIRONMENT": "test"})


def production_config(**settings) -> type[config.ProductionConfig]:
    values = {"SECRET_KEY": GOOD["SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": GOOD["SQLALCHEMY_DATABASE_URI"],
              "SQLALCHEMY_ENGINE_OPTIONS": {}, "PUBLIC_BASE_URL": GOOD["PUBLIC_BASE_URL"],
              "SMTP_HOST": GOOD["SMTP_HOST"], "MAIL_FROM": GOOD["MAIL_FROM"]} | settings
    return type("CheckedConfig", (config.ProductionConfig,), values)


def test_create_app_starts_with_good_production_settings():
    app = create_app(production_config())
    assert app.config["ENVIRONMENT"] == "production" and app.config["SESSION_COOKIE_SECURE"]


def test_create_app_refuses_wrong_production_settings():
    with pytest.raises(config_check.ConfigurationError, match=r"SMTP_HOST.*MAIL_FROM"):
        create_app(production_config(SMTP_HOST=None, MAIL_FROM=None))


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql+psycopg://gdt:s3cr3t@db.gemeente.nl:5432/gdt", "postgresql+psycopg://gdt:****@db.gemeente.nl:5432/gdt"),
    ("redis://:s3cr3t@redis:6379/0", "redis://:****@redis:6379/0"),
    ("postgresql://gdt:p@ss/w0rd@db/gdt", "postgresql://gdt:****@db/gdt"),
    ("postgresql://db/gdt?user=gdt&password=s3cr3t&sslmode=require", "postgresql://db/gdt?user=gdt&password=****&sslmode=require"),
    ("redis://redis:6379/0", "redis://redis:6379/0"),
    ("postgresql://gdt@db/gdt", "postgresql://gdt@db/gdt"),
])
def test_a_url_s_password_is_masked_and_nothing_else(url, shown):
    assert config_check.mask_urls(url) == shown


def test_secret_named_strings_and_nested_urls_are_masked():
    assert config_check.masked("SECRET_KEY", "k" * 48) == "****"
    assert config_check.masked("METRICS_TOKEN", "abc") == "****"
    assert config_check.masked("SMTP_PASSWORD", "abc") == "****"
    assert config_check.masked("METRICS_TOKEN", "") == ""  # unset stays visible as unset
    assert config_check.masked("TOKEN_LIFETIME_DAYS", 90) == 90  # a number of days is no secret
    celery = config_check.masked("CELERY", {"broker_url": "redis://:s3cr3t@redis/0", "task_time_limit": 300,
                                            "broker_transport_options": {"sentinel_kwargs": {"password": "s3cr3t"}}})
    assert "s3cr3t" not in repr(celery) and celery["broker_url"] == "redis://:****@redis/0"


def test_config_show_prints_the_project_s_settings_sorted_with_every_secret_masked():
    secret_urls = {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://gdt:db-pass-1234@db.gemeente.nl/gdt",
        "REDIS_URL": "redis://:redis-pass-5678@redis:6379/0",
        "RATELIMIT_STORAGE_URI": "redis://:redis-pass-5678@redis:6379/0",
        "CELERY": config.TestConfig.CELERY | {"broker_url": "redis://:redis-pass-5678@redis:6379/0"},
        "METRICS_TOKEN": "metrics-token-9012",
    }
    app = create_app(type("ShownConfig", (config.TestConfig,), secret_urls))
    with app.app_context():  # as `flask` gives every command
        result = app.test_cli_runner().invoke(args=["config", "show"])
    assert result.exit_code == 0, result.output
    for secret in ("db-pass-1234", "redis-pass-5678", "metrics-token-9012", config.TestConfig.SECRET_KEY):
        assert secret not in result.output
    lines = result.stdout.splitlines()
    names = [line.split(" = ", 1)[0] for line in lines]
    assert names == sorted(names) and set(names) <= config_check.project_keys()
    assert {"SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PUBLIC_BASE_URL", "SMTP_HOST", "CELERY"} <= set(names)
    assert "SQLALCHEMY_DATABASE_URI = postgresql+psycopg://gdt:****@db.gemeente.nl/gdt" in lines
    assert "SECRET_KEY = ****" in lines and "TOKEN_LIFETIME_DAYS = 90" in lines
    assert "JSON_SORT_KEYS" not in names and "SERVER_NAME" not in names  # Flask's own settings are not listed
