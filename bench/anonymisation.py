"""Benchmark: the nightly anonymisation of 100 000 reports' contact details on PostgreSQL, with the statistics of
every year compared before and after.

Run from the repository root:

    .venv/bin/python bench/anonymisation.py [--reports 100000] [--cases 2000]

Loads the same data as bench/retention.py (N referred reports over 2021–2024 with reporter details, C closed cases
with two reports each), then times `anonymisation.run`: every report handled more than the `contact` rule's 12
months before the day is due, in batches of `anonymisation.BATCH` in transactions of their own. A second run finds
nothing left. `funnel.yearly_funnel` of every year must be the same before and after.
"""
import argparse
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script: import the project, not bench/ siblings (bench/statistics.py!)

import sqlalchemy as sa

from bench.common import bench_app, create_schema
from bench.retention import AS_OF, load, statistics, timed
from gdt.db import db
from gdt.models import Report
from gdt.services.retention import anonymisation, rules
from tests.postgres import temporary_postgresql


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
        with app.app_context():
            rules.ensure_defaults()
            before = timed("statistics before", statistics)
            done = timed("anonymise", lambda: anonymisation.run(today=AS_OF))
            print(f"  {done}")
            again = timed("anonymise again", lambda: anonymisation.run(today=AS_OF))
            assert again["contact"] == 0, again
            left = db.session.scalar(sa.select(sa.func.count()).where(Report.reporter_name.is_not(None)))
            assert left == 0, f"{left} reports still name their reporter"
            after = timed("statistics after", statistics)
            assert after == before, "the statistics changed"


if __name__ == "__main__":
    main()
