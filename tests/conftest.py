"""Fixtures: the app on SQLite (default) or on a temporary PostgreSQL (--postgres), rollback per test."""
import os
import shutil
import tempfile

import pytest
from flask_login import FlaskLoginClient

from tests import factories


class IsolatedClient(FlaskLoginClient):
    """Each request gets an app context of its own, as in production: its own `g`, its own session.

    Without this, requests made while a test holds an app context share `g`, so the user logged
    in on one client would leak into the next client's request.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def pytest_addoption(parser):
    parser.addoption("--postgres", action="store_true", help="run the suite on a temporary PostgreSQL cluster")


def pytest_configure(config):
    import config as settings
    # An app made in this process (a production one too, in the settings tests) leaves logging to pytest: JSON
    # logs (gdt/logs.py) would take over the root logger of the whole test run. Processes the tests start keep them.
    settings.Config.LOG_FORMAT = None
    if config.getoption("--postgres") and not os.environ.get("GDT_TEST_DATABASE_URL"):
        from tests.postgres import temporary_postgresql
        cluster = temporary_postgresql()
        os.environ["GDT_TEST_DATABASE_URL"] = cluster.__enter__()
        config._gdt_cluster = cluster


def pytest_unconfigure(config):
    cluster = getattr(config, "_gdt_cluster", None)
    if cluster is not None:
        cluster.__exit__(None, None, None)
        os.environ.pop("GDT_TEST_DATABASE_URL", None)


def pytest_report_header(config):
    return f"database: {os.environ.get('GDT_TEST_DATABASE_URL', 'sqlite (in memory)')}"


@pytest.fixture(scope="session")
def app():
    import config as settings
    from gdt import create_app
    from gdt.db import db as _db

    settings.TestConfig.SQLALCHEMY_DATABASE_URI = os.environ.get("GDT_TEST_DATABASE_URL", "sqlite://")
    settings.TestConfig.ATTACHMENT_DIR = tempfile.mkdtemp(prefix="gdt-attachments-")
    settings.TestConfig.OUTBOUND_ALLOWED_NETWORKS = "127.0.0.1/32"  # the tests' local fake servers, nothing else
    app = create_app(settings.TestConfig)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()
    shutil.rmtree(settings.TestConfig.ATTACHMENT_DIR, ignore_errors=True)


@pytest.fixture
def db(app):
    """One transaction per test, rolled back at the end; the code's own commits become savepoints."""
    from gdt.db import db as _db

    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        engine = _db.engines[None]
        _db.engines[None] = connection
        _db.session.remove()
        _db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session.configure(join_transaction_mode="conditional_savepoint")
            _db.engines[None] = engine
            outer.rollback()
            connection.close()


@pytest.fixture
def make(db):
    """Builders for test data: make.report(status="escalated"), make.user(role="intake") …"""
    return factories.Builders(db.session)


@pytest.fixture
def client_as(app, make):
    """A test client logged in (through a real server-side session) as a new user with `role`."""
    from gdt.services.core import auth

    def login(role: str = "coordinator", user=None):
        user = user or make.user(role=role)
        user.login_token = auth.start_session(user)
        return app.test_client(user=user)

    return login


@pytest.fixture
def inbox(app):
    """A real SMTP server on loopback that the app mails to for the length of the test."""
    from tests.smtp import Inbox
    server = Inbox()
    server.start()
    saved = {key: app.config[key] for key in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
    yield server
    server.stop()
    app.config.update(saved)


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture(autouse=True)
def _shared_limiter_restored():
    """Flask-Limiter keeps `enabled` on the shared extension: a test that builds a limited app must not leak it."""
    from gdt.extensions import limiter

    enabled = limiter.enabled
    yield
    limiter.enabled = enabled


@pytest.fixture(autouse=True)
def _closing_days_copy(request):
    """The working calendar reads the closing days once a minute per process (gdt.services.core.closing_days).
    A test on the database starts with that copy read, as a running process has it, so a test counting a page's
    queries counts the page's own; afterwards it is forgotten, so days a test added and rolled back never count in
    the next test."""
    from gdt.services.core import closing_days

    if "db" in request.fixturenames:
        request.getfixturevalue("db")
        closing_days.stored_days()  # inside the db fixture's app context
    yield
    if "app" in request.fixturenames:
        with request.getfixturevalue("app").app_context():
            closing_days.forget()
