"""Benchmark: "Werkt het?" (gdt.services.reporting.outcomes) on a large PostgreSQL database.

Run from the repository root:

    .venv/bin/python bench/outcomes.py [--reports 1000000] [--interventions 20000] [--runs 7]
    .venv/bin/python bench/outcomes.py --reports 20000 --interventions 2000     # a quick run

Loads reports and cases with the generator of bench/statistics.py (the shape of a GDT year), then gives them what the
outcome figures read: half of the reports a BAG id (so both halves of the address rule are used), case results and
closing moments spread over a year, people linked to half of the cases and to one in twenty reports, interventions
over the ladder and satisfaction answers. Then the compaction the worker would run (the tallies merged, every marked
case's recurrence stored), VACUUM ANALYZE, EXPLAIN (ANALYZE, BUFFERS) of the recurrence statement
the service sends, and times, in turns after a warm-up: each part of the section for the middle year, the whole
section, the whole statistics page, and the indicator table with the outcome indicators over all loaded years.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # as bench/statistics.py: this folder holds a `statistics` module

from statistics import median

import psycopg
import sqlalchemy as sa

from bench.common import bench_app, conninfo, create_schema, naive_utc
from bench.statistics import CREATE_GEN, GENERATE, LOAD_CASES, LOAD_REPORTS
from gdt.db import db
from gdt.services.reporting import (
    funnel,
    indicator_table,
    indicators,
    outcome_counts,
    outcomes,
    recurrence,
    report_tallies,
)
from gdt.services.reporting.periods import year_bounds
from tests.postgres import temporary_postgresql

LADDER = ("gesprek", "buurtbemiddeling", "zorgtoeleiding", "waarschuwing", "voornemen-gedragsaanwijzing",
          "gedragsaanwijzing", "last-onder-dwangsom", "bestuursdwang", "sluiting-174a", "sluiting-13b", "overig")
# What the outcome figures read, added to the generated reports and cases in a few statements.
OUTCOME_DATA = [
    # Half of the addresses came from the address service with a BAG id (one id per address).
    """UPDATE reports SET bag_id = '0772' || lpad(abs(hashtext(postcode || '-' || house_number))::text, 12, '0')
       WHERE id % 2 = 0""",
    # Results over the four defaults; closing 1 to 365 days after opening (still before the load's end).
    """UPDATE cases SET result = (ARRAY['de-escalated', 'handled-by-partner', 'handed-over-zvh', 'stopped'])
                                 [1 + floor(random() * 4)::int],
                        closed_at = LEAST(opened_at + (1 + random() * 364) * interval '1 day', %(end)s)
       WHERE status = 'closed'""",
    """INSERT INTO people (id, name, version, created_at, updated_at)
       SELECT i, 'Persoon ' || i, 1, now(), now() FROM generate_series(1, (SELECT count(*) FROM cases) / 2) AS i""",
    """INSERT INTO person_links (person_id, case_id, role, added_at)
       SELECT 1 + (id / 2) % (SELECT count(*) FROM people), id, 'subject', now() FROM cases WHERE id % 2 = 0""",
    """INSERT INTO person_links (person_id, report_id, role, added_at)
       SELECT 1 + (id * 7) % (SELECT count(*) FROM people), id, 'reporter', now() FROM reports WHERE id % 20 = 0""",
    """INSERT INTO intervention_types (code, name, formal, position, active)
       SELECT code, initcap(replace(code, '-', ' ')), position > 4, position, true
       FROM unnest(%(ladder)s::text[]) WITH ORDINALITY AS ladder(code, position)""",
    """INSERT INTO interventions (case_id, type_id, status, proposed_on, decided_on, version, created_at)
       SELECT c.id, t.id, CASE WHEN random() < 0.1 THEN 'withdrawn' ELSE 'decided' END,
              (c.opened_at + random() * interval '60 days')::date,
              CASE WHEN random() < 0.9
                   THEN (c.opened_at + interval '60 days' + random() * interval '30 days')::date END,
              1, now()
       FROM (SELECT id, opened_at, row_number() OVER (ORDER BY random()) AS n FROM cases) AS c
       JOIN intervention_types AS t ON t.position = 1 + (c.id %% 11)
       WHERE c.n <= %(interventions)s""",
    """INSERT INTO satisfaction_responses (report_id, case_id, score, answered_at)
       SELECT DISTINCT ON (r.case_id) r.id, r.case_id, 1 + floor(random() * 5)::int, c.closed_at + interval '3 days'
       FROM reports AS r JOIN cases AS c ON c.id = r.case_id
       WHERE c.status = 'closed' AND random() < 0.4 ORDER BY r.case_id, r.id""",
]
OUTCOME_SOURCES = ("recurrence_6_months", "recurrence_12_months", "median_days_advice", "median_days_regie",
                   "share_satisfied")
NAME_WIDTH = 62


def main() -> None:
    args = _arguments()
    with temporary_postgresql("gdt_bench") as url:
        app = bench_app(url)
        create_schema(app)
        with psycopg.connect(conninfo(url)) as connection:
            loaded = _load(connection, args)
            compacted = _compact(app)
            _vacuum(connection)
            counts = connection.execute(
                "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM cases), "
                "(SELECT count(*) FROM cases WHERE status = 'closed'), (SELECT count(*) FROM person_links), "
                "(SELECT count(*) FROM interventions), (SELECT count(*) FROM satisfaction_responses)").fetchone()
            connection.rollback()
            year = args.first_year + args.years // 2
            years = list(range(args.first_year, args.first_year + args.years))
            with app.test_request_context():
                for source in OUTCOME_SOURCES:
                    indicators.create_indicator(source.replace("_", "-"), source, source=source, actor=None)
                db.session.remove()
                _explain(connection, _statements(lambda: recurrence.recurrence([year])))
                parts = {
                    f"interventions_per_type({year})": lambda: outcome_counts.interventions_per_type(year),
                    f"closed_per_result({year})": lambda: outcome_counts.closed_per_result(year),
                    f"recurrence([{year}])": lambda: recurrence.recurrence([year]),
                    f"durations_per_mode([{year}])": lambda: outcome_counts.durations_per_mode([year]),
                    f"satisfaction_per_score([{year}])": lambda: outcome_counts.satisfaction_per_score([year]),
                    f"the whole section, yearly_outcomes({year})": lambda: outcomes.yearly_outcomes(year),
                    f"the whole statistics page, yearly_funnel({year})": lambda: funnel.yearly_funnel(year),
                    f"recurrence over {args.years} years at once": lambda: recurrence.recurrence(years),
                    f"indicator table, {len(OUTCOME_SOURCES)} outcome indicators × {args.years} years":
                        lambda: indicator_table.table(years),
                }
                timings = _time(args.runs, *[_request(run) for run in parts.values()])
                section = outcomes.yearly_outcomes(year)
                db.session.remove()
        _report(args, year, loaded, compacted, counts, dict(zip(parts, timings)), section)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1_000_000, help="reports to load (default 1 000 000)")
    parser.add_argument("--interventions", type=int, default=20_000, help="interventions (default 20 000)")
    parser.add_argument("--years", type=int, default=10, help="spread over this many years (default 10)")
    parser.add_argument("--first-year", type=int, default=2016, help="first year of data (default 2016)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs after one warm-up (default 7)")
    return parser.parse_args()


def _load(connection: psycopg.Connection, args: argparse.Namespace) -> float:
    params = {"n": args.reports, "start": naive_utc(year_bounds(args.first_year)[0]),
              "end": naive_utc(year_bounds(args.first_year + args.years - 1)[1]), "ladder": list(LADDER),
              "interventions": args.interventions}
    connection.execute("SET synchronous_commit = on")  # see bench/statistics.py: index-only scans after VACUUM
    connection.commit()
    began = time.perf_counter()
    with connection.transaction():
        connection.execute("SELECT setseed(0.2019)")
        for statement in (CREATE_GEN, GENERATE, LOAD_CASES, LOAD_REPORTS, "DROP TABLE bench_gen", *OUTCOME_DATA):
            connection.execute(statement, params if "%(" in statement else None)
        for table in ("reports", "cases", "people", "person_links", "interventions", "intervention_types",
                      "satisfaction_responses"):
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT coalesce(max(id), 1) FROM {table}))")
    return time.perf_counter() - began


def _compact(app) -> float:
    """What the worker does within five minutes of the load: merge the tallies' deltas and store the recurrence of
    every case the load marked (all of them: the load ran with the triggers on)."""
    with app.app_context():
        began = time.perf_counter()
        report_tallies.compact_now()
        db.session.remove()
    return time.perf_counter() - began


def _vacuum(connection: psycopg.Connection) -> None:
    connection.autocommit = True
    connection.execute("VACUUM ANALYZE")
    connection.autocommit = False


def _request(run):
    """As a request does it: the work, then the session's connection back to the pool."""
    def timed():
        result = run()
        db.session.remove()
        return result
    return timed


def _time(runs: int, *candidates) -> list[list[float]]:
    for run in candidates:
        run()
    timings = [[] for _ in candidates]
    for _ in range(runs):
        for run, taken in zip(candidates, timings):
            began = time.perf_counter()
            run()
            taken.append(time.perf_counter() - began)
    return timings


def _statements(run) -> list[tuple[str, dict]]:
    captured = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
        db.session.remove()
    return [(statement, parameters) for statement, parameters in captured if "GROUP BY" in statement]


def _explain(connection: psycopg.Connection, statements: list[tuple[str, dict]]) -> None:
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the recurrence statement (JIT off, as the service sets it):")
    connection.execute("SET jit = off")
    for statement, parameters in statements:
        for (line,) in connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall():
            print("  " + line)
    connection.rollback()


def _report(args, year, loaded, compacted, counts, timings: dict, section: dict) -> None:
    reports, cases, closed, links, interventions, answers = counts
    print(f"\nloaded in {loaded:.1f} s: {reports:,} reports, {cases:,} cases ({closed:,} closed), {links:,} person "
          f"links, {interventions:,} interventions, {answers:,} satisfaction answers over {args.years} years")
    print(f"compacted in {compacted:.1f} s (tallies merged, recurrence of every closed case stored)")
    windows = section["recurrence"]["windows"]
    print(f"year {year}: {section['recurrence']['closed']:,} cases closed; recurrence "
          + ", ".join(f"{window['months']} months {window['recurred']} of {window['measured']:,} "
                      f"({window['percent']} %)" for window in windows)
          + f"; {section['interventions']['total']:,} interventions; {section['satisfaction']['total']:,} answers")
    title = f"median of {args.runs} runs after a warm-up, in turns"
    print(f"\n{title:<{NAME_WIDTH}}{'median':>11}{'min':>11}{'max':>11}")
    for name, taken in timings.items():
        print(f"{name:<{NAME_WIDTH}}" + "".join(f"{value * 1000:8.1f} ms" for value in
                                              (median(taken), min(taken), max(taken))))


if __name__ == "__main__":
    main()
