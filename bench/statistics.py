"""Benchmark: what a manager's reporting costs on a large PostgreSQL database, all against one load.

Run from the repository root:

    .venv/bin/python bench/statistics.py [--reports 1000000] [--years 10] [--runs 7] [--export-runs 2]
    .venv/bin/python bench/statistics.py --reports 20000 --skip-export      # a quick run
    .venv/bin/python bench/statistics.py --load triggers                     # load with the tally triggers firing

Starts a throwaway PostgreSQL cluster (tests/postgres.py), creates the schema, generates N reports
and their cases with the shape of a real GDT year (annual report 2019) into a staging table, loads them
with one INSERT … SELECT per table — by default the bulk path (gdt.services.reporting.bulk_load: tally
triggers paused, the tallies counted once at the end; the INSERTs alone are the bare load), or with the
triggers firing (--load triggers) — merges the tallies' deltas, runs VACUUM ANALYZE, shows the query
plans and the slowest statements of the page and the indicator table, and times, in turns after a
warm-up: `yearly_statistics(year)` against the bare GROUP BY, the whole funnel page and its recurrence
part, and the indicator table over all loaded years with and without the recurrence indicators.
Then it streams the anonymous rows export of the busiest year in fresh child processes, for
time and honest peak memory. One summary table at the end holds every figure.
"""
import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Python put bench/ first on sys.path; this file's name would shadow the standard `statistics` module.
sys.path[0] = str(ROOT)

from statistics import median

import psycopg
import sqlalchemy as sa
from flask import Flask

import config
from bench.common import bench_app, conninfo, create_schema, naive_utc
from gdt.db import db
from gdt.models import Indicator
from gdt.models.indicators import COMPUTED_SOURCES
from gdt.services.reporting import (
    anonymous_exports,
    bulk_load,
    case_tallies,
    funnel,
    indicator_table,
    indicators,
    recurrence,
    report_tallies,
)
from gdt.services.reporting import statistics as stats_service
from gdt.services.reporting.periods import year_bounds
from tests.postgres import temporary_postgresql

# The shape of a year (annual report 2019): ~3 % partner registrations; of resident reports 80 % app,
# 10 % webform, 10 % phone; 94 % referred (mostly to Ruimtelijk Domein), 6 % escalated; GDT cases
# 53 % advice / 47 % regie (partner registrations 66 / 34); recent work still open or undecided.
# Triage takes (u²) × 6 days for uniform u: most within a day or two, a tail up to 6 days (median 1.5,
# 90th percentile 4.9), so the percentiles have something to find. 95 % of the addresses come from the
# address service with a CBS wijk (20 in the gemeente) and one of its 5 buurten; 5 % were typed by hand.
CREATE_GEN = """
CREATE UNLOGGED TABLE bench_gen (i integer, received_at timestamp, channel text, outcome text, partner_key text,
                                 mode text, triage_delay interval, wijk_code text, buurt_code text)
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
            WHEN rm < CASE WHEN rc < 0.03 THEN 0.66 ELSE 0.53 END THEN 'advice' ELSE 'regie' END AS mode,
       (rt ^ 2) * interval '6 days' AS triage_delay,
       CASE WHEN located THEN 'WK0772' || wijk END AS wijk_code,
       CASE WHEN located THEN 'BU0772' || wijk || buurt END AS buurt_code
FROM (SELECT i, %(start)s + random() * (%(end)s - %(start)s) AS received_at,
             random() AS rc, random() AS ro, random() AS rp, random() AS rm, random() AS rt,
             random() < 0.95 AS located, lpad((1 + floor(random() * 20))::int::text, 2, '0') AS wijk,
             lpad((1 + floor(random() * 5))::int::text, 2, '0') AS buurt
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
                     house_number, wijk_code, buurt_code, reporter_is_anonymous, reporter_may_contact,
                     triage_outcome, triaged_at, referred_partner_id, case_id, version, created_at, updated_at)
SELECT g.i, 'GDT-B-' || lpad(g.i::text, 8, '0'), g.channel, g.received_at,
       CASE WHEN g.outcome IS NULL THEN 'received' WHEN g.outcome = 'escalated' THEN 'escalated'
            WHEN g.received_at < %(end)s - interval '60 days' THEN 'closed' ELSE 'referred' END,
       c.ids[1 + g.i %% array_length(c.ids, 1)], 'Geluidsoverlast in de avond, al enkele weken.',
       '5611' || chr(65 + g.i %% 26) || chr(65 + (g.i / 26) %% 26), 1 + g.i %% 250, g.wijk_code, g.buurt_code,
       true, false, g.outcome, CASE WHEN g.outcome IS NOT NULL THEN g.received_at + g.triage_delay END,
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
# The same counts as the service reads them: the report and case tallies (gdt.models.tallies, case_tallies).
BARE_TALLIES = [
    """SELECT g.channel, g.triage_outcome, p.key, p.name, g.count
       FROM (SELECT channel, triage_outcome, referred_partner_id, sum(count) AS count FROM report_tallies
             WHERE facet = 'funnel' AND period BETWEEN %(first_period)s AND %(last_period)s
             GROUP BY channel, triage_outcome, referred_partner_id HAVING sum(count) <> 0) AS g
       LEFT JOIN partners AS p ON p.id = g.referred_partner_id""",
    """SELECT nullif(source, ''), nullif(mode, ''), sum(count) FROM case_tallies
       WHERE facet = 'cases' AND year = %(year)s GROUP BY 1, 2 HAVING sum(count) <> 0""",
]
RECURRENCE_SOURCES = ("recurrence_6_months", "recurrence_12_months")
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


# Reports per Amsterdam year, partner registrations included: what the anonymous rows export holds.
BUSIEST_YEAR = """
SELECT extract(year FROM received_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Amsterdam')::int AS year, count(*)
FROM reports GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1
"""
# What the generated data looks like in a year, counted without the app: time to triage and addresses.
DATA_SHAPE = """
SELECT count(triaged_at),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM triaged_at - received_at) / 86400),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM triaged_at - received_at) / 86400),
       count(DISTINCT wijk_code), count(DISTINCT buurt_code), avg((wijk_code IS NULL)::int) * 100
FROM reports WHERE received_at >= %(start)s AND received_at < %(end)s AND channel <> 'partner'
"""
NAME_WIDTH = 60  # the first column of the summary


def main() -> None:
    args = _arguments()
    if args.export_child:
        url, year, traced = args.export_child
        print(json.dumps(_export_once(url, int(year), traced=traced == "traced")))
        return
    with temporary_postgresql("gdt_bench") as url:
        app = bench_app(url)
        create_schema(app)
        with psycopg.connect(conninfo(url)) as connection:
            figures = {"machine_load": _machine_load(), "generate": _generate(connection, args)}
            figures |= _load_bulk(app, args) if args.load == "bulk" else _load_with_triggers(connection, args)
            figures |= {"compact": _compact_tallies(app), "vacuum": _vacuum(connection)}
            year = args.first_year + args.years // 2
            years = list(range(args.first_year, args.first_year + args.years))
            counts = _counts(connection, year)
            with app.app_context():
                statements = _service_statements(year)
                _check_same_counts(year, counts)
                _create_indicators()
                _slowest("the whole statistics page", lambda: _run_funnel(year))
                _slowest("the indicator table", lambda: _run_indicators(years))
                figures["service"], figures["tallies"], figures["same"], figures["three"] = _time(
                    args.runs, lambda: _run_service(year), lambda: _run_bare(connection, BARE_TALLIES, year),
                    lambda: _run_bare(connection, BARE_SAME, year), lambda: _run_bare(connection, BARE_THREE, year))
                figures["page"], figures["recurrence"], figures["indicators"] = _time(
                    args.runs, lambda: _run_funnel(year), lambda: _run_recurrence(year),
                    lambda: _run_indicators(years))
                table = _run_indicators(years)
                _set_recurrence_indicators(active=False)
                figures["indicators_without"], = _time(args.runs, lambda: _run_indicators(years))
            _explain(connection, statements)
            shape = connection.execute(DATA_SHAPE, _bounds(year)).fetchone()
            connection.rollback()
            counts["server"] = connection.info.server_version
            if not args.skip_export:
                figures["export"] = _time_export(url, *_busiest_year(connection), args.export_runs)
            figures["pending"] = _with_marks_pending(app, connection, year, args.runs)
            figures["check"], figures["rebuild"], figures["recurrence_check"], figures["recurrence_rebuild"] = (
                _maintain_tallies(app))
            figures["machine_load_end"] = _machine_load()
        _show_data(year, shape, table)
        _report(args, year, counts, figures)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1_000_000, help="reports to load (default 1 000 000)")
    parser.add_argument("--years", type=int, default=10, help="spread over this many years (default 10)")
    parser.add_argument("--first-year", type=int, default=2016, help="first year of data (default 2016)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs after one warm-up (default 7)")
    parser.add_argument("--export-runs", type=int, default=2,
                        help="runs of the anonymous rows export, each in a fresh process (default 2)")
    parser.add_argument("--skip-export", action="store_true", help="leave out the anonymous rows export")
    parser.add_argument("--load", choices=("bulk", "triggers"), default="bulk",
                        help="bulk: tally triggers paused, tallies counted once at the end (flask tallies load); "
                             "triggers: the triggers count every row as it is inserted (default bulk)")
    # Internal: the parent runs this file again with DATABASE_URL YEAR traced|untraced to stream one export
    # in a clean process.
    parser.add_argument("--export-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_runs < 1:
        parser.error("--export-runs must be at least 1 (use --skip-export to leave the export out)")
    return args


def _bounds(year: int) -> dict:
    start, end = year_bounds(year)
    return {"start": naive_utc(start), "end": naive_utc(end)}


def _generate(connection: psycopg.Connection, args: argparse.Namespace) -> float:
    """The data to load, in an unlogged staging table: what an import from an old system would start from."""
    # The throwaway cluster runs with synchronous_commit=off; until the commit record is flushed,
    # hint bits cannot be set and VACUUM leaves pages not all-visible (no index-only scans).
    connection.execute("SET synchronous_commit = on")
    connection.commit()
    began = time.perf_counter()
    with connection.transaction():
        connection.execute("SELECT setseed(0.2019)")
        connection.execute(CREATE_GEN)
        connection.execute(GENERATE, _load_params(args))
    return time.perf_counter() - began


def _load_params(args: argparse.Namespace) -> dict:
    return {"n": args.reports, "start": _bounds(args.first_year)["start"],
            "end": _bounds(args.first_year + args.years - 1)["end"]}


def _load_statements() -> list[str]:
    return [LOAD_CASES, LOAD_REPORTS, "DROP TABLE bench_gen",
            *(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
              for table in ("reports", "cases"))]


def _load_bulk(app: Flask, args: argparse.Namespace) -> dict:
    """The bulk path (gdt.services.reporting.bulk_load, `flask tallies load`): the INSERTs with the tally triggers
    off — the bare load — and one count of the tallies before the commit."""
    params = _load_params(args)
    with app.app_context():
        db.session.execute(sa.text("SET synchronous_commit = on"))
        began = time.perf_counter()
        with bulk_load.tallies_paused() as load:
            connection = db.session.connection()
            for statement in _load_statements():
                connection.exec_driver_sql(statement, params if "%(" in statement else None)
        total = time.perf_counter() - began
        db.session.remove()
    print(f"bulk load: INSERTs {load.load_seconds:.1f} s, tallies counted {load.rebuild_seconds:.1f} s, "
          f"{total:.1f} s with the commit")
    return {"load": load.load_seconds, "load_rebuild": load.rebuild_seconds, "load_total": total}


def _load_with_triggers(connection: psycopg.Connection, args: argparse.Namespace) -> dict:
    """The INSERTs with the tally triggers counting every row (the deltas are merged afterwards)."""
    params = _load_params(args)
    began = time.perf_counter()
    with connection.transaction():
        for statement in _load_statements():
            connection.execute(statement, params if "%(" in statement else None)
    return {"load": time.perf_counter() - began}


def _compact_tallies(app: Flask) -> float:
    """The tallies' triggers leave delta rows behind a load with them on; merging them is part of loading."""
    with app.app_context():
        began = time.perf_counter()
        report_tallies.compact_now()
        seconds = time.perf_counter() - began
        db.session.remove()
    print(f"compact tallies: {seconds:.1f} s")
    return seconds


def _machine_load() -> str:
    """The load averages, recorded with the figures: the machine is shared with other jobs."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _maintain_tallies(app: Flask) -> tuple[float, float, float, float]:
    """Seconds for `flask tallies check` and `flask tallies rebuild` of the report and case tallies (what the
    migrations' backfills cost), and of the recurrence kept per case apart."""
    with app.app_context():
        began = time.perf_counter()
        if report_tallies.check() or case_tallies.check():
            raise SystemExit("the tallies differ from a fresh count of the reports or cases")
        checked = time.perf_counter()
        if recurrence.check():
            raise SystemExit("the recurrence kept per case differs from a live computation")
        recurrence_checked = time.perf_counter()
        report_tallies.rebuild()
        case_tallies.rebuild()
        db.session.commit()
        rebuilt = time.perf_counter()
        recurrence.rebuild()
        db.session.commit()
        recurrence_rebuilt = time.perf_counter()
        db.session.remove()
    return checked - began, rebuilt - recurrence_checked, recurrence_checked - checked, recurrence_rebuilt - rebuilt


# New reports a month after closing, at the address of one of the year's closed cases: each marks itself and, when
# read before the next compaction, makes the cases at its address count live.
NEW_AT_CLOSED_ADDRESSES = """
INSERT INTO reports (reference, channel, received_at, status, category_id, description, postcode, house_number,
                     reporter_is_anonymous, reporter_may_contact, version, created_at, updated_at)
SELECT 'GDT-B-N' || lpad(row_number() OVER ()::text, 7, '0'), 'app', c.closed_at + interval '30 days', 'received',
       r.category_id, r.description, r.postcode, r.house_number, true, false, 1, now(), now()
FROM cases AS c JOIN reports AS r ON r.case_id = c.id
WHERE c.status = 'closed' AND c.closed_at >= %(start)s AND c.closed_at < %(end)s
ORDER BY md5(c.id::text) LIMIT %(n)s
"""


def _with_marks_pending(app: Flask, connection: psycopg.Connection, year: int, runs: int,
                        new_reports: int = 1000) -> dict:
    """Recurrence read with the marks of `new_reports` new reports not compacted yet (at most five minutes' worth
    of intake on a busy day), and the compaction that stores the marked cases again."""
    with connection.transaction():
        connection.execute(NEW_AT_CLOSED_ADDRESSES, _bounds(year) | {"n": new_reports})
        marks = connection.execute("SELECT count(*) FROM recurrence_marks").fetchone()[0]
    with app.app_context():
        before = _run_recurrence(year)
        timings, = _time(runs, lambda: _run_recurrence(year))
        began = time.perf_counter()
        report_tallies.compact_now()
        compacted = time.perf_counter() - began
        after = _run_recurrence(year)
        db.session.remove()
    if before != after:
        raise SystemExit("recurrence read with marks pending differs from the one after compaction")
    return {"marks": marks, "new_reports": new_reports, "read": timings, "compact": compacted,
            "recurred_12": after[year].windows[1].recurred}


def _vacuum(connection: psycopg.Connection) -> float:
    """The whole database, so that the tallies (when there) get planner statistics too."""
    began = time.perf_counter()
    connection.autocommit = True
    connection.execute("VACUUM ANALYZE")
    connection.autocommit = False
    return time.perf_counter() - began


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


def _create_indicators() -> None:
    """One indicator per computed source, as an admin would set up the safety plan's table."""
    for source in COMPUTED_SOURCES:
        indicators.create_indicator(source.replace("_", "-"), str(indicators.SOURCE_LABELS[source]), source=source,
                                    actor=None)
    db.session.remove()


def _run_service(year: int) -> dict:
    document = stats_service.yearly_statistics(year)
    db.session.remove()  # what the end of a request does: the connection goes back to the pool
    return document


def _run_funnel(year: int) -> dict:
    """Everything the statistics page computes for a year (gdt.services.reporting.funnel)."""
    result = funnel.yearly_funnel(year)
    db.session.remove()
    return result


def _run_recurrence(year: int) -> dict:
    """Recurrence after closing (gdt.services.reporting.recurrence), kept per case and read with the marks."""
    result = recurrence.recurrence([year])
    db.session.remove()
    return result


def _run_indicators(years: list[int]) -> indicator_table.IndicatorTable:
    result = indicator_table.table(years)
    db.session.remove()
    return result


def _set_recurrence_indicators(*, active: bool) -> None:
    for indicator in db.session.scalars(sa.select(Indicator).where(Indicator.source.in_(RECURRENCE_SOURCES))):
        indicators.set_indicator_active(indicator, active, actor=None)
    db.session.remove()


def _slowest(what: str, run, shown: int = 6) -> None:
    """Every statement `run` sends, timed at the cursor, slowest first: which ones still read reports or cases."""
    began: dict = {}
    taken: list[tuple[float, str]] = []

    def before(_conn, cursor, *_args):
        began[id(cursor)] = time.perf_counter()

    def after(_conn, cursor, statement, *_args):
        taken.append((time.perf_counter() - began.pop(id(cursor)), " ".join(statement.split())))

    run()  # warm-up
    sa.event.listen(db.engine, "before_cursor_execute", before)
    sa.event.listen(db.engine, "after_cursor_execute", after)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
        sa.event.remove(db.engine, "after_cursor_execute", after)
    print(f"\n{what}: {len(taken)} statements, {sum(seconds for seconds, _ in taken) * 1000:.1f} ms at the cursor; "
          f"slowest:")
    for seconds, statement in sorted(taken, reverse=True)[:shown]:
        print(f"  {seconds * 1000:8.1f} ms  {statement[:150]}")


def _run_bare(connection: psycopg.Connection, queries: list[str], year: int) -> list[list[tuple]]:
    params = _bounds(year) | {"first_period": year * 100, "last_period": year * 100 + 12, "year": year}
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


def _busiest_year(connection: psycopg.Connection) -> tuple[int, int]:
    """(year, reports): the largest export there is."""
    year, count = connection.execute(BUSIEST_YEAR).fetchone()
    connection.rollback()  # no transaction left idle while the children stream
    return year, count


def _time_export(url: str, year: int, expected_rows: int, runs: int) -> dict:
    """Each run in a fresh process: ru_maxrss only ever grows, so a process that did the load would hide the export."""
    results = []
    for run in range(runs):
        # The Python heap's peak is the same every run: tracing it once is enough.
        traced = "traced" if run == 0 else "untraced"
        child = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--export-child", url, str(year),
                                traced], stdout=subprocess.PIPE, text=True, check=True)
        results.append(json.loads(child.stdout.splitlines()[-1]))
    if any(result["rows"] != expected_rows for result in results):
        raise SystemExit(f"export of {year} wrote {[result['rows'] for result in results]} rows, "
                         f"the database holds {expected_rows}")
    return {"year": year, "runs": results}


def _export_once(url: str, year: int, *, traced: bool) -> dict:
    """Stream `anonymous_rows(year)` to the end as a response would, counting rows and UTF-8 bytes.

    The baseline RSS is taken with the app created and a connection open, as in a web worker that
    has served a request; what grows after that is the export's own. tracemalloc gets a second pass
    of its own, after the timed one: tracing every allocation makes the export about 4× slower.
    """
    app = bench_app(url)
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        before = _max_rss_mb()
        began = time.perf_counter()
        lines, size = _consume(anonymous_exports.anonymous_rows(year, config.Config.EXPORT_SMALL_CELL_THRESHOLD))
        seconds = time.perf_counter() - began
        after = _max_rss_mb()
        traced_peak = _traced_peak_mb(year) if traced else None
        db.session.remove()
    return {"seconds": seconds, "rows": lines - 1, "mb": size / 2**20, "rss_before": before, "rss_after": after,
            "traced_peak": traced_peak}


def _traced_peak_mb(year: int) -> float:
    """The most the Python heap held at once while the export streamed."""
    tracemalloc.start()
    try:
        _consume(anonymous_exports.anonymous_rows(year, config.Config.EXPORT_SMALL_CELL_THRESHOLD))
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _consume(lines) -> tuple[int, int]:
    count = size = 0
    for line in lines:
        count += 1
        size += len(line.encode("utf-8"))
    return count, size


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


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


def _report(args, year, counts, figures) -> None:
    server = f"{counts['server'] // 10000}.{counts['server'] % 10000}"
    print(f"\nmachine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, "
          f"PostgreSQL {server}, psycopg {psycopg.__version__}")
    print(f"loaded {counts['reports']:,} reports and {counts['cases']:,} cases over {args.years} years")
    print(f"year {year}: {counts['year_reports']:,} resident reports, {counts['year_cases']:,} cases")
    print(f"machine load (1/5/15 min) at the start {figures['machine_load']}, at the end {figures['machine_load_end']}")
    print(f"\n{'once':<{NAME_WIDTH}}{'seconds':>11}")
    print(f"{'generate the data (staging table, not part of the load)':<{NAME_WIDTH}}{figures['generate']:9.1f} s")
    if args.load == "bulk":
        print(f"{'load, bare: INSERT … SELECT, reports + cases, triggers off':<{NAME_WIDTH}}{figures['load']:9.1f} s")
        print(f"{'  + count the tallies once, compute recurrence (rebuilds)':<{NAME_WIDTH}}"
              f"{figures['load_rebuild']:9.1f} s")
        print(f"{'  = the bulk path, with the commit':<{NAME_WIDTH}}{figures['load_total']:9.1f} s")
        print(f"{'  ratio bulk path / bare load (target ≤ 2)':<{NAME_WIDTH}}"
              f"{figures['load_total'] / figures['load']:8.2f}")
    else:
        print(f"{'load: INSERT … SELECT, reports + cases, triggers on':<{NAME_WIDTH}}{figures['load']:9.1f} s")
    print(f"{'compact tallies (report_tallies.compact_now())':<{NAME_WIDTH}}{figures['compact']:9.1f} s")
    print(f"{'VACUUM ANALYZE':<{NAME_WIDTH}}{figures['vacuum']:9.1f} s")
    print(f"{'flask tallies check (compare with a fresh count)':<{NAME_WIDTH}}{figures['check']:9.1f} s")
    print(f"{'  + recurrence kept per case against a live computation':<{NAME_WIDTH}}"
          f"{figures['recurrence_check']:9.1f} s")
    print(f"{'flask tallies rebuild (= the migrations backfill)':<{NAME_WIDTH}}{figures['rebuild']:9.1f} s")
    print(f"{'  + recurrence of every closed case':<{NAME_WIDTH}}{figures['recurrence_rebuild']:9.1f} s")
    pending = figures["pending"]
    compaction = f"compaction after {pending['new_reports']} new reports ({pending['marks']} marks)"
    print(f"{compaction:<{NAME_WIDTH}}{pending['compact']:9.1f} s")
    title = f"median of {args.runs} runs after a warm-up, in turns"
    print(f"\n{title:<{NAME_WIDTH}}{'median':>11}{'min':>11}{'max':>11}")
    print(_row(f"yearly_statistics({year}) (SQLAlchemy + shaping)", figures["service"]))
    print(_row("bare SQL, the same counts: tallies + cases (psycopg)", figures["tallies"]))
    print(_row("bare SQL, the 2 GROUP BYs over reports + cases (psycopg)", figures["same"]))
    print(_row("bare SQL, 3 separate GROUP BYs over reports + cases", figures["three"]))
    print(_row(f"the whole statistics page, yearly_funnel({year})", figures["page"]))
    print(_row(f"  of which recurrence([{year}]) (kept per case)", figures["recurrence"]))
    print(_row(f"  recurrence([{year}]) with {figures['pending']['marks']} marks pending", figures["pending"]["read"]))
    print(_row(f"indicator table, {len(COMPUTED_SOURCES)} computed indicators × {args.years} years",
               figures["indicators"]))
    print(_row(f"indicator table, {len(COMPUTED_SOURCES) - len(RECURRENCE_SOURCES)} (no recurrence) × {args.years} "
               f"years", figures["indicators_without"]))
    service = median(figures["service"])
    print(f"{'  ratio service / bare SQL of the same counts (target ≤ 1.2)':<{NAME_WIDTH}}"
          f"{service / median(figures['tallies']):8.2f}")
    print(f"{'  ratio service / bare GROUP BYs over reports':<{NAME_WIDTH}}{service / median(figures['same']):8.2f}")
    print(f"{'  ratio service / bare 3 GROUP BYs':<{NAME_WIDTH}}{service / median(figures['three']):8.2f}")
    if "export" in figures:
        _report_export(figures["export"])


def _row(name: str, timings: list[float]) -> str:
    ms = lambda seconds: f"{seconds * 1000:8.1f} ms"  # noqa: E731
    return f"{name:<{NAME_WIDTH}}{ms(median(timings))}{ms(min(timings))}{ms(max(timings))}"


def _report_export(export: dict) -> None:
    runs = export["runs"]
    seconds = [run["seconds"] for run in runs]
    rows, size = runs[0]["rows"], runs[0]["mb"]
    title = f"anonymous rows export {export['year']}, {len(runs)} fresh process(es), no warm-up"
    print(f"\n{title:<{NAME_WIDTH}}{'median':>11}{'min':>11}{'max':>11}")
    s = lambda value: f"{value:8.1f} s "  # noqa: E731
    print(f"{'  time to stream every line':<{NAME_WIDTH}}{s(median(seconds))}{s(min(seconds))}{s(max(seconds))}")
    print(f"{'  rows (data lines, header not counted)':<{NAME_WIDTH}}{rows:>11,}")
    print(f"{'  written (UTF-8)':<{NAME_WIDTH}}{size:8.1f} MB  ({rows / median(seconds):,.0f} rows/s)")
    for number, run in enumerate(runs, start=1):
        growth = run["rss_after"] - run["rss_before"]
        traced = f", tracemalloc peak {run['traced_peak']:.1f} MB" if run["traced_peak"] is not None else ""
        print(f"{f'  memory, run {number}: peak RSS before → after (growth)':<{NAME_WIDTH}}"
              f"{run['rss_before']:8.1f} MB → {run['rss_after']:.1f} MB ({growth:+.1f} MB){traced}")


def _show_data(year: int, shape: tuple, table: indicator_table.IndicatorTable) -> None:
    """The generated data's shape, and the indicator table that the app computes from it, side by side."""
    triaged, median_days, p90_days, wijken, buurten, without_wijk = shape
    print(f"\ndata {year} (bare SQL): time to triage median {median_days:.2f} d, 90th percentile {p90_days:.2f} d "
          f"over {triaged:,} triaged resident reports; {wijken} wijken, {buurten} buurten, "
          f"{without_wijk:.1f} % without a wijk")
    print(f"{'indicator table':<24}" + "".join(f"{shown:>10}" for shown in table.years))
    for row in table.rows:
        print(f"  {row.key:<22}" + "".join(f"{_figure(cell.value):>10}" for cell in row.cells))


def _figure(value) -> str:
    return "—" if value is None else f"{value:,}"


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    main()
