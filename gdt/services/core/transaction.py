"""One unit of work per operation: commit everything in the block, or nothing."""
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from gdt.db import db
from gdt.services.core.errors import STALE_MESSAGE, Conflict

CLASH_MESSAGE = _l("Dit kon niet worden opgeslagen omdat iemand anders intussen hetzelfde heeft vastgelegd. "
                   "Laad de pagina opnieuw.")


@contextmanager
def unit_of_work():
    """A refused rule or a lost race leaves the database as it was."""
    try:
        yield db.session
        db.session.commit()
    except StaleDataError as stale:
        db.session.rollback()
        raise Conflict(STALE_MESSAGE, code="stale") from stale
    except IntegrityError as clash:
        # A unique key taken by a concurrent request between our check and our commit: refuse, never a 500.
        db.session.rollback()
        raise Conflict(CLASH_MESSAGE, code="conflict") from clash
    except Exception:
        db.session.rollback()
        raise


def check_version(record, seen_version: int | None) -> None:
    """Refuse an edit made on an older copy than the one in the database (optimistic locking)."""
    if seen_version is None or int(seen_version) != record.version:
        raise Conflict(STALE_MESSAGE, code="stale")
