"""Benchmark: the search box (gdt.services.search.run_search) at 1 M reports and 100 000 cases on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/search.py [--reports 1000000] [--cases 100000] [--runs 200]
    .venv/bin/python bench/search.py --reports 20000 --cases 2000 --runs 20      # a quick run

Starts a throwaway PostgreSQL cluster, creates the schema (with the search indexes of gdt.models.search), loads
the data of bench/finding_data.py and, for a coordinator and for a partner user (politie), runs each query kind
with --runs different terms drawn from the data:

* reference  — a report's or a case's kenmerk (GDT-2024-012345);
* address    — postcode + house number of a report, busy addresses as often as they are busy;
* name       — a person's name with one typo in it (a letter dropped or two swapped);
* words      — two words from the descriptions ("trampoline muziek").

Per term, in turns after one untimed run (which also captures the SQL the service sends):

* service  — `run_search(viewer, text, audit=False)` in an app context, the session removed after, as a request;
* replay   — the very statements the service sent for that term, through psycopg (bare SQL, same rows, no ORM);
* bare     — the one hand-written index query of the kind, access applied, newest 100: btree for reference and
             address, `to_tsvector(…) @@ plainto_tsquery(…)` for words, the trigram `%>` for names (the same
             expressions as the indexes of gdt.models.search).

Prints p50/p95/max per viewer and kind, the ratios, and EXPLAIN (ANALYZE, BUFFERS) of the slowest statement.
"""
import argparse
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script: import the project, not bench/ siblings (bench/statistics.py!)

import psycopg
import sqlalchemy as sa

from bench import finding_data
from bench.common import bench_app, conninfo, create_schema
from gdt.db import db
from gdt.models import User
from gdt.models import search as indexes
from gdt.services.search import run_search
from tests.postgres import temporary_postgresql

KINDS = ("reference", "address", "name", "words")
TARGET_MS, TARGET_RATIO = 150.0, 1.5
# Words that occur in the descriptions (bench/finding_data.py): a detail and a complaint.
DETAIL_WORDS = sorted({phrase.split()[-1] for phrase in finding_data.DETAILS})
COMPLAINT_WORDS = ["geluidsoverlast", "muziek", "ruzie", "hond", "afval", "hennep", "gedeald", "scheldt",
                   "stankoverlast", "rommel", "water", "deuren", "muur", "bezoek", "galerij", "vuurwerk", "ratten",
                   "duiven", "trap", "scooters", "portiek", "inbraken", "houtkachel", "gevochten", "alarm",
                   "drugsoverlast", "berichten", "balkon", "auto's", "hondenpoep", "feesten", "kinderen"]
PARTNER = "politie"
# The hand-written query per kind; %(access)s is the viewer's condition on reports `r` (none for a coordinator
# without the team limit: every report; a partner: its own registrations).
BARE = {
    "reference": """SELECT id FROM reports AS r WHERE reference = %(reference)s AND destroyed_at IS NULL {access}
                    UNION ALL
                    SELECT id FROM cases AS c WHERE reference = %(reference)s AND status <> 'merged'
                                                AND destroyed_at IS NULL {case_access}""",
    "address": """SELECT id FROM reports AS r WHERE postcode = %(postcode)s AND house_number = %(number)s
                  AND destroyed_at IS NULL {access} ORDER BY received_at DESC LIMIT 100""",
    "name": """SELECT id FROM people AS p
               WHERE gdt_search_fold(name) %%> gdt_search_fold(%(text)s) AND merged_into_id IS NULL
                     AND removed_at IS NULL
                     AND EXISTS (SELECT 1 FROM person_links AS l JOIN cases AS c ON c.id = l.case_id
                                 WHERE l.person_id = p.id AND c.status <> 'merged' {case_access})
               ORDER BY created_at DESC LIMIT 100""",
    "words": f"""SELECT id FROM reports AS r
                 WHERE {indexes.REPORT_TEXT.replace('reports.', 'r.')}
                       @@ plainto_tsquery('{indexes.CONFIGURATION}'::regconfig, %(text)s)
                       AND destroyed_at IS NULL {{access}} ORDER BY received_at DESC LIMIT 100""",
}
REPORT_ACCESS = {"coordinator": "", "partner": "AND r.id IN (SELECT report_id FROM partner_registrations "
                                              "WHERE partner_id = %(partner)s)"}
CASE_ACCESS = {"coordinator": "", "partner": "AND c.id IN (SELECT case_id FROM case_partners "
                                            "WHERE partner_id = %(partner)s)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    finding_data.arguments(parser)
    parser.add_argument("--runs", type=int, default=200, help="terms per kind and viewer (default 200)")
    options = parser.parse_args()
    with temporary_postgresql("gdt_bench_search") as url:
        app = bench_app(url)
        create_schema(app)
        with psycopg.connect(conninfo(url)) as connection:
            loaded = finding_data.load_from(connection, options)
            terms = _terms(connection, options.runs)
            viewers = {"coordinator": 1, "partner": finding_data.partner_user(connection, PARTNER)}
            partner_id = connection.execute("SELECT partner_id FROM users WHERE id = %s",
                                            (viewers["partner"],)).fetchone()[0]
            connection.rollback()
            results = []
            with app.app_context():
                for role, user_id in viewers.items():
                    for kind in KINDS:
                        results.append(_measure(connection, role, user_id, partner_id, kind, terms[kind]))
                        print(f"  {role} {kind}: service p95 {_pct(results[-1]['service'], 95):.1f} ms", flush=True)
            _report(connection, loaded, options, results)
            _explain_slowest(connection, results)


def _terms(connection: psycopg.Connection, runs: int) -> dict[str, list[str]]:
    """Terms drawn from the data: what people would really type."""
    draw = random.Random(2026)
    connection.execute("SELECT setseed(0.5)")
    references = [row[0] for row in connection.execute(
        "(SELECT reference FROM reports ORDER BY random() LIMIT %(n)s) UNION ALL "
        "(SELECT reference FROM cases ORDER BY random() LIMIT %(n)s) UNION ALL "
        "(SELECT r.reference FROM reports AS r JOIN partner_registrations AS g ON g.report_id = r.id "
        " ORDER BY random() LIMIT %(n)s)", {"n": runs})]
    addresses = [f"{postcode} {number}" for postcode, number in connection.execute(
        "SELECT postcode, house_number FROM reports ORDER BY random() LIMIT %s", (runs,))]
    names = [_typo(name, draw) for (name,) in connection.execute(
        "SELECT name FROM people ORDER BY random() LIMIT %s", (runs,))]
    connection.rollback()
    draw.shuffle(references)
    words = [f"{draw.choice(DETAIL_WORDS)} {draw.choice(COMPLAINT_WORDS)}" for _ in range(runs)]
    return {"reference": references[:runs], "address": addresses, "name": names, "words": words}


def _typo(name: str, draw: random.Random) -> str:
    """One typo in the longest word of the name: a letter dropped, or two neighbours swapped."""
    words = name.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) >= 4:
        at = draw.randrange(1, len(word) - 1)
        dropped, swapped = word[:at] + word[at + 1:], word[:at - 1] + word[at] + word[at - 1] + word[at + 1:]
        word = dropped if draw.random() < 0.5 else swapped
    words[index] = word
    return " ".join(words)


def _measure(connection, role: str, user_id: int, partner_id: int, kind: str, terms: list[str]) -> dict:
    timings = {"service": [], "replay": [], "bare": []}
    hits, statements_per_search, slowest = [], [], (0.0, None, None)
    bare_sql = BARE[kind].format(access=REPORT_ACCESS[role], case_access=CASE_ACCESS[role])
    for text in terms:
        found, statements = _service(user_id, text, capture=True)  # untimed: warms up, captures the SQL
        hits.append(sum(len(group) for _name, group in found.groups))
        statements_per_search.append(len(statements))
        params = _bare_params(kind, text, partner_id)
        candidates = (("service", lambda text=text: _service(user_id, text)),
                      ("replay", lambda statements=statements: _replay(connection, statements)),
                      ("bare", lambda params=params: _bare(connection, bare_sql, params)))
        for name, run in candidates:
            began = time.perf_counter()
            run()
            timings[name].append((time.perf_counter() - began) * 1000)
        if timings["service"][-1] > slowest[0]:
            slowest = (timings["service"][-1], text, statements)
    return {"role": role, "kind": kind, "terms": len(terms), "hits": sum(hits) / len(hits),
            "statements": sum(statements_per_search) / len(statements_per_search), "slowest": slowest, **timings}


def _service(user_id: int, text: str, capture: bool = False):
    captured = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        captured.append((statement, parameters))

    if capture:
        sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        viewer = db.session.get(User, user_id)
        found = run_search(viewer, text, audit=False)
    finally:
        if capture:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        db.session.remove()  # what the end of a request does: the connection goes back to the pool
    # The viewer's own lookup is the request's login, not the search.
    return found, [(statement, parameters) for statement, parameters in captured
                   if not statement.lstrip().startswith("SELECT users.")]


def _replay(connection: psycopg.Connection, statements) -> None:
    with connection.cursor() as cursor:
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
    connection.rollback()


def _bare_params(kind: str, text: str, partner_id: int) -> dict:
    params = {"partner": partner_id, "text": text, "reference": text.upper()}
    if kind == "address":
        postcode, number = text.split()
        params |= {"postcode": postcode, "number": int(number)}
    return params


def _bare(connection: psycopg.Connection, sql: str, params: dict) -> int:
    rows = connection.execute(sql, params).fetchall()
    connection.rollback()
    return len(rows)


def _pct(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))]


def _report(connection, loaded: dict, options, results: list[dict]) -> None:
    server = connection.info.server_version
    print(f"\nmachine: {platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores, Python "
          f"{platform.python_version()}, PostgreSQL {server // 10000}.{server % 10000}, psycopg {psycopg.__version__},"
          f" SQLAlchemy {sa.__version__}")
    print(finding_data.describe(loaded))
    print(f"\n{'viewer':<12}{'kind':<11}{'hits':>6}{'stmts':>6}{'svc p50':>9}{'p95':>8}{'max':>8}"
          f"{'replay p50':>11}{'p95':>8}{'bare p50':>9}{'p95':>8}{'svc/replay':>11}{'svc/bare':>9}  target")
    for result in results:
        service_p95, replay_p95, bare_p95 = (_pct(result[key], 95) for key in ("service", "replay", "bare"))
        ratio = service_p95 / replay_p95 if replay_p95 else float("inf")
        verdict = "met" if service_p95 < TARGET_MS and ratio <= TARGET_RATIO else "NOT met"
        print(f"{result['role']:<12}{result['kind']:<11}{result['hits']:>6.1f}{result['statements']:>6.1f}"
              f"{_pct(result['service'], 50):>9.1f}{service_p95:>8.1f}{max(result['service']):>8.1f}"
              f"{_pct(result['replay'], 50):>11.1f}{replay_p95:>8.1f}{_pct(result['bare'], 50):>9.1f}{bare_p95:>8.1f}"
              f"{ratio:>11.2f}{service_p95 / bare_p95 if bare_p95 else float('inf'):>9.2f}  {verdict}")
    print(f"\nms over {options.runs} terms each; ratios of the p95s; target: service p95 < {TARGET_MS:.0f} ms and "
          f"service / replay <= {TARGET_RATIO}")


def _explain_slowest(connection: psycopg.Connection, results: list[dict]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of the slowest search of the worst kind."""
    worst = max(results, key=lambda result: _pct(result["service"], 95))
    _ms, text, statements = worst["slowest"]
    timed = []
    for statement, parameters in statements:
        seconds = []
        for _ in range(3):  # the best of three: a busy moment of the machine is not the statement's
            began = time.perf_counter()
            connection.execute(statement, parameters).fetchall()
            seconds.append(time.perf_counter() - began)
            connection.rollback()
        timed.append((min(seconds), statement, parameters))
    _seconds, statement, parameters = max(timed, key=lambda item: item[0])
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) — slowest statement of the slowest {worst['role']} {worst['kind']} search "
          f"({len(statements)} statements, {_seconds * 1000:.1f} ms):")
    print("  " + " ".join(statement.split())[:400])
    for (line,) in connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters):
        print("    " + line)
    connection.rollback()


if __name__ == "__main__":
    main()
