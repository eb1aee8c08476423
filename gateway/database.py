"""The gateway's database: SQLite under the data directory by default, PostgreSQL when configured.

`open_database(settings)` returns a `Database` on `OCOP_DATABASE_URL` (PostgreSQL, shared by every
gateway instance) or on `<OCOP_DATA_DIR>/gateway_state.sqlite3` (the embedded default), with the
schema brought up to date by the versioned migrations in `gateway/migrations/<dialect>/`. Statements are
written once with `:name` parameters (SQLAlchemy Core `text()`), so both dialects share them; the few
differences (row locks, upserts) are asked of `Database.dialect`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url

STATE_FILE = "gateway_state.sqlite3"
POSTGRES_DIALECT = "postgresql"


class DatabaseError(ValueError):
    """`OCOP_DATABASE_URL` is not a PostgreSQL URL the gateway can use."""


class Database:
    """An engine plus the few helpers the gateway's stores need."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @property
    def shared(self) -> bool:
        """True on PostgreSQL: other gateway instances see the same state."""
        return self.dialect == POSTGRES_DIALECT

    def rows(self, sql: str, **params: Any) -> Sequence[Any]:
        """All rows of one statement, run in its own transaction."""
        with self.engine.begin() as connection:
            return connection.execute(text(sql), params).fetchall()

    def run(self, sql: str, **params: Any) -> int:
        """Run one statement in its own transaction; the number of rows it changed."""
        with self.engine.begin() as connection:
            return connection.execute(text(sql), params).rowcount

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction; on SQLite it takes the write lock at once (`BEGIN IMMEDIATE`)."""
        with self.engine.begin() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `pg_advisory_lock` from a lock's name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def postgres_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine on a PostgreSQL URL (`postgresql://user:password@host:port/db`), psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except Exception as error:  # SQLAlchemy raises ArgumentError (and ValueError) for malformed URLs
        raise DatabaseError(f"OCOP_DATABASE_URL is not a database URL: {type(error).__name__}") from None
    if parsed.get_backend_name() != POSTGRES_DIALECT:
        raise DatabaseError("OCOP_DATABASE_URL must be a postgresql:// URL")
    parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_size=pool_size, max_overflow=10, pool_pre_ping=True)


def sqlite_engine(path: Path) -> Engine:
    """An engine on a SQLite file: write-ahead logging, explicit transactions, waits for the lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 10, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below start transactions
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")  # a commit survives a killed process

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def open_database(database_url: str, data_dir: Path) -> Database:
    """The gateway's database, migrated: PostgreSQL at `database_url`, else SQLite in `data_dir`."""
    from gateway.migrations import migrate

    engine = postgres_engine(database_url) if database_url else sqlite_engine(data_dir / STATE_FILE)
    database = Database(engine)
    migrate(database)
    return database
