"""One leader among the web nodes for the in-process scheduler: a PostgreSQL advisory lock.

Several web nodes may each start the in-process scheduler (worker/embedded.py) without a beat process; the one
whose connection holds the session-level advisory lock runs the periodic work, the others wait and try again every
round. The lock lives as long as that connection: when the leading process dies or loses the database, PostgreSQL
releases it and another node takes over within a round. The connection is the leader's own (not the pool's) and
runs in autocommit, so it never sits idle inside a transaction. Every periodic step is idempotent, so the seconds in
which a leader cut off from the database has not yet noticed cost no double work that matters.

On SQLite (one machine, `make run`) there is nothing to elect: the process always leads.
"""
import contextlib
import logging

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)
LOCK_KEY = 0x67_64_74_5F_73_63_68_64  # "gdt_schd": advisory locks are per database, so per installation


class Leadership:
    """Whether this process leads the periodic work; `held()` keeps or tries to take the lock."""

    def __init__(self, url: sa.URL | str, key: int = LOCK_KEY, connect_args: dict | None = None):
        self.key = key
        self.elects = sa.make_url(url).get_backend_name() == "postgresql"
        self._engine = sa.create_engine(url, poolclass=NullPool, hide_parameters=True,
                                        connect_args=connect_args or {}) if self.elects else None
        self._connection: sa.Connection | None = None

    def held(self) -> bool:
        if not self.elects:
            return True
        if self._connection is not None:
            if self._alive():
                return True
            log.warning("in-process scheduler: lost the database connection that held the lead")
            self._drop()
        return self._take()

    def release(self) -> None:
        """Give the lead up (a clean shutdown); closing the connection releases the lock."""
        self._drop()

    def _alive(self) -> bool:
        """The lock lasts as long as its session: a connection that still answers still holds it."""
        try:
            self._connection.scalar(sa.select(1))
            return True
        except sa.exc.DBAPIError:
            return False

    def _take(self) -> bool:
        try:
            connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except sa.exc.DBAPIError:
            return False  # the database is down: nobody leads until it is back
        try:
            taken = connection.scalar(sa.select(sa.func.pg_try_advisory_lock(self.key)))
        except sa.exc.DBAPIError:
            taken = False
        if not taken:
            connection.close()
            return False
        self._connection = connection
        log.info("in-process scheduler: this process now leads the periodic work")
        return True

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sa.exc.DBAPIError):  # already dead: the server released the lock with it
                self._connection.close()
            self._connection = None
