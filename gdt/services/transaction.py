"""One unit of work per operation: commit everything in the block, or nothing."""
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from gdt.db import db
from gdt.services.errors import STALE_MESSAGE, Conflict


@contextmanager
def unit_of_work():
    """A refused rule or a lost race leaves the database as it was."""
    try:
        yield db.session
        db.session.commit()
    except StaleDataError as stale:
        db.session.rollback()
        raise Conflict(STALE_MESSAGE, code="stale") from stale
    except Exception:
        db.session.rollback()
        raise


def check_version(record, seen_version: int | None) -> None:
    """Refuse an edit made on an older copy than the one in the database (optimistic locking)."""
    if seen_version is None or int(seen_version) != record.version:
        raise Conflict(STALE_MESSAGE, code="stale")
