"""Benchmark: a destruction list of 100 000 reports and some cases, proposed and executed on PostgreSQL, with the
statistics of every year compared before and after.

Run from the repository root:

    .venv/bin/python bench/retention.py [--reports 100000] [--cases 2000]

Starts a throwaway PostgreSQL cluster (tests/postgres.py), creates the schema, loads N referred reports over
2021–2024 (every channel, with reporter details and a description) and C closed cases with two reports and a
journal note each, all past their destruction date, with one INSERT … SELECT per table, runs VACUUM ANALYZE and
times:

* propose — `destruction.propose`: the due ids, then the content-free records in batches of 1 000;
* approve — `destruction.approve` (the in-process slice set to nothing, so approval starts no work here);
* execute — `destruction.execute`: every item in a transaction of its own (gdt.services.retention.content_removal);
* execute again — the same call on the executed list (nothing to do);
* statistics — `funnel.yearly_funnel` of every year before and after, which must be equal, and
  `report_tallies.check()` afterwards (the tallies the triggers keep, against a fresh count).
"""
import argparse
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script: import the project, not bench/ siblings (bench/statistics.py!)

import psycopg

from bench.common import bench_app, conninfo, create_schema
from gdt.db import db
from gdt.models import User
from gdt.models.retention import DestructionList
from gdt.services.reporting import funnel, report_tallies
from gdt.services.retention import destruction
from tests.postgres import temporary_postgresql

YEARS = (2021, 2022, 2023, 2024)
AS_OF = date(2026, 6, 1)
LOAD_REPORTS = """
INSERT INTO reports (id, reference, channel, received_at, status, category_id, description, postcode, house_number,
                     wijk_code, buurt_code, reporter_is_anonymous, reporter_name, reporter_email, reporter_phone,
                     reporter_may_contact, triage_outcome, triaged_at, referred_partner_id, destruction_due_on,
                     version, created_at, updated_at)
SELECT i, 'GDT-B-' || lpad(i::text, 8, '0'), (ARRAY['app', 'webform', 'phone', 'app'])[1 + i %% 4], moment,
       'referred', c.ids[1 + i %% array_length(c.ids, 1)], 'Geluidsoverlast in de avond, al enkele weken. ' || i,
       '5611' || chr(65 + i %% 26) || chr(65 + (i / 26) %% 26), 1 + i %% 250, 'WK0772' || lpad((i %% 9)::text, 2, '0'),
       'BU0772' || lpad((i %% 90)::text, 4, '0'), false, 'Melder ' || i, 'melder' || i || '@example.net',
       '06' || lpad(i::text, 8, '0'), true, 'referred', moment + interval '2 days', p.id, DATE '2026-01-01', 1,
       moment, moment
FROM (SELECT i, TIMESTAMP '2021-01-01' + (i * interval '1 hour' * (4 * 8760.0 / %(reports)s)) AS moment
      FROM generate_series(1, %(reports)s) AS i) AS g
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM categories) AS c
CROSS JOIN (SELECT id FROM partners WHERE key = 'ruimtelijk-domein') AS p
"""
LOAD_CASES = """
INSERT INTO cases (id, reference, source, status, mode, received_at, opened_at, closed_at, result, result_note,
                   archive_nomination, destruction_due_on, version, created_at, updated_at)
SELECT i, 'GDT-BC-' || lpad(i::text, 6, '0'), 'report', 'closed', (ARRAY['advice', 'regie'])[1 + i %% 2], moment,
       moment, moment + interval '60 days', 'de-escalated', 'Toelichting ' || i, 'destroy', DATE '2026-01-01', 1,
       moment, moment
FROM (SELECT i, TIMESTAMP '2021-01-01' + (i * interval '1 hour' * (4 * 8000.0 / %(cases)s)) AS moment
      FROM generate_series(1, %(cases)s) AS i) AS g
"""
LOAD_CASE_REPORTS = """
INSERT INTO reports (id, reference, channel, received_at, status, category_id, description, postcode, house_number,
                     reporter_is_anonymous, reporter_name, reporter_may_contact, triage_outcome, triaged_at, case_id,
                     version, created_at, updated_at)
SELECT %(reports)s + 2 * k.id + n, k.reference || '-' || n, 'phone', k.received_at, 'escalated', c.ids[1],
       'Dreigende escalatie ' || k.id, '5612AB', 1 + n, false, 'Buurman ' || k.id, false, 'escalated',
       k.received_at + interval '1 day', k.id, 1, k.received_at, k.received_at
FROM cases AS k CROSS JOIN generate_series(0, 1) AS n
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM categories) AS c
"""
LOAD_NOTES = """
INSERT INTO case_notes (case_id, author_id, created_at, body, shareable)
SELECT id, %(author)s, received_at, 'Huisbezoek afgelegd, buren gesproken. ' || id, false FROM cases
"""


def load(app, url: str, reports: int, cases: int) -> None:
    with app.app_context():
        archivist = User(email="archivaris@gdt.bench", name="Archivaris", role="archivist", password_hash="x")
        author = User(email="regisseur@gdt.bench", name="Regisseur", role="coordinator", password_hash="x")
        db.session.add_all([archivist, author])
        db.session.commit()
        author_id = author.id
        db.session.remove()
    with psycopg.connect(conninfo(url), autocommit=True) as connection:
        values = {"reports": reports, "cases": cases, "author": author_id}
        for statement in (LOAD_REPORTS, LOAD_CASES, LOAD_CASE_REPORTS, LOAD_NOTES):
            connection.execute(statement, values)
        connection.execute("SELECT setval('reports_id_seq', (SELECT max(id) FROM reports))")
        connection.execute("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))")
        connection.execute("VACUUM ANALYZE")
    with app.app_context():
        report_tallies.compact()
        db.session.commit()
        db.session.remove()


def statistics() -> dict:
    return {year: funnel.yearly_funnel(year) for year in range(YEARS[0] - 1, YEARS[-1] + 2)}


def timed(label: str, call):
    started = time.perf_counter()
    result = call()
    print(f"{label:<28} {time.perf_counter() - started:9.2f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=2_000)
    options = parser.parse_args()
    print(f"{platform.machine()}, {platform.python_version()}; {options.reports} reports, {options.cases} cases "
          f"(+{2 * options.cases} reports in them)")
    with temporary_postgresql("gdt_bench") as url:
        app = bench_app(url)
        create_schema(app)
        timed("load", lambda: load(app, url, options.reports, options.cases))
        destruction.IN_PROCESS_SECONDS = 0.0  # approval's own slice: nothing, so execute is timed on its own
        with app.app_context():
            before = timed("statistics before", statistics)
            lst = timed("propose", lambda: destruction.propose(AS_OF))
            list_id = lst.id
            archivist = db.session.scalar(db.select(User).where(User.role == "archivist"))
            timed("approve", lambda: destruction.approve(lst, actor=archivist))
            started = time.perf_counter()

            def progress(count: int) -> None:
                if count % 5000 == 0:
                    print(f"  … {count} items in {time.perf_counter() - started:.0f} s", flush=True)

            done = timed("execute", lambda: destruction.execute(db.session.get(DestructionList, list_id),
                                                               progress=progress))
            print(f"  destroyed {done.destroyed}, taken off {len(done.taken_off)}, files {done.files}, "
                  f"finished {done.finished}")
            again = timed("execute again", lambda: destruction.execute(db.session.get(DestructionList, list_id)))
            assert again.destroyed == 0 and again.finished
            after = timed("statistics after", statistics)
            assert after == before, "the statistics changed"
            differences = timed("report_tallies.check()", report_tallies.check)
            assert differences == [], differences
            print("statistics of every year identical; tallies match a fresh count")
            db.session.remove()


if __name__ == "__main__":
    main()
