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


@pytest.fixture
def served(fresh_database_url):
    """`served(prepare)`: the app on the fresh database, `prepare()` run in its context, served by werkzeug with
    a thread per request; yields (app, base URL, what prepare returned)."""
    import threading

    from werkzeug.serving import make_server

    import config
    from gdt import create_app
    from gdt.db import db
    from gdt.services.core import reference_data

    started = []

    def serve(prepare=lambda: None):
        class LiveConfig(config.TestConfig):
            SQLALCHEMY_DATABASE_URI = fresh_database_url
            SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 8} if "postgresql" in fresh_database_url else {}

        app = create_app(LiveConfig)
        with app.app_context():
            db.create_all()
            reference_data.ensure_defaults()
            prepared = prepare()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((app, server, thread))
        return app, f"http://127.0.0.1:{server.server_port}", prepared

    yield serve
    for app, server, thread in started:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
