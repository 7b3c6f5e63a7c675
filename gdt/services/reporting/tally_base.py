"""What the report and case tallies share: whether this database keeps them, and the lock that takes turns."""
from gdt.db import db

COMPACTION_LOCK = 0x6764_7461  # pg_advisory_xact_lock key: one compaction or rebuild (of either kind) at a time


def uses_tallies() -> bool:
    """PostgreSQL keeps tallies by triggers; SQLite (development, one office) counts the rows themselves."""
    return db.session.get_bind().dialect.name == "postgresql"
