"""One unit of work per operation: commit everything in the block, or nothing.

An operation opens exactly one unit of work and commits once. A unit of work opened while another is
open in the same session (app context) is refused at once with NestedUnitOfWork: the inner commit
would otherwise commit half of the outer operation. A helper that writes as part of its caller's
operation opens none; it says so with @joins_unit_of_work.
"""
import functools
from collections.abc import Callable
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from gdt.db import db
from gdt.services.core.errors import STALE_MESSAGE, Conflict

CLASH_MESSAGE = _l("Dit kon niet worden opgeslagen omdat iemand anders intussen hetzelfde heeft vastgelegd. "
                   "Laad de pagina opnieuw.")
_OPEN = "gdt.unit_of_work.open"  # key in Session.info: a unit of work is open in this session
_JOINED = "gdt.unit_of_work.joined"  # key in Session.info: how many @joins_unit_of_work helpers are running

P = ParamSpec("P")
R = TypeVar("R")


class NestedUnitOfWork(RuntimeError):
    """A unit of work was opened inside another one, or inside a helper that joins its caller's.

    A programming error, never a user's: the operation is split wrongly. Raised before the inner unit
    of work writes or commits anything; inside an outer one, that one rolls back, so nothing of the
    operation is committed.
    """


def in_unit_of_work() -> bool:
    """Whether a unit of work is open in the current session."""
    return bool(db.session.info.get(_OPEN))


@contextmanager
def unit_of_work():
    """A refused rule or a lost race leaves the database as it was.

    Refuses (NestedUnitOfWork) when a unit of work is already open in this session or a
    @joins_unit_of_work helper is running: every operation commits once. The mark is taken off on
    every way out (commit, refusal, lost race, any exception).
    """
    session = db.session()
    if session.info.get(_OPEN):
        raise NestedUnitOfWork("a unit of work is already open: call the helper that joins it instead")
    if session.info.get(_JOINED):
        raise NestedUnitOfWork("a helper that joins its caller's unit of work must not open one")
    session.info[_OPEN] = True
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
    finally:
        session.info.pop(_OPEN, None)


def check_version(record, seen_version: int | None) -> None:
    """Refuse an edit made on an older copy than the one in the database (optimistic locking)."""
    try:
        seen = int(seen_version) if seen_version is not None else None
    except (TypeError, ValueError):  # a form's hidden field emptied or altered: no copy the user can have seen
        seen = None
    if seen is None or seen != record.version:
        raise Conflict(STALE_MESSAGE, code="stale")


def joins_unit_of_work(function: Callable[P, R]) -> Callable[P, R]:
    """Mark `function` as writing inside its caller's unit of work: it opens none and never commits.

    Checked at run time in one direction only: while the function runs, opening a unit of work (an
    operation that commits, or audit.record_now) raises NestedUnitOfWork, so "never commits" holds
    wherever it is called from. It does not insist that a unit of work is open, because not every
    caller has one: idempotency.find runs before its caller opens one (its delete of an expired
    record commits with it), and the tests call helpers such as next_reference or bulk_insert
    directly in the fixture's transaction. What the helper writes is committed, or rolled back, by
    whoever owns the session's transaction.
    """

    @functools.wraps(function)
    def joined(*args: P.args, **kwargs: P.kwargs) -> R:
        info = db.session.info
        info[_JOINED] = info.get(_JOINED, 0) + 1
        try:
            return function(*args, **kwargs)
        finally:
            remaining = info.get(_JOINED, 1) - 1
            if remaining:
                info[_JOINED] = remaining
            else:
                info.pop(_JOINED, None)

    joined.joins_unit_of_work = True  # type: ignore[attr-defined]
    return joined
