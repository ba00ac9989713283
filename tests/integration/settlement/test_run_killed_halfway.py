"""A settlement run killed halfway (``kill -9``, after some of its batches committed) is
safe to run again: every balance transaction is made available exactly once, every
merchant is paid out exactly once, for exactly its balance, and the books still balance.

On PostgreSQL (the production database), with the stages run in a child process as the
worker runs them, a few thousand balance transactions for a few hundred merchants.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database import migrate
from mercato.database.engine import create_engine, reading, writing
from mercato.gateway import tables as gateway_tables
from mercato.ledger import Ledger, transfer, verify
from mercato.money import Currency, Money
from mercato.processor import books as processor_books
from mercato.settings import Party
from mercato.settlement import automatic, availability, bank_accounts
from mercato.settlement import books as settlement_books
from mercato.vault import KeyRing
from postgres import postgres_database

USD = Currency.of("USD")
MERCHANTS = 200
PAYMENTS_EACH = 60
NOW = dt.datetime(2026, 3, 4, 22, 30, tzinfo=dt.UTC)
BATCH = 400

# The child: one stage on the test's database, as the worker's duty runs it, each commit
# slowed a little so that the parent can kill it between two batches or inside one.
CHILD = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from sqlalchemy import event
    from mercato.clock import ManualClock
    from mercato.database.engine import create_engine
    from mercato.ledger import Ledger
    from mercato.settlement import automatic, availability

    url, stage, now = sys.argv[1], sys.argv[2], dt.datetime.fromisoformat(sys.argv[3])
    engine = create_engine(url)
    event.listen(engine, "commit", lambda connection: time.sleep(0.03))
    clock = ManualClock(now)
    ledger = Ledger(engine, clock)
    if stage == "availability":
        availability.make_available(engine, ledger, clock, batch=int(sys.argv[4]))
    else:
        automatic.pay_out(engine, ledger, clock)
    """
)


def merchant(m: int) -> str:
    return f"acct_killed{m:05d}"


@pytest.fixture
def platform() -> Iterator[tuple[str, Engine]]:
    database = postgres_database()
    engine = create_engine(database.url)
    try:
        migrate.upgrade(engine, Party.PLATFORM)
        yield database.url, engine
    finally:
        engine.dispose()
        database.drop()


def a_day_of_captures(engine: Engine, ledger: Ledger, clock: ManualClock) -> dict[str, int]:
    """Pending charges for every merchant, due now, their nets in the merchants' pending
    balances as the processor booked them, and a US bank account each; returns each
    merchant's total of nets."""
    with writing(engine) as connection:
        connection.exec_driver_sql(
            """
            INSERT INTO settlement_balance_transactions (id, merchant_id, type,
                reporting_category, amount, fee, net, currency, status, available_on,
                source_id, description, created_at)
            SELECT 'txn_killed' || lpad(i::text, 8, '0'),
                'acct_killed' || lpad(mod(i, %(merchants)s)::text, 5, '0'), 'charge', 'charge',
                1000 + mod(i * 7919, 9000), 59, 1000 + mod(i * 7919, 9000) - 59, 'usd',
                'pending', %(due)s, 'ch_killed' || i, 'A cake', %(due)s - interval '2 days'
            FROM generate_series(0, %(last)s) AS i
            """,
            {
                "merchants": MERCHANTS,
                "due": clock.now() - dt.timedelta(hours=22),
                "last": MERCHANTS * PAYMENTS_EACH - 1,
            },
        )
        nets = dict(
            connection.exec_driver_sql(
                "SELECT merchant_id, sum(net) FROM settlement_balance_transactions"
                " GROUP BY merchant_id"
            ).all()
        )
        keyring = KeyRing.generate()
        for m in range(MERCHANTS):
            connection.execute(
                sa.insert(gateway_tables.merchants).values(
                    id=merchant(m),
                    name=f"Bakery {m}",
                    country="US",
                    default_currency="usd",
                    metadata={},
                    created_at=clock.now(),
                )
            )
            bank_accounts.add(
                connection,
                merchant(m),
                bank_accounts.NewBankAccount(
                    country="US",
                    currency="usd",
                    routing_number="110000000",
                    account_number=f"{50_000_000 + m:012d}",
                ),
                keyring=keyring,
                now=clock.now(),
            )
    with ledger.begin() as book:
        for merchant_id, net in sorted(nets.items()):
            processor_books.open_accounts(book, merchant_id, USD)
            settlement_books.open_accounts(book, merchant_id, USD)
            book.post(
                transfer(
                    f"test:captures:{merchant_id}",
                    debit=processor_books.scheme_receivable(USD),
                    credit=processor_books.merchant_balance(merchant_id, USD),
                    amount=Money.of_minor(int(net), USD),
                    description="the day's captures, less fees",
                )
            )
    return {merchant_id: int(net) for merchant_id, net in nets.items()}


def killed_halfway(url: str, engine: Engine, stage: str, *, enough: str) -> int:
    """Run ``stage`` in a child process and ``kill -9`` it once ``enough`` (a count query)
    says some of its batches have committed; returns that count."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, stage, NOW.isoformat(), str(BATCH)],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            with reading(engine) as connection:
                done = int(connection.exec_driver_sql(enough).scalar_one())
            if done > 0:
                os.kill(child.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL, "the stage ended before it could be killed"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    # The killed process's server session ends when the server notices its socket closed;
    # until then its uncommitted batch stays locked (and a rerun would skip it).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with reading(engine) as connection:
            others = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).scalar_one()
        if others == 0:
            break
        time.sleep(0.05)
    return done


def statuses(engine: Engine) -> dict[str, int]:
    with reading(engine) as connection:
        return dict(
            connection.exec_driver_sql(
                "SELECT status, count(*) FROM settlement_balance_transactions GROUP BY status"
            ).all()
        )


def books_balance(engine: Engine) -> None:
    with reading(engine) as connection:
        report = verify(connection, "platform")
    assert report.balanced, report.findings


def balances(ledger: Ledger, merchant_id: str) -> tuple[int, int]:
    """(available, pending) in the merchant's books."""
    with ledger.reading() as book:
        return (
            book.balance(settlement_books.merchant_available(merchant_id, USD)).posted.minor,
            book.balance(processor_books.merchant_balance(merchant_id, USD)).posted.minor,
        )


def test_availability_and_payouts_killed_halfway_finish_on_the_next_run_and_pay_once(
    platform: tuple[str, Engine],
) -> None:
    url, engine = platform
    clock = ManualClock(NOW)
    ledger = Ledger(engine, clock)
    nets = a_day_of_captures(engine, ledger, clock)
    rows = MERCHANTS * PAYMENTS_EACH

    # Availability, killed once a batch has committed: what committed is whole (rows
    # available and their nets moved in the books), the rest still pending.
    killed_halfway(
        url,
        engine,
        "availability",
        enough="SELECT count(*) FROM settlement_balance_transactions WHERE status = 'available'",
    )
    halfway = statuses(engine)
    assert 0 < halfway.get("available", 0) < rows
    assert halfway["available"] % BATCH == 0  # whole batches, never part of one
    books_balance(engine)

    # Run again: the rest, and nothing twice.
    assert availability.make_available(engine, ledger, clock) == halfway["pending"]
    assert statuses(engine) == {"available": rows}
    assert availability.make_available(engine, ledger, clock) == 0
    for merchant_id, net in nets.items():
        assert balances(ledger, merchant_id) == (net, 0)
    with reading(engine) as connection:
        batches, posted = connection.exec_driver_sql(
            """
            SELECT (SELECT count(*) FROM (SELECT DISTINCT available_batch, merchant_id
                                           FROM settlement_balance_transactions) AS parts),
                   (SELECT count(*) FROM ledger_transactions
                     WHERE idempotency_key LIKE 'balance_batch:%%')
            """
        ).one()
    assert batches == posted  # one ledger transaction per merchant and batch, no more
    books_balance(engine)

    # Automatic payouts, killed after some merchants were paid.
    killed_halfway(url, engine, "payouts", enough="SELECT count(*) FROM settlement_payouts")
    books_balance(engine)
    paid_now = automatic.pay_out(engine, ledger, clock)
    assert 0 < paid_now < MERCHANTS
    assert automatic.pay_out(engine, ledger, clock) == 0

    with reading(engine) as connection:
        payouts = dict(
            connection.exec_driver_sql(
                "SELECT merchant_id, sum(amount) FROM settlement_payouts"
                " GROUP BY merchant_id HAVING count(*) = 1"
            ).all()
        )
        unpaid = connection.exec_driver_sql(
            "SELECT count(*) FROM settlement_balance_transactions t"
            " WHERE t.type = 'charge' AND NOT EXISTS (SELECT 1 FROM settlement_payouts p"
            "  WHERE p.id = t.payout_id AND p.merchant_id = t.merchant_id)"
        ).scalar_one()
    assert payouts == nets  # every merchant once, for exactly its balance
    assert unpaid == 0  # every charge names the payout that paid it
    for merchant_id in nets:
        assert balances(ledger, merchant_id) == (0, 0)
    books_balance(engine)


def test_two_workers_at_once_share_the_days_work_and_pay_each_merchant_once(
    platform: tuple[str, Engine],
) -> None:
    """Two worker processes run availability, then automatic payouts, at the same time:
    each passes over the rows and merchants the other holds, and together they pay each
    merchant once, for exactly its balance."""
    url, engine = platform
    clock = ManualClock(NOW)
    ledger = Ledger(engine, clock)
    nets = a_day_of_captures(engine, ledger, clock)

    def both_at_once(stage: str) -> None:
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", CHILD, url, stage, NOW.isoformat(), str(BATCH)],
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            for _ in range(2)
        ]
        for worker in workers:
            assert worker.wait(timeout=120) == 0
        books_balance(engine)

    both_at_once("availability")
    assert statuses(engine) == {"available": MERCHANTS * PAYMENTS_EACH}
    for merchant_id, net in nets.items():
        assert balances(ledger, merchant_id) == (net, 0)
    both_at_once("payouts")
    with reading(engine) as connection:
        payouts = dict(
            connection.exec_driver_sql(
                "SELECT merchant_id, sum(amount) FROM settlement_payouts"
                " GROUP BY merchant_id HAVING count(*) = 1"
            ).all()
        )
    assert payouts == nets
    assert automatic.pay_out(engine, ledger, clock) == 0
    for merchant_id in nets:
        assert balances(ledger, merchant_id) == (0, 0)
