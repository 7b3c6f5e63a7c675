"""Benchmark: the coordinators' case list (`/cases`, gdt.services.casework.case_list) at 100 000 cases.

Run from the repository root:

    .venv/bin/python bench/cases.py [--cases 100000] [--years 5] [--runs 7]

Starts a throwaway PostgreSQL cluster (tests/postgres.py), creates the schema, loads ~10
coordinators, N cases spread over the last Y years, their involved partners (about half the cases)
and meetings with one INSERT … SELECT over generate_series per table, runs VACUUM ANALYZE and
times, for the first page, page 2000 and every filter alone and combined (first and last page):

* count — the pagination's COUNT, as Flask-SQLAlchemy's `db.paginate` sends it;
* rows  — the page's rows as the page reads them (case_list.page_of: the ids in order, then those cases with
          their coordinators and reports) and what the columns add (case_list.rows: actions, next meetings);
* page  — the whole GET /cases?… request through the app (login session, choices, both of the above,
          the template), i.e. what a coordinator waits for minus the network.

Last, the same for a few of them with the admin's team limit on (gdt.services.core.teams). Prints the
median of --runs runs after a warm-up, then EXPLAIN (ANALYZE, BUFFERS) of the slowest page's SQL.
`--drop-index NAME` (repeatable) drops an index after the load, to see what it is worth.
"""
import argparse
import os
import platform
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script: import the project, not bench/ siblings (bench/statistics.py!)

from statistics import median

import psycopg
import sqlalchemy as sa
from flask import Flask
from flask_login import FlaskLoginClient
from sqlalchemy.orm import lazyload

import config
from bench.common import bench_app, conninfo, create_schema
from gdt.db import db
from gdt.models import User
from gdt.services.casework import case_list
from gdt.services.core import auth, teams
from tests.postgres import temporary_postgresql

COORDINATORS = 10  # two of them left the team a year ago (inactive, only older cases)
LOAD_USERS = """
INSERT INTO users (id, email, name, role, password_hash, is_active, created_at, updated_at)
SELECT i, 'regisseur' || i || '@gdt.bench', 'Regisseur ' || lpad(i::text, 2, '0'), 'coordinator', 'x',
       i <= %(coordinators)s - 2, %(start)s, %(start)s
FROM generate_series(1, %(coordinators)s) AS i
"""
# Cases opened evenly over the years, ids in opening order (as the app inserts them). Recent cases
# are open and often undecided or unassigned; older ones mostly closed; 2 % merged into the one before.
# Coordinators share the work unevenly; the two who left only have cases older than a year.
LOAD_CASES = """
INSERT INTO cases (id, reference, source, status, mode, regie_kind, merged_into_id, coordinator_id, received_at,
                   opened_at, closed_at, result, review_due_at, version, created_at, updated_at)
SELECT i, 'GDT-B-C' || lpad(i::text, 7, '0'), CASE WHEN r_source < 0.03 THEN 'partner' ELSE 'report' END,
       status, mode, CASE WHEN mode = 'regie' THEN CASE WHEN r_kind < 0.6 THEN 'casus' WHEN r_kind < 0.95
                                                     THEN 'proces' END END,
       CASE WHEN status = 'merged' THEN i - 1 END,
       CASE WHEN status <> 'merged' AND (r_coordinator < 0.03 OR (age < interval '7 days' AND r_coordinator < 0.5))
            THEN NULL
            WHEN age < interval '1 year' THEN 1 + floor(power(r_who, 1.3) * (%(coordinators)s - 2))::int
            ELSE 1 + floor(power(r_who, 1.3) * %(coordinators)s)::int END,
       opened_at - r_source * interval '3 days', opened_at,
       CASE WHEN status = 'closed' THEN least(opened_at + interval '14 days' + r_close * interval '160 days',
                                             %(end)s) END,
       CASE WHEN status = 'closed' THEN CASE WHEN r_close < 0.7 THEN 'de-escalated' ELSE 'handled-by-partner' END END,
       CASE WHEN status = 'open' THEN opened_at + interval '12 weeks' END, 1, opened_at, opened_at
FROM (SELECT *, %(end)s - opened_at AS age,
             CASE WHEN i > 1 AND r_status < 0.02 THEN 'merged'
                  WHEN %(end)s - opened_at < interval '120 days' OR r_status > 0.97 THEN 'open'
                  ELSE 'closed' END AS status,
             CASE WHEN r_status < 0.02 OR r_mode < 0.02
                       OR (%(end)s - opened_at < interval '30 days' AND r_mode < 0.7) THEN NULL
                  WHEN r_mode < 0.53 THEN 'advice' ELSE 'regie' END AS mode
      FROM (SELECT i, %(start)s + (i - 1 + random()) / %(n)s * (%(end)s - %(start)s) AS opened_at,
                   random() AS r_source, random() AS r_status, random() AS r_mode, random() AS r_kind,
                   random() AS r_coordinator, random() AS r_who, random() AS r_close
            FROM generate_series(1, %(n)s) AS i) AS raw) AS shaped
"""
# About half the cases involve partners: 1–3 of them, drawn by weight (police, housing and the
# wijkteam most often; OM and reclassering rarely) with the Efraimidis–Spirakis key -ln(u)/w.
LOAD_CASE_PARTNERS = """
INSERT INTO case_partners (case_id, partner_id, role, added_at)
SELECT case_id, partner_id, 'bench', added_at
FROM (SELECT c.id AS case_id, p.id AS partner_id, c.opened_at + interval '2 days' AS added_at, c.wanted,
             row_number() OVER (PARTITION BY c.id ORDER BY -ln(1 - random()) / w.weight) AS rank
      FROM (SELECT id, opened_at, 1 + floor(random() * 3)::int AS wanted FROM cases
            WHERE status <> 'merged' AND random() < 0.5) AS c
      CROSS JOIN partners AS p
      JOIN (VALUES ('politie', 0.30), ('woningcorporatie', 0.22), ('wijkteam', 0.18), ('ggz', 0.12),
                   ('ruimtelijk-domein', 0.08), ('veilig-thuis', 0.05), ('om', 0.03), ('reclassering', 0.02))
           AS w (key, weight) ON w.key = p.key) AS ranked
WHERE rank <= wanted
"""
# Meetings: 40 % of the cases had one ten days in; a third of the open cases has one planned ahead.
LOAD_MEETINGS = """
INSERT INTO meetings (case_id, starts_at, location, status, minutes, held_on, version, created_at, updated_at)
SELECT id, starts_at, 'Stadhuis', CASE WHEN starts_at < %(end)s THEN 'held' ELSE 'planned' END,
       CASE WHEN starts_at < %(end)s THEN 'Afspraken gemaakt.' END,
       CASE WHEN starts_at < %(end)s THEN starts_at::date END, 1, opened_at, opened_at
FROM (SELECT id, opened_at, opened_at + interval '10 days' AS starts_at FROM cases
      WHERE status <> 'merged' AND random() < 0.4
      UNION ALL
      SELECT id, opened_at, %(end)s + interval '1 day' + random() * interval '30 days' FROM cases
      WHERE status = 'open' AND random() < 0.33) AS planned
"""


def main() -> None:
    args = _arguments()
    with temporary_postgresql("gdt_bench_cases") as url:
        app = bench_app(url, RATELIMIT_ENABLED=False)
        app.test_client_class = _RequestClient
        create_schema(app)
        with psycopg.connect(conninfo(url)) as connection:
            load_seconds, vacuum_seconds = _load(connection, args)
            for name in args.drop_index:
                connection.execute(f"DROP INDEX {name}")
                connection.commit()
            counts = _counts(connection)
            with app.app_context():
                actor = db.session.get(User, 1)
                client = _client(app, actor)
                results = [_measure(app, client, args.runs, name, case_filter, page)
                           for name, case_filter, page in _scenarios(connection, args)]
                if not args.no_teams:  # last: it changes what the coordinator sees
                    _limit_to_teams(connection)
                    results += [_measure(app, client, args.runs, f"team limit on: {name}", case_filter, page)
                                for name, case_filter, page in _scenarios(connection, args, team=True)]
            _report(args, counts, load_seconds, vacuum_seconds, results, connection.info.server_version)
            slowest = max(results, key=lambda result: result["page_ms"])
            for result in (results if args.explain_all else [slowest]):
                _explain(connection, result["statements"], f"{result['name']}, page {result['page']}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="cases to load (default 100 000)")
    parser.add_argument("--years", type=int, default=5, help="spread over the last this many years (default 5)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs after one warm-up (default 7)")
    parser.add_argument("--deep-page", type=int, default=2000, help="the deep page of the whole list (default 2000)")
    parser.add_argument("--drop-index", action="append", default=[], metavar="NAME",
                        help="drop this index after loading (repeatable), to measure without it")
    parser.add_argument("--no-teams", action="store_true", help="skip the scenarios with the team limit on")
    parser.add_argument("--explain-all", action="store_true", help="EXPLAIN every scenario, not only the slowest")
    return parser.parse_args()


class _RequestClient(FlaskLoginClient):
    """Each request in an app context of its own, as in production (and tests/conftest.py's IsolatedClient):
    otherwise Flask-Login's user stays cached in the shared `g` and the login lookup is skipped."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _load(connection: psycopg.Connection, args: argparse.Namespace) -> tuple[float, float]:
    end = connection.execute("SELECT date_trunc('second', now() AT TIME ZONE 'UTC')").fetchone()[0]
    start = connection.execute("SELECT %s::timestamp - make_interval(years => %s)", (end, args.years)).fetchone()[0]
    params = {"n": args.cases, "start": start, "end": end, "coordinators": COORDINATORS}
    connection.execute("SET synchronous_commit = on")  # see bench/README.md, "Hint bits": index-only scans
    connection.commit()
    began = time.perf_counter()
    with connection.transaction():
        connection.execute("SELECT setseed(0.2024)")
        for statement in (LOAD_USERS, LOAD_CASES, LOAD_CASE_PARTNERS, LOAD_MEETINGS):
            connection.execute(statement, params)
        for table in ("users", "cases", "case_partners", "meetings"):
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    loaded = time.perf_counter()
    connection.autocommit = True
    for table in ("users", "partners", "cases", "case_partners", "meetings"):
        connection.execute(f"VACUUM ANALYZE {table}")
    connection.autocommit = False
    return loaded - began, time.perf_counter() - loaded


def _counts(connection: psycopg.Connection) -> dict:
    row = connection.execute("""
        SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM cases WHERE status = 'merged'),
               (SELECT count(DISTINCT case_id) FROM case_partners), (SELECT count(*) FROM case_partners),
               (SELECT count(*) FROM meetings), (SELECT min(opened_at) FROM cases), (SELECT max(opened_at) FROM cases)
    """).fetchone()
    connection.rollback()
    return dict(zip(("cases", "merged", "with_partners", "case_partners", "meetings", "first", "last"), row))


def _limit_to_teams(connection: psycopg.Connection) -> None:
    """The admin setting of gdt.services.core.teams: coordinators 1–5 in one team, the rest in another."""
    connection.execute("UPDATE users SET team = CASE WHEN id <= %s THEN 'Noord' ELSE 'Zuid' END",
                       (COORDINATORS // 2,))
    connection.execute("INSERT INTO app_settings (key, value) VALUES (%s, '1')", (teams.RESTRICT_KEY,))
    connection.commit()


def _scenarios(connection: psycopg.Connection, args,
               team: bool = False) -> list[tuple[str, case_list.CaseFilter, int]]:
    """Each filter alone and combined; each on its first page and its last (the deepest OFFSET).

    With `team`, only the whole list and two filters: what the team limit adds to every query.
    """
    last = connection.execute("SELECT max(opened_at) FROM cases").fetchone()[0].date()
    connection.rollback()
    busy = 1  # the coordinator with the most cases (power(r, 1.3) gives the low ids a larger share)
    month_end = last.replace(day=1) - timedelta(days=1)  # the last full month
    year_ago = last - timedelta(days=365)
    F = case_list.CaseFilter
    filters = [
        ("no filter", F()),
        ("status=open", F(status="open")),
        ("status=closed", F(status="closed")),
        ("mode=advice", F(mode="advice")),
        ("mode=regie", F(mode="regie")),
        ("mode=undecided", F(mode="undecided")),
        ("coordinator=<busiest>", F(coordinator=busy)),
        ("coordinator=none", F(coordinator=case_list.UNASSIGNED)),
        ("partner=politie (common)", F(partner="politie")),
        ("partner=reclassering (rare)", F(partner="reclassering")),
        ("period: last full month", F(opened_from=month_end.replace(day=1), opened_to=month_end)),
        ("period: last 12 months", F(opened_from=year_ago, opened_to=last)),
        ("open+regie+coordinator+politie", F(status="open", mode="regie", coordinator=busy, partner="politie")),
        ("closed+advice+coordinator+politie+period",
         F(status="closed", mode="advice", coordinator=busy, partner="politie",
           opened_from=year_ago - timedelta(days=365), opened_to=year_ago)),
        ("closed+undecided+none+reclassering (rare)",
         F(status="closed", mode="undecided", coordinator=case_list.UNASSIGNED, partner="reclassering")),
    ]
    if team:
        filters = [item for item in filters if item[0] in ("no filter", "status=open", "partner=politie (common)")]
    per_page = config.Config.PER_PAGE
    actor = db.session.get(User, 1)  # fresh: the team limit may have changed what it sees
    scenarios = []
    for name, case_filter in filters:
        total = db.session.scalar(_count_statement(case_list.query(actor, case_filter)))
        pages = max(1, -(-total // per_page))
        scenarios.append((name, case_filter, 1))
        if name == "no filter" and 1 < args.deep_page < pages:
            scenarios.append((name, case_filter, args.deep_page))
        if pages > 1:
            scenarios.append((name, case_filter, pages))
    db.session.remove()
    return scenarios


def _count_statement(found: sa.Select) -> sa.Select:
    """The COUNT exactly as Flask-SQLAlchemy's SelectPagination._query_count builds it."""
    return sa.select(sa.func.count()).select_from(found.options(lazyload("*")).order_by(None).subquery())


def _client(app: Flask, actor: User):
    actor.login_token = auth.start_session(actor)
    return app.test_client(user=actor)


def _measure(app: Flask, client, runs: int, name: str, case_filter, page: int) -> dict:
    per_page = app.config["PER_PAGE"]
    url = "/cases?" + "&".join(f"{key}={value}" for key, value in (case_filter.as_args() | {"page": page}).items())

    def count():
        actor = db.session.get(User, 1)
        value = db.session.scalar(_count_statement(case_list.query(actor, case_filter)))
        db.session.remove()
        return value

    def rows():
        actor = db.session.get(User, 1)
        found = case_list.page_of(actor, case_filter, None, {"page": str(page)}, per_page=per_page).items
        names = [case.coordinator.name if case.coordinator else None for case in found]
        case_list.rows(found)
        db.session.remove()
        return len(names)

    def whole_page():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response

    total, shown = count(), rows()
    # A fast wrong answer is no answer: the page must show the same count and rows (Dutch: 98.038).
    text = whole_page().get_data(as_text=True)
    shown_total = re.search(rf"(?<![\d.]){total:,}(?![\d.])".replace(",", r"\."), text)
    if shown_total is None or text.count('href="/cases/GDT-') != shown:
        raise SystemExit(f"{url}: the page does not show {total} cases / {shown} rows")
    timings = {"count": [], "rows": [], "page": []}
    for _ in range(runs):
        for key, run in (("count", count), ("rows", rows), ("page", whole_page)):
            began = time.perf_counter()
            run()
            timings[key].append(time.perf_counter() - began)
    return {"name": name, "filter": case_filter, "page": page, "total": total, "shown": shown, "url": url,
            "statements": _statements(case_filter, page),  # now: the team limit changes the SQL
            **{f"{key}_ms": median(values) * 1000 for key, values in timings.items()},
            "page_max_ms": max(timings["page"]) * 1000}


def _statements(case_filter, page: int) -> list[tuple[str, dict]]:
    """The SQL the list sends for one page (partner id, count, rows, coordinators, meetings), from the engine."""
    actor = db.session.get(User, 1)
    captured = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        listed = case_list.page_of(actor, case_filter, None, {"page": str(page)}, per_page=config.Config.PER_PAGE)
        case_list.rows(listed.items)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
        db.session.remove()
    return captured


def _explain(connection: psycopg.Connection, statements, what: str) -> None:
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) — {what}:")
    for statement, parameters in statements:
        plan = connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
        print("  " + " ".join(statement.split())[:160] + (" …" if len(" ".join(statement.split())) > 160 else ""))
        print("\n".join("    " + line for (line,) in plan))
        print()
    connection.rollback()


def _report(args, counts, load_seconds, vacuum_seconds, results, server_version) -> None:
    server = f"{server_version // 10000}.{server_version % 10000}"
    print(f"\nmachine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, "
          f"PostgreSQL {server}, psycopg {psycopg.__version__}, SQLAlchemy {sa.__version__}")
    print(f"loaded {counts['cases']:,} cases ({counts['merged']:,} merged), {counts['with_partners']:,} with partners "
          f"({counts['case_partners']:,} links), {counts['meetings']:,} meetings, {COORDINATORS} coordinators, "
          f"opened {counts['first']:%Y-%m-%d} … {counts['last']:%Y-%m-%d} "
          f"in {load_seconds:.1f} s (VACUUM ANALYZE {vacuum_seconds:.1f} s)")
    if args.drop_index:
        print(f"dropped: {', '.join(args.drop_index)}")
    title = f"median of {args.runs} runs, ms"
    print(f"\n{title:<44}{'page':>6}{'matches':>9}{'rows':>5}{'count':>8}{'rows':>8}{'page':>8}{'max':>8}")
    for result in results:
        print(f"{result['name']:<44}{result['page']:>6}{result['total']:>9,}{result['shown']:>5}"
              + "".join(f"{result[key]:>8.1f}" for key in ("count_ms", "rows_ms", "page_ms", "page_max_ms")))
    slowest = max(results, key=lambda result: result["page_ms"])
    verdict = "met" if slowest["page_ms"] < 100 else "NOT met"
    print(f"\nslowest page: {slowest['name']}, page {slowest['page']}: {slowest['page_ms']:.1f} ms "
          f"(target < 100 ms: {verdict})")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    main()
