"""Benchmark: `yearly_statistics(year)` on a large PostgreSQL database against the bare GROUP BY.

Run from the repository root:

    .venv/bin/python bench/statistics.py [--reports 1000000] [--years 10] [--runs 7]

Starts a throwaway PostgreSQL cluster (tests/postgres.py), creates the schema, loads N reports
and their cases with the shape of a real GDT year (DESIGN §1) with one INSERT … SELECT over
generate_series per table, runs VACUUM ANALYZE, shows the query plans and prints median timings.
"""
import argparse
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Python put bench/ first on sys.path; this file's name would shadow the standard `statistics` module.
sys.path[0] = str(ROOT)

from statistics import median  # noqa: E402  (the standard library's, now that bench/ is off the path)

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

import config  # noqa: E402
from gdt import create_app  # noqa: E402
from gdt.db import db  # noqa: E402
from gdt.services import funnel, reference_data  # noqa: E402
from gdt.services import statistics as stats_service  # noqa: E402
from tests.postgres import temporary_postgresql  # noqa: E402

# The shape of a year (DESIGN §1): ~3 % partner registrations; of resident reports 80 % app,
# 10 % webform, 10 % phone; 94 % referred (mostly to Ruimtelijk Domein), 6 % escalated; GDT cases
# 53 % advice / 47 % regie (partner registrations 66 / 34); recent work still open or undecided.
CREATE_GEN = """
CREATE UNLOGGED TABLE bench_gen (i integer, received_at timestamp, channel text, outcome text, partner_key text,
                                 mode text)
"""
GENERATE = """
INSERT INTO bench_gen
SELECT i, received_at,
       CASE WHEN rc < 0.03 THEN 'partner' WHEN rc < 0.806 THEN 'app' WHEN rc < 0.903 THEN 'webform'
            ELSE 'phone' END AS channel,
       CASE WHEN rc < 0.03 THEN 'escalated'
            WHEN received_at > %(end)s - interval '10 days' THEN NULL
            WHEN ro < 0.06 THEN 'escalated' ELSE 'referred' END AS outcome,
       CASE WHEN rp < 0.75 THEN 'ruimtelijk-domein' WHEN rp < 0.83 THEN 'politie'
            WHEN rp < 0.89 THEN 'woningcorporatie' WHEN rp < 0.93 THEN 'ggz' WHEN rp < 0.97 THEN 'wijkteam'
            WHEN rp < 0.985 THEN 'veilig-thuis' WHEN rp < 0.993 THEN 'om' ELSE 'reclassering' END AS partner_key,
       CASE WHEN received_at > %(end)s - interval '30 days' THEN NULL
            WHEN rm < CASE WHEN rc < 0.03 THEN 0.66 ELSE 0.53 END THEN 'advice' ELSE 'regie' END AS mode
FROM (SELECT i, %(start)s + random() * (%(end)s - %(start)s) AS received_at,
             random() AS rc, random() AS ro, random() AS rp, random() AS rm
      FROM generate_series(1, %(n)s) AS i) AS raw
"""
LOAD_CASES = """
INSERT INTO cases (id, reference, source, status, mode, received_at, opened_at, closed_at, result,
                   version, created_at, updated_at)
SELECT i, 'GDT-B-C' || lpad(i::text, 8, '0'), CASE WHEN channel = 'partner' THEN 'partner' ELSE 'report' END,
       CASE WHEN closed THEN 'closed' ELSE 'open' END, mode, received_at, received_at,
       CASE WHEN closed THEN received_at + interval '45 days' END,
       CASE WHEN closed THEN 'de-escalated' END, 1, received_at, received_at
FROM (SELECT *, received_at < %(end)s - interval '90 days' AS closed FROM bench_gen WHERE outcome = 'escalated') AS g
"""
LOAD_REPORTS = """
INSERT INTO reports (id, reference, channel, received_at, status, category_id, description, postcode,
                     house_number, reporter_is_anonymous, reporter_may_contact, triage_outcome, triaged_at,
                     referred_partner_id, case_id, version, created_at, updated_at)
SELECT g.i, 'GDT-B-' || lpad(g.i::text, 8, '0'), g.channel, g.received_at,
       CASE WHEN g.outcome IS NULL THEN 'received' WHEN g.outcome = 'escalated' THEN 'escalated'
            WHEN g.received_at < %(end)s - interval '60 days' THEN 'closed' ELSE 'referred' END,
       c.ids[1 + g.i %% array_length(c.ids, 1)], 'Geluidsoverlast in de avond, al enkele weken.',
       '5611' || chr(65 + g.i %% 26) || chr(65 + (g.i / 26) %% 26), 1 + g.i %% 250, true, false,
       g.outcome, CASE WHEN g.outcome IS NOT NULL THEN g.received_at + interval '1 day' END,
       p.id, CASE WHEN g.outcome = 'escalated' THEN g.i END, 1, g.received_at, g.received_at
FROM bench_gen AS g
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM categories) AS c
LEFT JOIN partners AS p ON p.key = g.partner_key AND g.outcome = 'referred'
"""
# The service's two aggregates, written by hand: what it costs without SQLAlchemy and shaping.
BARE_SAME = [
    """SELECT g.channel, g.triage_outcome, p.key, p.name, g.count
       FROM (SELECT channel, triage_outcome, referred_partner_id, count(*) AS count FROM reports
             WHERE received_at >= %(start)s AND received_at < %(end)s AND channel <> 'partner'
             GROUP BY channel, triage_outcome, referred_partner_id) AS g
       LEFT JOIN partners AS p ON p.id = g.referred_partner_id""",
    """SELECT source, mode, count(*) FROM cases
       WHERE received_at >= %(start)s AND received_at < %(end)s AND status <> 'merged' GROUP BY source, mode""",
]
# The obvious hand-written alternative: one GROUP BY per breakdown (channels; outcome × partner; cases).
BARE_THREE = [
    """SELECT channel, count(*) FROM reports
       WHERE received_at >= %(start)s AND received_at < %(end)s AND channel <> 'partner' GROUP BY channel""",
    """SELECT r.triage_outcome, p.key, p.name, count(*) FROM reports AS r LEFT JOIN partners AS p
       ON p.id = r.referred_partner_id
       WHERE r.received_at >= %(start)s AND r.received_at < %(end)s AND r.channel <> 'partner'
       GROUP BY r.triage_outcome, p.key, p.name""",
    BARE_SAME[1],
]


def main() -> None:
    args = _arguments()
    with temporary_postgresql("gdt_bench") as url:
        app = _create_schema(url)
        with psycopg.connect(_conninfo(url)) as connection:
            load_seconds, vacuum_seconds = _load(connection, args)
            year = args.first_year + args.years // 2
            counts = _counts(connection, year)
            with app.app_context():
                statements = _service_statements(year)
                _check_same_counts(year, counts)
                service, same, three = _time(args.runs, lambda: _run_service(year),
                                             lambda: _run_bare(connection, BARE_SAME, year),
                                             lambda: _run_bare(connection, BARE_THREE, year))
                [whole_page] = _time(args.runs, lambda: _run_funnel(year))
            _explain(connection, statements)
            counts["server"] = connection.info.server_version
            _report(args, year, counts, load_seconds, vacuum_seconds, service, same, three)
            print(f"{'the whole funnel page (§6 twice, months, categories, wijken, durations)':<52}"
                  f"{median(whole_page) * 1000:8.1f} ms{min(whole_page) * 1000:8.1f} ms{max(whole_page) * 1000:8.1f} ms")


def _create_schema(url: str) -> Flask:
    """The app's own tables and default partners/categories, as `flask db upgrade` + first start give."""
    bench_config = type("BenchConfig", (config.Config,), {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    app = create_app(bench_config)
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        db.session.remove()
    return app


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1_000_000, help="reports to load (default 1 000 000)")
    parser.add_argument("--years", type=int, default=10, help="spread over this many years (default 10)")
    parser.add_argument("--first-year", type=int, default=2016, help="first year of data (default 2016)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs after one warm-up (default 7)")
    return parser.parse_args()


def _conninfo(url: str) -> str:
    parsed = sa.make_url(url)
    return f"dbname={parsed.database} user={parsed.username} host={parsed.query['host']}"


def _naive_utc(moment: datetime) -> datetime:
    """The columns are `timestamp without time zone` holding UTC (gdt.db.UTCDateTime)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _bounds(year: int) -> dict:
    start, end = stats_service.year_bounds(year)
    return {"start": _naive_utc(start), "end": _naive_utc(end)}


def _load(connection: psycopg.Connection, args: argparse.Namespace) -> tuple[float, float]:
    params = {"n": args.reports, "start": _bounds(args.first_year)["start"],
              "end": _bounds(args.first_year + args.years - 1)["end"]}
    # The throwaway cluster runs with synchronous_commit=off; until the commit record is flushed,
    # hint bits cannot be set and VACUUM leaves pages not all-visible (no index-only scans).
    connection.execute("SET synchronous_commit = on")
    connection.commit()
    began = time.perf_counter()
    with connection.transaction():
        connection.execute("SELECT setseed(0.2019)")
        connection.execute(CREATE_GEN)
        connection.execute(GENERATE, params)
        connection.execute(LOAD_CASES, params)
        connection.execute(LOAD_REPORTS, params)
        connection.execute("DROP TABLE bench_gen")
        for table in ("reports", "cases"):
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    loaded = time.perf_counter()
    connection.autocommit = True
    connection.execute("VACUUM ANALYZE reports")
    connection.execute("VACUUM ANALYZE cases")
    connection.autocommit = False
    return loaded - began, time.perf_counter() - loaded


def _counts(connection: psycopg.Connection, year: int) -> dict:
    total = connection.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM cases)").fetchone()
    rows = _run_bare(connection, BARE_SAME, year)
    return {"reports": total[0], "cases": total[1], "year_reports": sum(row[-1] for row in rows[0]),
            "year_cases": sum(row[-1] for row in rows[1])}


def _check_same_counts(year: int, counts: dict) -> None:
    """A fast wrong answer is no answer: the service must count what the bare SQL counts."""
    document = _run_service(year)
    if (document["reports"]["total"], document["gdt"]["all_cases"]["total"]) != (counts["year_reports"],
                                                                                 counts["year_cases"]):
        raise SystemExit(f"service and bare SQL disagree for {year}: {document['reports']} vs {counts}")


def _run_service(year: int) -> dict:
    document = stats_service.yearly_statistics(year)
    db.session.remove()  # what the end of a request does: the connection goes back to the pool
    return document


def _run_funnel(year: int) -> dict:
    """Everything the statistics page computes for a year (gdt.services.funnel)."""
    result = funnel.yearly_funnel(year)
    db.session.remove()
    return result


def _run_bare(connection: psycopg.Connection, queries: list[str], year: int) -> list[list[tuple]]:
    params = _bounds(year)
    with connection.cursor() as cursor:
        results = [cursor.execute(query, params).fetchall() for query in queries]
    connection.rollback()
    return results


def _time(runs: int, *candidates) -> list[list[float]]:
    """Seconds per run for each candidate, taken in turns so that a noisy moment hits them all alike."""
    for run in candidates:
        run()  # warm-up: caches, compiled statements, buffers
    timings = [[] for _ in candidates]
    for _ in range(runs):
        for run, taken in zip(candidates, timings):
            began = time.perf_counter()
            run()
            taken.append(time.perf_counter() - began)
    return timings


def _service_statements(year: int) -> list[tuple[str, dict]]:
    """The SQL the service really sends, captured from the engine, so EXPLAIN shows its plans."""
    captured = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        _run_service(year)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    return [(statement, parameters) for statement, parameters in captured if "GROUP BY" in statement]


def _explain(connection: psycopg.Connection, statements: list[tuple[str, dict]]) -> None:
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the service's queries:")
    for statement, parameters in statements:
        plan = connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
        print("\n".join("  " + line for (line,) in plan))
        print()
    connection.rollback()


def _report(args, year, counts, load_seconds, vacuum_seconds, service, same, three) -> None:
    ms = lambda seconds: f"{seconds * 1000:8.1f} ms"  # noqa: E731
    row = lambda name, timings: f"{name:<52}{ms(median(timings))}{ms(min(timings))}{ms(max(timings))}"  # noqa: E731
    server = f"{counts['server'] // 10000}.{counts['server'] % 10000}"
    print(f"\nmachine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, "
          f"PostgreSQL {server}, psycopg {psycopg.__version__}")
    print(f"loaded {counts['reports']:,} reports and {counts['cases']:,} cases over {args.years} years "
          f"in {load_seconds:.1f} s (VACUUM ANALYZE {vacuum_seconds:.1f} s)")
    print(f"year {year}: {counts['year_reports']:,} resident reports, {counts['year_cases']:,} cases")
    title = f"median of {args.runs} runs after a warm-up, in turns"
    print(f"\n{title:<52}{'median':>11}{'min':>11}{'max':>11}")
    print(row(f"yearly_statistics({year}) (SQLAlchemy + shaping)", service))
    print(row("bare SQL, the same 2 GROUP BYs (psycopg)", same))
    print(row("bare SQL, 3 separate GROUP BYs (psycopg)", three))
    print(f"\nratio service / bare same queries: {median(service) / median(same):.2f}  (target ≤ 1.2)")
    print(f"ratio service / bare 3 GROUP BYs:  {median(service) / median(three):.2f}")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    main()
