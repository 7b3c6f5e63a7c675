"""The two WSGI apps the intake benchmark puts under gunicorn (`gunicorn bench.intake_servers:gdt`).

`gdt` is the real application with rate limits off (the benchmark is one client sending as fast
as it can, which the limits would rightly refuse). `bare` is the yardstick: a Flask endpoint that
does the minimum for the same request on the same stack — parse the JSON, one INSERT, COMMIT.
"""
import os

import psycopg
from flask import Flask, jsonify, request

import config
from gdt import create_app


class BenchConfig(config.DevelopmentConfig):
    SQLALCHEMY_DATABASE_URI = config._database_url()
    RATELIMIT_ENABLED = False


def _bare_app() -> Flask:
    app = Flask("bare")
    url = os.environ["BARE_DATABASE_URL"]
    connection = {}

    @app.post("/api/v1/reports")
    def create():
        body = request.get_json()
        if "db" not in connection:
            connection["db"] = psycopg.connect(url)
        with connection["db"].transaction():
            reference = connection["db"].execute(
                "INSERT INTO bench_bare (body) VALUES (%s) RETURNING 'B-' || id", [psycopg.types.json.Jsonb(body)]
            ).fetchone()[0]
        return jsonify(reference=reference, status="received"), 201

    return app


gdt = create_app(BenchConfig) if os.environ.get("BENCH_TARGET") == "gdt" else None
bare = _bare_app() if os.environ.get("BENCH_TARGET") == "bare" else None
