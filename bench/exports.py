"""Benchmark: the anonymous rows export (`anonymous_rows`) of a year of 1 000 000 reports.

Run from the repository root:

    .venv/bin/python bench/exports.py [--reports 1000000] [--year 2021] [--runs 2]

Starts a throwaway PostgreSQL cluster (tests/postgres.py), creates the schema, loads N reports
received in one year (with their cases, area codes and reporter details) with one INSERT … SELECT
over generate_series per table, runs VACUUM ANALYZE, then:

1. streams `anonymous_rows(year)` to a file `--runs` times and prints the time, the rows per
   second and how far the process's peak RSS (VmHWM, reset before each run through
   /proc/self/clear_refs) rose above its RSS before the run;
2. streams it once more under tracemalloc (which slows Python down several times) and prints the
   peak of Python allocations after 10 000, 100 000, 500 000 rows and at the end (constant memory
   means these stay the same);
3. times `anonymous_counts(year, 5)` (one GROUP BY plus the full 12 × channel × category ×
   outcome grid) and prints the plan of the rows query.
"""
import argparse
import contextlib
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Python put bench/ first on sys.path; bench/statistics.py would shadow the standard `statistics` module.
sys.path[0] = str(ROOT)

import psycopg
import sqlalchemy as sa

import config
from bench.common import bench_app, conninfo, create_schema, naive_utc
from gdt.db import db
from gdt.services.reporting import anonymous_exports
from gdt.services.reporting.periods import year_bounds
from tests.postgres import temporary_postgresql

# One year shaped like the 2019 annual report: ≈3 % partner registrations; resident reports 80 % app, 10 % webform,
# 10 % phone; 94 % referred, 6 % escalated to a case (53 % advice / 47 % regie); the last 10 days untriaged.
CREATE_GEN = """
CREATE UNLOGGED TABLE bench_gen (i integer, received_at timestamp, channel text, outcome text, partner_key text,
                                 mode text, triage_hours double precision, wijk integer, buurt integer)
"""
GENERATE = """
INSERT INTO bench_gen
SELECT i, received_at,
       CASE WHEN rc < 0.03 THEN 'partner' WHEN rc < 0.806 THEN 'app' WHEN rc < 0.903 THEN 'webform'
            ELSE 'phone' END,
       CASE WHEN rc < 0.03 THEN 'escalated' WHEN received_at > %(end)s - interval '10 days' THEN NULL
            WHEN ro < 0.06 THEN 'escalated' ELSE 'referred' END,
       CASE WHEN rp < 0.75 THEN 'ruimtelijk-domein' WHEN rp < 0.83 THEN 'politie'
            WHEN rp < 0.89 THEN 'woningcorporatie' WHEN rp < 0.93 THEN 'ggz' WHEN rp < 0.97 THEN 'wijkteam'
            WHEN rp < 0.985 THEN 'veilig-thuis' WHEN rp < 0.993 THEN 'om' ELSE 'reclassering' END,
       CASE WHEN received_at > %(end)s - interval '30 days' THEN NULL
            WHEN rm < 0.53 THEN 'advice' ELSE 'regie' END,
       rt * rt * 120, (rw * 12)::int, (rb * 9)::int
FROM (SELECT i, %(start)s + random() * (%(end)s - %(start)s) AS received_at,
             random() AS rc, random() AS ro, random() AS rp, random() AS rm, random() AS rt, random() AS rw,
             random() AS rb
      FROM generate_series(1, %(n)s) AS i) AS raw
"""
LOAD_CASES = """
INSERT INTO cases (id, reference, source, status, mode, received_at, opened_at, version, created_at, updated_at)
SELECT i, 'GDT-B-C' || lpad(i::text, 8, '0'), CASE WHEN channel = 'partner' THEN 'partner' ELSE 'report' END,
       'open', mode, received_at, received_at, 1, received_at, received_at
FROM bench_gen WHERE outcome = 'escalated'
"""
LOAD_REPORTS = """
INSERT INTO reports (id, reference, channel, received_at, status, category_id, description, postcode, house_number,
                     street, city, wijk_code, buurt_code, reporter_is_anonymous, reporter_name, reporter_email,
                     reporter_phone, reporter_may_contact, triage_outcome, triaged_at, referred_partner_id, case_id,
                     version, created_at, updated_at)
SELECT g.i, 'GDT-B-' || lpad(g.i::text, 8, '0'), g.channel, g.received_at,
       CASE WHEN g.outcome IS NULL THEN 'received' ELSE g.outcome END,
       c.ids[1 + g.i %% array_length(c.ids, 1)], 'Geluidsoverlast in de avond, al enkele weken.',
       '5611' || chr(65 + g.i %% 26) || chr(65 + (g.i / 26) %% 26), 1 + g.i %% 250, 'Kerkstraat', 'Eindhoven',
       'WK0772' || lpad(g.wijk::text, 2, '0'), 'BU0772' || lpad(g.wijk::text, 2, '0') || lpad(g.buurt::text, 2, '0'),
       false, 'Bewoner ' || g.i, 'bewoner' || g.i || '@example.org', '06' || lpad(g.i::text, 8, '0'), true,
       g.outcome, CASE WHEN g.outcome IS NOT NULL THEN g.received_at + g.triage_hours * interval '1 hour' END,
       p.id, CASE WHEN g.outcome = 'escalated' THEN g.i END, 1, g.received_at, g.received_at
FROM bench_gen AS g
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM categories) AS c
LEFT JOIN partners AS p ON p.key = g.partner_key AND g.outcome = 'referred'
"""
CHECKPOINTS = (10_000, 100_000, 500_000)


def main() -> None:
    args = _arguments()
    with temporary_postgresql("gdt_bench_exports") as url:
        app = bench_app(url)
        create_schema(app)
        with psycopg.connect(conninfo(url)) as connection:
            load_seconds, vacuum_seconds = _load(connection, args)
            server = connection.info.server_version
        with app.app_context():
            with tempfile.TemporaryDirectory(prefix="gdt-bench-export-") as folder:
                target = Path(folder) / "rows.csv"
                runs = [_plain_run(args.year, target) for _ in range(args.runs)]  # first: a fresh process's growth
                traced = _traced_run(args.year, target)
                size = target.stat().st_size
            counts_seconds = _time_counts(args.year)
            plan = _rows_plan(args.year)
        _report(args, server, load_seconds, vacuum_seconds, traced, runs, size, counts_seconds, plan)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1_000_000, help="reports in the year (default 1 000 000)")
    parser.add_argument("--year", type=int, default=2021, help="the year they are received in (default 2021)")
    parser.add_argument("--runs", type=int, default=2, help="timed runs without tracemalloc (default 2)")
    return parser.parse_args()


def _load(connection: psycopg.Connection, args: argparse.Namespace) -> tuple[float, float]:
    start, end = year_bounds(args.year)
    params = {"n": args.reports, "start": naive_utc(start), "end": naive_utc(end) - timedelta(seconds=1)}
    connection.execute("SET synchronous_commit = on")  # see bench/README.md (hint bits on the temporary cluster)
    connection.commit()
    began = time.perf_counter()
    with connection.transaction():
        connection.execute("SELECT setseed(0.2021)")
        connection.execute(CREATE_GEN)
        connection.execute(GENERATE, params)
        connection.execute(LOAD_CASES)
        connection.execute(LOAD_REPORTS, {})
        connection.execute("DROP TABLE bench_gen")
        for table in ("reports", "cases"):
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    loaded = time.perf_counter()
    connection.autocommit = True
    connection.execute("VACUUM ANALYZE reports")
    connection.execute("VACUUM ANALYZE cases")
    connection.autocommit = False
    return loaded - began, time.perf_counter() - loaded


def _stream(year: int, target: Path, on_row=None) -> int:
    rows = -1  # the header is not a row
    with target.open("w", encoding="utf-8", newline="") as out:
        for line in anonymous_exports.anonymous_rows(year, config.Config.EXPORT_SMALL_CELL_THRESHOLD):
            out.write(line)
            rows += 1
            if on_row is not None:
                on_row(rows)
    db.session.remove()  # what the end of a request does
    return rows


def _traced_run(year: int, target: Path) -> dict:
    """Peak Python allocations at the checkpoints: the same figure throughout means constant memory."""
    peaks = {}

    def checkpoint(rows: int) -> None:
        if rows in CHECKPOINTS:
            peaks[rows] = tracemalloc.get_traced_memory()[1]

    tracemalloc.start()
    began = time.perf_counter()
    rows = _stream(year, target, checkpoint)
    seconds = time.perf_counter() - began
    peaks[rows] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"rows": rows, "seconds": seconds, "peaks": peaks}


def _plain_run(year: int, target: Path) -> dict:
    before = _status("VmRSS")
    _reset_peak_rss()
    began = time.perf_counter()
    rows = _stream(year, target)
    seconds = time.perf_counter() - began
    peak = _status("VmHWM") if _status("VmHWM") is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": rows, "seconds": seconds, "rss_before_kb": before, "peak_kb": peak,
            "growth_kb": None if before is None else peak - before}


def _status(field: str) -> int | None:
    """A kB figure from /proc/self/status (Linux), None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS (Linux ≥ 4.0)


def _time_counts(year: int) -> float:
    began = time.perf_counter()
    lines = sum(1 for _ in anonymous_exports.anonymous_counts(year, 5))
    seconds = time.perf_counter() - began
    db.session.remove()
    assert lines > 1
    return seconds


def _rows_plan(year: int) -> list[str]:
    """EXPLAIN of the SQL `anonymous_rows` really sends, captured from the engine."""
    captured = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        lines = anonymous_exports.anonymous_rows(year, config.Config.EXPORT_SMALL_CELL_THRESHOLD)
        next(lines), next(lines)
        lines.close()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    statement, parameters = next((s, p) for s, p in captured if "FROM reports" in s)
    with db.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
    db.session.remove()
    return plan


def _report(args, server, load_seconds, vacuum_seconds, traced, runs, size, counts_seconds, plan) -> None:
    mb = lambda n: f"{n / 1024 / 1024:.1f} MB"  # noqa: E731
    print(f"\nmachine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, "
          f"PostgreSQL {server // 10000}.{server % 10000}, psycopg {psycopg.__version__}")
    print(f"loaded {args.reports:,} reports received in {args.year} in {load_seconds:.1f} s "
          f"(VACUUM ANALYZE {vacuum_seconds:.1f} s)")
    print("\nplan of the rows query:\n" + "\n".join("  " + line for line in plan))
    print(f"\nanonymous_rows({args.year}) to a file, under tracemalloc: {traced['rows']:,} rows in "
          f"{traced['seconds']:.1f} s")
    for rows, peak in sorted(traced["peaks"].items()):
        print(f"  peak of Python allocations after {rows:>9,} rows: {mb(peak)}")
    for number, run in enumerate(runs, start=1):
        growth = f"{run['growth_kb'] / 1024:.1f} MB" if run["growth_kb"] is not None else "n/a"
        print(f"run {number} (no tracemalloc): {run['rows']:,} rows in {run['seconds']:.1f} s "
              f"({run['rows'] / run['seconds']:,.0f} rows/s); peak RSS {run['peak_kb'] / 1024:.1f} MB, "
              f"growth over the run {growth}")
    print(f"file size: {mb(size)}")
    print(f"anonymous_counts({args.year}, 5): {counts_seconds * 1000:.0f} ms")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    main()
