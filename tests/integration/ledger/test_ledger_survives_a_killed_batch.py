"""A writer killed half-way through a big batch leaves nothing of it in the books.

A child process posts one batch of 50,000 transfers in one database transaction and is killed
(SIGKILL: no clean-up, no rollback of its own) at the worst moments: while PostgreSQL is
writing the batch, and after the whole batch is written but before the commit. The database
must roll all of it back: no transaction of the batch, no counter changed, the books still
balanced, and no lock left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.database import migrate
from mercato.database.engine import create_engine
from mercato.ledger import AccountKind, AccountSpec, Ledger, transfer, verify
from mercato.ledger.tables import accounts, postings, transactions
from mercato.money import Currency, Money
from mercato.settings import Party

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

USD = Currency.of("USD")
BATCH = 50_000
CUSTOMERS = tuple(f"customer:{n}" for n in range(5))
APPLICATION = "mercato-killed-batch"
SEEN_WITHIN_SECONDS = 120
GONE_WITHIN_SECONDS = 30

CHILD = """
import sys, time
from mercato.database.engine import create_engine
from mercato.ledger import Ledger, transfer
from mercato.money import Money

url, size, customers = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
ledger = Ledger(create_engine(url, pool_size=1))
batch = [
    transfer(f"crash:{n}", debit="bank:cash", credit=customers[n % len(customers)],
             amount=Money.of_minor(1 + n % 100, "USD"))
    for n in range(size)
]
with ledger.begin() as book:
    book.post_batch(batch)
    print("written, not committed", flush=True)
    time.sleep(3600)  # killed before it gets here to commit
"""

WRITING = (
    "state = 'active' AND backend_xid IS NOT NULL"
    " AND query ~* '^\\s*(INSERT INTO|UPDATE) ledger_(transactions|accounts|postings)'"
)
"""The child's backend is running a statement of the batch and has written rows."""

WRITTEN = "state = 'idle in transaction' AND backend_xid IS NOT NULL"
"""The child's backend has written rows and waits for the client; once the child has said
``WRITTEN_LINE``, that is the whole batch, uncommitted."""
WRITTEN_LINE = "written, not committed"


class Moment(NamedTuple):
    """When the child is killed: once its backend meets ``condition`` in
    ``pg_stat_activity`` (and, if ``announced``, once the child has said the batch is written)."""

    description: str
    condition: str
    announced: bool


@pytest.fixture
def books(postgres_url: str) -> Iterator[Engine]:
    """Five customers funded from the bank's cash, with some history already in the books."""
    engine = create_engine(postgres_url)
    migrate.upgrade(engine, Party.PLATFORM)
    ledger = Ledger(engine)
    with ledger.begin() as book:
        book.open_account(AccountSpec("bank:cash", USD, AccountKind.ASSET))
        for code in CUSTOMERS:
            book.open_account(
                AccountSpec(code, USD, AccountKind.LIABILITY, debits_must_not_exceed_credits=True)
            )
            book.post(transfer(f"fund:{code}", debit="bank:cash", credit=code, amount=usd(100_00)))
    with ledger.begin() as book:
        book.post(transfer("before", debit=CUSTOMERS[0], credit=CUSTOMERS[1], amount=usd(5_00)))
    yield engine
    engine.dispose()


def usd(cents: int) -> Money:
    return Money.of_minor(cents, USD)


def snapshot(engine: Engine) -> dict[str, Any]:
    """Everything a killed batch could have left behind."""
    a = accounts.c
    with engine.connect() as connection:
        return {
            "accounts": connection.execute(
                sa.select(
                    a.code,
                    a.debits_pending,
                    a.credits_pending,
                    a.debits_posted,
                    a.credits_posted,
                    a.version,
                ).order_by(a.code)
            ).all(),
            "transactions": count(connection, transactions),
            "postings": count(connection, postings),
        }


def count(connection: sa.Connection, table: sa.Table) -> int:
    return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def child_backend(monitor: sa.Connection, database: str, condition: str = "true") -> Any:
    """The child's server process (pid, state, query), if it is there and meets ``condition``.

    ``monitor`` is in autocommit: each query sees a fresh view of ``pg_stat_activity``.
    """
    return monitor.execute(
        sa.text(
            "SELECT pid, state, backend_xid IS NOT NULL AS wrote, left(query, 80) AS query"
            " FROM pg_stat_activity"
            f" WHERE datname = :database AND application_name = :application AND ({condition})"
        ),
        {"database": database, "application": APPLICATION},
    ).first()


def wait_for(
    monitor: sa.Connection,
    database: str,
    moment: Moment,
    child: subprocess.Popen[bytes],
    output: Path,
) -> Any:
    """The child's backend once the moment to kill the child has come."""
    deadline = time.monotonic() + SEEN_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if not moment.announced or WRITTEN_LINE in output.read_text():
            backend = child_backend(monitor, database, moment.condition)
            if backend is not None:
                return backend
        if child.poll() is not None:
            pytest.fail(f"the child exited ({child.returncode}) first:\n{output.read_text()}")
        time.sleep(0.01)
    last = child_backend(monitor, database)
    pytest.fail(
        f"the child was not seen {moment.description} within {SEEN_WITHIN_SECONDS}s"
        f" (last seen: {last}); child output:\n{output.read_text()}"
    )


def wait_until_gone(monitor: sa.Connection, database: str, pid: int) -> None:
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while time.monotonic() < deadline:
        backend = child_backend(monitor, database, f"pid = {int(pid)}")
        if backend is None:
            return
        time.sleep(0.05)
    pytest.fail(f"the killed child's backend {pid} was still there after {GONE_WITHIN_SECONDS}s")


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(Moment("while the batch is being written", WRITING, False), id="mid-batch"),
        pytest.param(
            Moment("with the batch written but not committed", WRITTEN, True), id="before-commit"
        ),
    ],
)
def test_a_batch_killed_before_its_commit_leaves_no_trace(
    books: Engine, postgres_url: str, tmp_path: Path, moment: Moment
) -> None:
    engine = books
    before = snapshot(engine)
    database = engine.url.database
    assert database is not None
    output = tmp_path / "child.log"
    child_url = f"{postgres_url}?application_name={quote(APPLICATION)}"
    arguments = [sys.executable, "-c", CHILD, child_url, str(BATCH), ",".join(CUSTOMERS)]
    with (
        output.open("wb") as log,
        subprocess.Popen(arguments, stdout=log, stderr=subprocess.STDOUT) as child,
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as monitor,
    ):
        try:
            backend = wait_for(monitor, database, moment, child, output)
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=GONE_WITHIN_SECONDS)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert child.returncode == -signal.SIGKILL
        wait_until_gone(monitor, database, backend.pid)

    assert backend.wrote, (
        f"the child was killed {moment.description}, before it wrote anything: {backend}"
    )
    with engine.connect() as connection:
        left_behind = connection.execute(
            sa.select(sa.func.count())
            .select_from(transactions)
            .where(transactions.c.idempotency_key.like("crash:%"))
        ).scalar_one()
        assert left_behind == 0, (
            f"{left_behind} transactions of the batch killed {moment.description}"
        )
        assert verify(connection, "platform").findings == []
    assert snapshot(engine) == before

    # Nothing is left locked, and the batch's keys are free: the next writer just writes.
    ledger = Ledger(engine)
    with ledger.begin() as book:
        book.connection.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
        book.post(transfer("crash:0", debit=CUSTOMERS[1], credit=CUSTOMERS[2], amount=usd(1_00)))
    with ledger.reading() as book:
        assert book.balance(CUSTOMERS[2]).posted == usd(101_00)
        assert book.transaction_by_key("crash:0").postings[0].account == CUSTOMERS[1]
    with engine.connect() as connection:
        assert verify(connection, "platform").findings == []
