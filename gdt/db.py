"""One declarative base with named constraints, aware-UTC datetimes and a SQLite that behaves."""
import sqlite3
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import psycopg
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy import SQLAlchemy

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Stored as naive UTC, read back as aware UTC: the same on SQLite and PostgreSQL."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime; use an aware one (utcnow())")
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


def append_row(instance: so.DeclarativeBase) -> None:
    """INSERT a new append-only row (history, audit, outbox) with one Core statement in the current transaction.

    Skips the ORM unit of work, which is most of the cost of a write on the intake path. Only for rows
    nobody changes afterwards in the same session: `instance` stays transient, its column defaults
    are applied by the INSERT (unset attributes are left out) and it gets no id back.
    """
    state = sa.inspect(instance)
    values = {column.key: state.dict[attribute.key] for attribute in state.mapper.column_attrs
              for column in attribute.columns if state.dict.get(attribute.key) is not None}
    db.session.execute(sa.insert(state.mapper.local_table).values(values))


# SQLSTATEs of a server that went away or does not take connections yet: connection exceptions (class 08), and an
# administrator's shutdown, a crash of another backend, "the database system is starting up / shutting down".
_GONE_STATES = ("08", "57P01", "57P02", "57P03")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error`, or an error it came from, says the database cannot be reached at the moment.

    A restart or failover, a lost connection, a full pool: waiting and trying again helps. A deadlock, a
    cancelled query or a broken rule is not this (another SQLSTATE), and neither is anything SQLite says.
    """
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if _unreachable(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def _unreachable(error: BaseException) -> bool:
    if isinstance(error, sa.exc.DisconnectionError | sa.exc.TimeoutError):  # TimeoutError: no pool connection
        return True
    if isinstance(error, sa.exc.DBAPIError):
        return error.connection_invalidated or _unreachable(error.orig)
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return error.sqlstate is None or error.sqlstate.startswith(_GONE_STATES)  # None: no server answer at all
    return False


def enum_column(*values: str, name: str) -> sa.Enum:
    """A string column limited to `values` by a named CHECK: readable in SQL, same keys as the API."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


@sa.event.listens_for(sa.Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN, so SAVEPOINT works
        dbapi_connection.execute("PRAGMA foreign_keys = ON")  # off by default in SQLite
        dbapi_connection.execute("PRAGMA busy_timeout = 10000")


@sa.event.listens_for(sa.Engine, "begin")
def _begin_sqlite(connection) -> None:
    if connection.dialect.name == "sqlite":
        # IMMEDIATE takes the write lock up front: two writers queue instead of deadlocking.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
