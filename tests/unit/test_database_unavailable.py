"""Which database errors mean "unreachable for now" (503, try again) and which are real errors (500)."""
import sqlite3

import psycopg
import psycopg.errors
import pytest
import sqlalchemy as sa

from gdt.db import database_unavailable


def wrapped(original: Exception, *, invalidated: bool = False) -> sa.exc.DBAPIError:
    return sa.exc.DBAPIError.instance("SELECT 1", {}, original, psycopg.Error, connection_invalidated=invalidated)


@pytest.mark.parametrize("error", [
    psycopg.OperationalError("connection failed: No such file or directory"),  # no server answer: no SQLSTATE
    psycopg.InterfaceError("the connection is closed"),
    psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
    psycopg.errors.CannotConnectNow("the database system is starting up"),
    psycopg.errors.ConnectionFailure("connection failure"),
    wrapped(psycopg.OperationalError("server closed the connection unexpectedly")),
    wrapped(psycopg.errors.AdminShutdown("terminating connection")),
    wrapped(psycopg.Error("whatever it was"), invalidated=True),
    sa.exc.DisconnectionError("gone"),
    sa.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached, connection timed out"),
], ids=lambda error: type(error).__name__)
def test_an_unreachable_database(error):
    assert database_unavailable(error)


@pytest.mark.parametrize("error", [
    psycopg.errors.DeadlockDetected("deadlock detected"),
    psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
    psycopg.errors.UniqueViolation("duplicate key"),
    wrapped(psycopg.errors.DeadlockDetected("deadlock detected")),
    wrapped(sqlite3.OperationalError("database is locked")),
    sa.exc.InvalidRequestError("a programming error"),
    ValueError("not a database error"),
    None,
], ids=lambda error: type(error).__name__)
def test_a_real_error(error):
    assert not database_unavailable(error)


def test_an_error_raised_while_handling_a_lost_connection_counts_too():
    try:
        try:
            raise wrapped(psycopg.OperationalError("server closed the connection unexpectedly"))
        except sa.exc.DBAPIError as lost:
            raise RuntimeError("rendering failed") from lost
    except RuntimeError as error:
        assert database_unavailable(error)
