"""An application of its own for a test that needs other settings than the shared one (rate limits on,
a reverse proxy …): a fresh in-memory SQLite database with the default categories and partners."""
import contextlib
from collections.abc import Iterator

from flask import Flask

import config
from gdt import create_app
from gdt.db import db
from gdt.services.core import reference_data


@contextlib.contextmanager
def own_app(**settings) -> Iterator[Flask]:
    """The app inside its app context; the Flask-Limiter extension's shared state is put back by conftest."""
    own_config = type("OwnConfig", (config.TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"} | settings)
    app = create_app(own_config)
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
