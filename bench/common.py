"""What the PostgreSQL benchmarks share: the app on a throwaway cluster, a psycopg connection string, UTC bounds."""
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask

import config
from gdt import create_app
from gdt.db import db
from gdt.services.core import reference_data


def bench_app(url: str, **settings) -> Flask:
    """The app on `url` with a fixed secret; `settings` override the configuration (RATELIMIT_ENABLED=False …)."""
    return create_app(type("BenchConfig", (config.Config,), {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                                                              **settings}))


def create_schema(app: Flask) -> None:
    """The app's tables, indexes and triggers and its default partners and categories, as a first start gives."""
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        db.session.remove()


def conninfo(url: str) -> str:
    """A psycopg connection string for the temporary cluster's SQLAlchemy URL (Unix socket)."""
    parsed = sa.make_url(url)
    return f"dbname={parsed.database} user={parsed.username} host={parsed.query['host']}"


def naive_utc(moment: datetime) -> datetime:
    """The columns are `timestamp without time zone` holding UTC (gdt.db.UTCDateTime)."""
    return moment.astimezone(UTC).replace(tzinfo=None)
