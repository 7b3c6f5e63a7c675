"""The WSGI apps the intake benchmark puts under gunicorn (`gunicorn bench.intake_servers:gdt`).

`gdt` is the real application with rate limits off (the benchmark is one client sending as fast
as it can, which the limits would rightly refuse). The yardsticks do the minimum for the same
request — parse the JSON, one INSERT, COMMIT: `bare` on the application's stack (Flask,
Flask-SQLAlchemy's session and engine, psycopg, PostgreSQL), `raw` with a psycopg connection of its
own and nothing in between, the floor of what Python can do here.
"""
import os
import threading

import psycopg
import sqlalchemy as sa
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

import config
from gdt import create_app


class BenchConfig(config.DevelopmentConfig):
    SQLALCHEMY_DATABASE_URI = config._database_url()
    RATELIMIT_ENABLED = False


def _bare_app() -> Flask:
    app = Flask("bare")
    app.config["SQLALCHEMY_DATABASE_URI"] = config._database_url()
    db = SQLAlchemy(app)
    insert = sa.text("INSERT INTO bench_bare (body) VALUES (:body) RETURNING 'B-' || id").bindparams(
        sa.bindparam("body", type_=sa.JSON))

    @app.post("/api/v1/reports")
    def create():
        body = request.get_json()
        reference = db.session.execute(insert, {"body": body}).scalar_one()
        db.session.commit()
        return jsonify(reference=reference, status="received"), 201

    return app


def _raw_app() -> Flask:
    app = Flask("raw")
    url = os.environ["BARE_DATABASE_URL"]
    connection = threading.local()  # gunicorn's gthread workers serve several requests at once: one per thread

    @app.post("/api/v1/reports")
    def create():
        body = request.get_json()
        if not hasattr(connection, "db"):
            connection.db = psycopg.connect(url)
        with connection.db.transaction():
            reference = connection.db.execute(
                "INSERT INTO bench_bare (body) VALUES (%s) RETURNING 'B-' || id", [psycopg.types.json.Jsonb(body)]
            ).fetchone()[0]
        return jsonify(reference=reference, status="received"), 201

    return app


gdt = create_app(BenchConfig) if os.environ.get("BENCH_TARGET") == "gdt" else None
bare = _bare_app() if os.environ.get("BENCH_TARGET") == "bare" else None
raw = _raw_app() if os.environ.get("BENCH_TARGET") == "raw" else None
