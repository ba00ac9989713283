"""Engines for the two backends Mercato runs on.

SQLite (the embedded default) gets WAL, foreign keys, a busy timeout, and ``BEGIN IMMEDIATE``
for transactions that write, so one writer at a time takes the lock up front instead of
failing half-way with "database is locked". PostgreSQL gets a sized connection pool; its
transactions run at READ COMMITTED, which is what the ledger's conditional updates expect.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from mercato.settings import Party, Settings

WRITE = "mercato_write"
"""Execution option: this connection's transaction will write (SQLite: BEGIN IMMEDIATE).

Without it a transaction begins deferred and only reads, so readers never queue for the
write lock. Use ``writing(engine)`` rather than setting it by hand."""


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(
            url,
            echo=echo,
            pool_size=pool_size,
            max_overflow=pool_size,
            # No pre-ping: it costs a round trip on every checkout. A connection the server
            # dropped fails its first statement; callers retry with their idempotency key.
            pool_recycle=3600,
            isolation_level="READ COMMITTED",
        )
    raise ValueError(
        f"unsupported database: {parsed.get_backend_name()} (use sqlite or postgresql)"
    )


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, echo=echo, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        writes = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[sa.Connection]:
    """A connection in a transaction that will write, committed when the block ends."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with connection.begin():
            yield connection


@contextmanager
def reading(engine: Engine) -> Iterator[sa.Connection]:
    """A connection in a read-only transaction that sees one consistent snapshot
    (REPEATABLE READ on PostgreSQL; a deferred transaction is a snapshot on SQLite's WAL)."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin():
            yield connection


def engine_for(settings: Settings, party: Party) -> Engine:
    """The engine of a party's database, as the settings name it."""
    return create_engine(settings.database_url_for(party))
