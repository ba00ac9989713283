"""The fastest this machine commits small transactions to PostgreSQL, with no Mercato code.

    .venv/bin/python bench/postgres_floor.py

A ledger transfer is a transaction of four statements (its row, the account lock, the new
balances, the postings) and a commit. This script times the same shape with bare psycopg:
four single-row INSERTs and a COMMIT, by one writer and by four writer processes. Any
figure from bench/ledger.py is to be read against this one: it is what the database, the
disk's commit flush and the loopback network allow before any Python of Mercato's runs.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table

ADMIN = os.environ.get("MERCATO_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
TRANSACTIONS = 3000
WRITERS = 4


def _url(database: str) -> str:
    return f"{ADMIN.rsplit('/', 1)[0]}/{database}"


def _write(url: str, count: int, statements: int, start: Any) -> None:
    with psycopg.connect(url) as connection:
        start.wait()
        for _ in range(count):
            for position in range(statements):
                connection.execute(
                    "INSERT INTO floor (id, position) VALUES (%s, %s)", (uuid.uuid4(), position)
                )
            connection.commit()


def measure(url: str, writers: int, statements: int) -> float:
    """Transactions per second, all writers together."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(writers + 1)
    each = TRANSACTIONS // writers
    processes = [
        context.Process(target=_write, args=(url, each, statements, start)) for _ in range(writers)
    ]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    for process in processes:
        process.join()
    return each * writers / (time.perf_counter() - began)


def main() -> None:
    database = f"mercato_bench_floor_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        Console().print(f"No PostgreSQL at {ADMIN}: {error}")
        return
    with admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    url = _url(database)
    try:
        with psycopg.connect(url) as connection:
            connection.execute("CREATE TABLE floor (id uuid PRIMARY KEY, position int)")
        table = Table(title="PostgreSQL floor: bare psycopg, no Mercato code")
        table.add_column("transaction")
        table.add_column("1 writer", justify="right")
        table.add_column(f"{WRITERS} writers", justify="right")
        for statements in (1, 4):
            one = measure(url, 1, statements)
            many = measure(url, WRITERS, statements)
            table.add_row(f"{statements} INSERT(s) + COMMIT", f"{one:,.0f}/s", f"{many:,.0f}/s")
        Console().print(table)
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
