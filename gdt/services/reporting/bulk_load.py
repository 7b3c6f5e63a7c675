"""Loading history at national scale: the tallies' triggers paused for the load, the tallies counted once after it.

The triggers on `reports` and `cases` (gdt.models.tallies, gdt.models.case_tallies) cost a set-based load about
eight times its own time at 10 million rows (bench/README.md). `tallies_paused()` runs the load in one transaction
that first takes SHARE ROW EXCLUSIVE locks on reports, cases and person links, then disables the tally triggers and
the recurrence marks' (gdt.models.case_recurrence), and at the end enables them again and rebuilds both tallies and
the recurrence kept per case before it commits:

* Other sessions never see the triggers disabled: the ALTER TABLE is part of the uncommitted transaction.
* Writers of reports, cases and person links (intake, triage, casework) wait for the lock until the load commits,
  so none can slip in between the disabled triggers and the rebuild; readers (the pages, the statistics) go on.
* Everything commits together or not at all: a failed load leaves the data and the tallies as they were.

`SET session_replication_role = replica` would also skip the foreign-key triggers (and needs a superuser), so it is
not used. The rebuild counts every row, not just the loaded ones: one full count is cheaper than the triggers, and
it leaves nothing to reason about.
"""
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import case_recurrence
from gdt.models.case_tallies import CASE_TRIGGER_NAMES
from gdt.services.core.errors import ServiceError
from gdt.services.core.transaction import unit_of_work
from gdt.services.reporting import case_tallies, recurrence, report_tallies
from gdt.services.reporting.tally_base import uses_tallies

TALLY_TRIGGERS = {
    "reports": ("report_tallies_insert", "report_tallies_delete", "report_tallies_update",
                *case_recurrence.TRIGGER_NAMES),
    "cases": (*CASE_TRIGGER_NAMES, *case_recurrence.TRIGGER_NAMES),
    "person_links": case_recurrence.TRIGGER_NAMES,
}


@dataclass
class BulkLoad:
    """What a paused load took: seconds for the caller's statements and for counting the tallies again."""

    load_seconds: float = 0.0
    rebuild_seconds: float = 0.0
    tally_rows: int = 0


@contextmanager
def tallies_paused() -> Iterator[BulkLoad]:
    """One transaction for the caller's load: writers of reports and cases wait, the tally triggers are off, and the
    tallies are counted again before the commit. On SQLite (no tallies) just the transaction."""
    with unit_of_work():
        summary = BulkLoad()
        if uses_tallies():
            db.session.execute(sa.text("LOCK TABLE reports, cases, person_links IN SHARE ROW EXCLUSIVE MODE"))
            _set_triggers("DISABLE")
        began = time.perf_counter()
        yield summary
        db.session.flush()
        loaded = time.perf_counter()
        summary.load_seconds = loaded - began
        if uses_tallies():
            _set_triggers("ENABLE")
            summary.tally_rows = report_tallies.rebuild() + case_tallies.rebuild() + recurrence.rebuild()
        summary.rebuild_seconds = time.perf_counter() - loaded


def _set_triggers(action: str) -> None:
    for table, triggers in TALLY_TRIGGERS.items():
        for trigger in triggers:
            db.session.execute(sa.text(f"ALTER TABLE {table} {action} TRIGGER {trigger}"))


def load_sql(script: str) -> BulkLoad:
    """Run an SQL script (INSERT … SELECT from staging tables, say) with the tallies paused: `flask tallies load`.

    The script runs as one batch of statements in the load's transaction; it must not COMMIT or ROLLBACK itself.
    PostgreSQL only: SQLite has no tallies to pause (load it with sqlite3 itself).
    """
    if not uses_tallies():
        raise ServiceError(_l("Alleen op PostgreSQL: SQLite heeft geen tellingen om te pauzeren."))
    with tallies_paused() as summary:
        # Straight to psycopg without parameters: the script is sent as it is, a `LIKE 'x%'` included.
        cursor = db.session.connection().connection.cursor()
        try:
            cursor.execute(script)
        finally:
            cursor.close()
    return summary
