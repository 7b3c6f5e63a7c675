"""Benchmark: the coordinators' map data (gdt.services.geo.map_data and GET /kaart/gegevens) at 1 M reports.

Run from the repository root:

    .venv/bin/python bench/map.py [--reports 1000000] [--cases 100000] [--runs 50]
    .venv/bin/python bench/map.py --reports 20000 --cases 2000 --runs 5        # a quick run

Starts a throwaway PostgreSQL cluster, creates the schema, loads the data of bench/finding_data.py (coordinates in
Eindhoven's extent, RD x 155–166 km, y 379–390 km; ~4 % of the reports open) and times, for views from the whole
town down to a street, in turns after a warm-up:

* service — `map_data(coordinator, statuses=…, categories=…, period=…, bbox=…)`, the session removed after;
* request — the whole GET /kaart/gegevens?gebied=… through the app (login session, filters, the audit record,
            the JSON), i.e. what the map waits for minus the network;
* replay  — the statements the service sent, through psycopg (bare SQL, same rows, no ORM).

Prints the reports in view, the groups, the answer's size and p50/p95 per view, then EXPLAIN (ANALYZE, BUFFERS) of
the grouping query of the largest open view. The map is a coordinator's page (partners have none).
"""
import argparse
import os
import platform
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script: import the project, not bench/ siblings (bench/statistics.py!)

import psycopg
import sqlalchemy as sa
from flask_login import FlaskLoginClient

from bench import finding_data
from bench.common import bench_app, conninfo, create_schema
from gdt.db import db
from gdt.models import User
from gdt.services import geo
from gdt.services.core import auth
from gdt.services.geo import rd
from tests.postgres import temporary_postgresql

TARGET_MS, TARGET_REPORTS = 200.0, 10_000
CENTRE = (161_700, 383_400)  # RD metres, the middle of the town
EVERY_STATUS = (*geo.OPEN_STATUSES, "closed")  # the filter's "all"


def _views(today: date) -> list[tuple[str, geo.BBox, dict, dict]]:
    """(name, view, map_data filters, query string filters): the town, a half, a wijk, a street; some filters."""
    extent = finding_data.EXTENT
    town = _bbox(extent["x_min"], extent["y_min"], extent["x_max"], extent["y_max"])
    x, y = CENTRE
    month = (today - timedelta(days=30), today)
    return [
        ("whole town, open", town, {}, {}),
        ("6 × 6 km, open", _bbox(x - 3000, y - 3000, x + 3000, y + 3000), {}, {}),
        ("2 × 2 km (a wijk), open", _bbox(x - 1000, y - 1000, x + 1000, y + 1000), {}, {}),
        ("500 × 500 m (streets), open", _bbox(x - 250, y - 250, x + 250, y + 250), {}, {}),
        ("whole town, open, one category", town, {"categories": ("geluidsoverlast",)},
         {"categorie": "geluidsoverlast"}),
        ("whole town, open, last 30 days", town, {"period": month},
         {"van": month[0].isoformat(), "tot": month[1].isoformat()}),
        ("whole town, every status, last 30 days", town, {"statuses": EVERY_STATUS, "period": month},
         {"status": "all", "van": month[0].isoformat(), "tot": month[1].isoformat()}),
        ("whole town, every status, 5 years", town, {"statuses": EVERY_STATUS}, {"status": "all"}),
    ]


def _bbox(min_x: float, min_y: float, max_x: float, max_y: float) -> geo.BBox:
    """The WGS84 rectangle inside the RD one (a map view is a rectangle in degrees)."""
    corners = [rd.to_wgs84(x, y) for x in (min_x, max_x) for y in (min_y, max_y)]
    lats, lons = [lat for lat, _ in corners], [lon for _, lon in corners]
    return geo.BBox(west=max(lons[0], lons[1]), south=max(lats[0], lats[2]), east=min(lons[2], lons[3]),
                    north=min(lats[1], lats[3]))


class _RequestClient(FlaskLoginClient):
    """Each request in an app context of its own, as in production (see bench/cases.py)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    finding_data.arguments(parser)
    parser.add_argument("--runs", type=int, default=50, help="timed runs per view after a warm-up (default 50)")
    options = parser.parse_args()
    with temporary_postgresql("gdt_bench_map") as url:
        app = bench_app(url, RATELIMIT_ENABLED=False)
        app.test_client_class = _RequestClient
        create_schema(app)
        with psycopg.connect(conninfo(url)) as connection:
            loaded = finding_data.load_from(connection, options)
            today = connection.execute("SELECT (now() AT TIME ZONE 'Europe/Amsterdam')::date").fetchone()[0]
            connection.rollback()
            with app.app_context():
                actor = db.session.get(User, 1)
                actor.login_token = auth.start_session(actor)
                client = app.test_client(user=actor)
                db.session.remove()
                results = [_measure(app, client, connection, options.runs, *view) for view in _views(today)]
            _report(connection, loaded, options, results)
            largest = max((result for result in results if "every status" not in result["name"]),
                          key=lambda result: result["located"])
            _explain(connection, largest)


def _measure(app, client, connection, runs: int, name: str, bbox: geo.BBox, filters: dict, args: dict) -> dict:
    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    def service():
        viewer = db.session.get(User, 1)
        found = geo.map_data(viewer, bbox=bbox, **filters)
        db.session.remove()
        return found

    def request():
        response = client.get("/kaart/gegevens", query_string={"gebied": str(bbox), **args})
        if response.status_code != 200:
            raise SystemExit(f"/kaart/gegevens {args}: HTTP {response.status_code}")
        return response

    def replay():
        with connection.cursor() as cursor:
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
        connection.rollback()

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        found = service()  # the warm-up, capturing the SQL
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    statements[:] = [item for item in statements if not item[0].lstrip().startswith("SELECT users.")]
    answer = request().get_json()
    if answer["located"] != found.located:  # a fast wrong answer is no answer
        raise SystemExit(f"{name}: the page shows {answer['located']} reports, the service {found.located}")
    size = len(request().get_data())
    timings = {"service": [], "request": [], "replay": []}
    for _ in range(runs):
        for key, run in (("service", service), ("request", request), ("replay", replay)):
            began = time.perf_counter()
            run()
            timings[key].append((time.perf_counter() - began) * 1000)
    return {"name": name, "located": found.located, "groups": len(found.clusters),
            "singles": sum(1 for cluster in found.clusters if cluster.count == 1), "cell": found.cell_metres,
            "bytes": size, "statements": statements, **timings}


def _pct(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))]


def _report(connection, loaded: dict, options, results: list[dict]) -> None:
    server = connection.info.server_version
    print(f"\nmachine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, "
          f"PostgreSQL {server // 10000}.{server % 10000}, psycopg {psycopg.__version__}, SQLAlchemy {sa.__version__}")
    print(finding_data.describe(loaded))
    print(f"\n{'view':<40}{'reports':>8}{'groups':>7}{'single':>7}{'cell m':>7}{'JSON kB':>8}"
          f"{'svc p50':>8}{'p95':>7}{'req p50':>8}{'p95':>7}{'max':>7}{'replay p50':>11}{'p95':>7}")
    for result in results:
        print(f"{result['name']:<40}{result['located']:>8,}{result['groups']:>7,}{result['singles']:>7,}"
              f"{result['cell']:>7.0f}{result['bytes'] / 1024:>8.1f}"
              f"{_pct(result['service'], 50):>8.1f}{_pct(result['service'], 95):>7.1f}"
              f"{_pct(result['request'], 50):>8.1f}{_pct(result['request'], 95):>7.1f}{max(result['request']):>7.1f}"
              f"{_pct(result['replay'], 50):>11.1f}{_pct(result['replay'], 95):>7.1f}")
    held = [result for result in results
            if result["located"] >= TARGET_REPORTS and "every status" not in result["name"]]
    worst = max((_pct(result["request"], 95) for result in held), default=float("nan"))
    verdict = "met" if held and worst < TARGET_MS else "NOT met"
    print(f"\nms over {options.runs} runs; open views with >= {TARGET_REPORTS:,} reports: {len(held)}, the slowest "
          f"request p95 {worst:.1f} ms (target < {TARGET_MS:.0f} ms: {verdict})")


def _explain(connection: psycopg.Connection, result: dict) -> None:
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) — {result['name']} ({result['located']:,} reports):")
    for statement, parameters in result["statements"]:
        if "GROUP BY" not in statement:
            continue  # the team setting, the singles' labels by id: fractions of a millisecond
        print("  " + " ".join(statement.split())[:300])
        for (line,) in connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters):
            print("    " + line)
        connection.rollback()


if __name__ == "__main__":
    main()
