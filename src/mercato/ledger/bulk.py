"""The ledger's set-based writes: one statement for any number of rows.

A post is a handful of statements, and on PostgreSQL each one is a network round trip, so
their count sets the speed. Here each write is one statement however many rows it carries:
on PostgreSQL the rows travel as arrays (one parameter a column) and ``unnest`` turns them
back into rows, so the statement text never changes and the server plans it once. SQLite
is in the same process, where ``executemany`` costs no round trips, so it keeps that.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection

from mercato.ledger.tables import accounts, open_holds, postings, transactions

_TRANSACTION_COLUMNS = (
    ("id", "uuid"),
    ("idempotency_key", "text"),
    ("content_hash", "text"),
    ("type", "text"),
    ("description", "text"),
    ("metadata", "jsonb"),
    ("occurred_at", "timestamptz"),
    ("recorded_at", "timestamptz"),
    ("expires_at", "timestamptz"),
    ("pending_id", "uuid"),
    ("reverses_id", "uuid"),
)
_POSTING_COLUMNS = (
    ("transaction_id", "uuid"),
    ("position", "smallint"),
    ("account_id", "uuid"),
    ("currency", "text"),
    ("amount", "bigint"),
    ("pending", "boolean"),
    ("occurred_at", "timestamptz"),
)
_COUNTER_COLUMNS = (
    ("id", "uuid"),
    ("dp", "bigint"),
    ("cp", "bigint"),
    ("dq", "bigint"),
    ("cq", "bigint"),
    ("n", "bigint"),
)


def _unnest(columns: tuple[tuple[str, str], ...]) -> str:
    # jsonb travels as text: arrays of JSON documents are simplest to send that way.
    arrays = ", ".join(
        f"CAST(:{name} AS {'text' if kind == 'jsonb' else kind}[])" for name, kind in columns
    )
    return f"unnest({arrays})"


def _select_list(columns: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(
        f"CAST(v.{name} AS jsonb)" if kind == "jsonb" else f"v.{name}" for name, kind in columns
    )


def _names(columns: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(name for name, _ in columns)


_PG_INSERT_TRANSACTIONS = sa.text(
    f"INSERT INTO ledger_transactions ({_names(_TRANSACTION_COLUMNS)}) "  # noqa: S608 -- constants
    f"SELECT {_select_list(_TRANSACTION_COLUMNS)} "
    f"FROM {_unnest(_TRANSACTION_COLUMNS)} AS v({_names(_TRANSACTION_COLUMNS)}) "
    "ON CONFLICT DO NOTHING RETURNING id"
)
_PG_INSERT_POSTINGS = sa.text(
    f"INSERT INTO ledger_postings ({_names(_POSTING_COLUMNS)}) "  # noqa: S608 -- constants
    f"SELECT {_select_list(_POSTING_COLUMNS)} "
    f"FROM {_unnest(_POSTING_COLUMNS)} AS v({_names(_POSTING_COLUMNS)})"
)
_PG_UPDATE_COUNTERS = sa.text(
    "UPDATE ledger_accounts AS a SET debits_pending = v.dp, credits_pending = v.cp, "  # noqa: S608
    "debits_posted = v.dq, credits_posted = v.cq, version = a.version + v.n "
    f"FROM {_unnest(_COUNTER_COLUMNS)} AS v({_names(_COUNTER_COLUMNS)}) WHERE a.id = v.id"
)
_PG_INSERT_OPEN_HOLDS = sa.text(
    "INSERT INTO ledger_open_holds (hold_id, expires_at) "
    "SELECT * FROM unnest(CAST(:hold_id AS uuid[]), CAST(:expires_at AS timestamptz[]))"
)
_PG_DELETE_OPEN_HOLDS = sa.text(
    "DELETE FROM ledger_open_holds WHERE hold_id = ANY(CAST(:hold_id AS uuid[]))"
)

_SQLITE_UPDATE_COUNTERS = (
    sa.update(accounts)
    .where(accounts.c.id == sa.bindparam("account_id"))
    .values(
        debits_pending=sa.bindparam("dp"),
        credits_pending=sa.bindparam("cp"),
        debits_posted=sa.bindparam("dq"),
        credits_posted=sa.bindparam("cq"),
        version=accounts.c.version + sa.bindparam("n"),
    )
)
_SQLITE_DELETE_OPEN_HOLDS = sa.delete(open_holds).where(
    open_holds.c.hold_id == sa.bindparam("hold_id")
)


def _columns_of(
    rows: Sequence[dict[str, Any]], columns: tuple[tuple[str, str], ...]
) -> dict[str, list[Any]]:
    return {
        name: [json.dumps(row[name]) if kind == "jsonb" else row[name] for row in rows]
        for name, kind in columns
    }


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def insert_transactions(connection: Connection, rows: Sequence[dict[str, Any]]) -> set[uuid.UUID]:
    """Insert transaction rows, skipping any whose idempotency key, hold or reversal target
    is taken; returns the ids that went in."""
    if _postgres(connection):
        result = connection.execute(
            _PG_INSERT_TRANSACTIONS, _columns_of(rows, _TRANSACTION_COLUMNS)
        )
        return set(result.scalars())
    statement = sqlite.insert(transactions).on_conflict_do_nothing()
    return set(connection.execute(statement.returning(transactions.c.id), list(rows)).scalars())


def insert_postings(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if _postgres(connection):
        connection.execute(_PG_INSERT_POSTINGS, _columns_of(rows, _POSTING_COLUMNS))
    else:
        connection.execute(sa.insert(postings), list(rows))


def update_counters(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Write accounts' new counters (``dp``, ``cp``, ``dq``, ``cq``) and add ``n`` to each
    version. The accounts must already be locked by this transaction."""
    if _postgres(connection):
        renamed = [{**row, "id": row["account_id"]} for row in rows]
        connection.execute(_PG_UPDATE_COUNTERS, _columns_of(renamed, _COUNTER_COLUMNS))
    else:
        connection.execute(_SQLITE_UPDATE_COUNTERS, list(rows))


def open_holds_added(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if _postgres(connection):
        connection.execute(
            _PG_INSERT_OPEN_HOLDS,
            {
                "hold_id": [r["hold_id"] for r in rows],
                "expires_at": [r["expires_at"] for r in rows],
            },
        )
    else:
        connection.execute(sa.insert(open_holds), list(rows))


def open_holds_removed(connection: Connection, hold_ids: Sequence[uuid.UUID]) -> None:
    if _postgres(connection):
        connection.execute(_PG_DELETE_OPEN_HOLDS, {"hold_id": list(hold_ids)})
    else:
        connection.execute(_SQLITE_DELETE_OPEN_HOLDS, [{"hold_id": h} for h in hold_ids])


_PG_LOCK_ACCOUNTS = sa.text(
    "SELECT id, closed_at, debits_pending, credits_pending, debits_posted, credits_posted "
    "FROM ledger_accounts WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY id FOR UPDATE"
)
_SQLITE_LOCK_ACCOUNTS = (
    sa.select(
        accounts.c.id,
        accounts.c.closed_at,
        accounts.c.debits_pending,
        accounts.c.credits_pending,
        accounts.c.debits_posted,
        accounts.c.credits_posted,
    )
    .where(accounts.c.id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(accounts.c.id)
)


def lock_accounts(connection: Connection, account_ids: Sequence[uuid.UUID]) -> list[Any]:
    """The accounts' counters, each row locked until commit, taken in ascending id order
    (on SQLite the write lock ``BEGIN IMMEDIATE`` took covers them all already)."""
    if _postgres(connection):
        return list(connection.execute(_PG_LOCK_ACCOUNTS, {"ids": list(account_ids)}).mappings())
    found: list[Any] = []
    for start in range(0, len(account_ids), 900):
        chunk = list(account_ids[start : start + 900])
        found.extend(connection.execute(_SQLITE_LOCK_ACCOUNTS, {"ids": chunk}).mappings())
    return found
