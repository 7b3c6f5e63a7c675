"""GDT: case management for a municipal de-escalation team."""
from flask import Flask

import config


def create_app(config_class: type[config.Config] | None = None) -> Flask:
    """The only place that wires extensions, blueprints and commands together."""
    config_class = config_class or config.config_for_environment()
    app = Flask(__name__, template_folder=str(config.BASE_DIR / "templates"), instance_path=str(config.INSTANCE_DIR))
    app.config.from_object(config_class)
    from gdt import config_check
    config_check.check(app.config)  # production refuses wrong settings, all named in one message
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set.")

    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from gdt import log_filters, logs
    logs.configure(app)  # JSON lines with a request id outside development (README, "Logs")
    log_filters.install(app.logger)  # partner link tokens never reach a log (docs/decisions/0012-link-sessions.md)

    from gdt import models  # noqa: F401  (every table known before Alembic looks)
    from gdt.db import db
    from gdt.extensions import csrf, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)

    from gdt import error_pages
    from gdt.web import configure_web
    configure_web(app)
    error_pages.register(app)

    from worker import init_celery
    from worker.relay import outbox_relay  # the relay runs beside the worker, with or without Redis
    init_celery(app)

    from gdt import api, cli
    api.register(app)
    cli.register(app)
    app.cli.add_command(outbox_relay)
    return app
