"""Many writers at once, on PostgreSQL: no money made or lost, nothing written twice.

Four OS processes post thousands of random transfers among five customers whose balances may
not go below zero, so many transfers are refused for lack of money. Some requests are retried
with their idempotency key (a replay), some keys are reused for other content (a conflict),
and some keys are posted by every worker at once (concurrent duplicates). Each worker reports
what it saw; the books must then agree with the reports to the cent.

Accounts are locked in id order, so deadlocks and serialization failures cannot happen by
design; a worker that meets one reports it, and the test fails.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import quote

import pytest
import sqlalchemy as sa
import sqlalchemy.exc

from mercato.database import migrate
from mercato.database.engine import create_engine
from mercato.ledger import AccountKind, AccountSpec, Ledger, NewTransaction, transfer, verify
from mercato.ledger.errors import IdempotencyConflict, LimitExceeded
from mercato.ledger.tables import accounts, transactions
from mercato.money import Currency, Money
from mercato.settings import Party

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

USD = Currency.of("USD")
WORKERS = 4
ATTEMPTS_PER_WORKER = 750
CUSTOMERS = tuple(f"customer:{n}" for n in range(5))
FUNDING = 200_00
"""Each customer starts with this; a transfer moves up to half of it, so many are refused."""
LARGEST_TRANSFER = 100_00
SEED = 20261122
WORKER_DEADLINE_SECONDS = 120

DEADLOCK = "40P01"
SERIALIZATION_FAILURE = "40001"


class Move(NamedTuple):
    """One transfer request: ``amount`` cents from customer ``debit`` to customer ``credit``."""

    key: str
    debit: str
    credit: str
    amount: int

    def request(self) -> NewTransaction:
        return transfer(
            self.key, debit=self.debit, credit=self.credit, amount=Money.of_minor(self.amount, USD)
        )


@dataclass
class WorkerReport:
    """What one worker saw. ``posted`` maps each key that succeeded to its transaction's id
    and its move; ``problems`` lists everything a correct ledger never does."""

    worker: int
    posted: dict[str, tuple[uuid.UUID, Move]] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    sqlstates: list[str] = field(default_factory=list)


def shared_move(n: int) -> Move:
    """The same request for every worker: key ``shared:n`` has one content everywhere."""
    rng = random.Random(f"shared:{n}")
    debit, credit = rng.sample(CUSTOMERS, 2)
    return Move(f"shared:{n}", debit, credit, rng.randint(1, LARGEST_TRANSFER))


def post_randomly(url: str, worker: int, start: Any, results: Any) -> None:
    """A worker process: post random transfers and report every outcome. (Spawned, so it is
    a module-level function that makes its own engine.)"""
    report = WorkerReport(worker)
    engine = create_engine(url, pool_size=1)
    try:
        ledger = Ledger(engine)
        with ledger.reading() as book:
            book.accounts()  # warm the account cache before the race starts
        rng = random.Random(SEED + worker)
        start.wait(timeout=60)
        shared = 0
        for attempt in range(ATTEMPTS_PER_WORKER):
            roll = rng.random()
            mine = [move for _, move in report.posted.values() if move.key.startswith("w")]
            if roll < 0.10 and mine:
                _post(ledger, report, rng.choice(mine), expect="replay")
            elif roll < 0.13 and mine:
                move = rng.choice(mine)
                _post(ledger, report, move._replace(amount=move.amount + 1), expect="conflict")
            elif roll < 0.25:
                _post(ledger, report, shared_move(shared), expect="any")
                shared += 1
            else:
                debit, credit = rng.sample(CUSTOMERS, 2)
                amount = rng.randint(1, LARGEST_TRANSFER)
                _post(
                    ledger,
                    report,
                    Move(f"w{worker}:{attempt}", debit, credit, amount),
                    expect="new",
                )
    except Exception as error:  # the report must reach the parent whatever happened
        report.problems.append(f"worker {worker} stopped: {error!r}")
    finally:
        engine.dispose()
        results.put(report)


def _post(ledger: Ledger, report: WorkerReport, move: Move, *, expect: str) -> None:
    key = move.key
    earlier = report.posted.get(key)
    try:
        with ledger.begin() as book:
            posted = book.post(move.request())
    except LimitExceeded:
        report.outcomes["limit exceeded"] += 1
        if expect in ("replay", "conflict"):
            report.problems.append(f"{key}: refused for lack of money instead of a {expect}")
        return
    except IdempotencyConflict:
        report.outcomes["idempotency conflict"] += 1
        if expect != "conflict":
            report.problems.append(f"{key}: idempotency conflict, expected a {expect}")
        return
    except sqlalchemy.exc.DBAPIError as error:
        sqlstate = getattr(error.orig, "sqlstate", None) or "?????"
        report.sqlstates.append(sqlstate)
        report.problems.append(f"{key}: database error {sqlstate}: {error.orig}")
        return
    if expect == "conflict":
        report.problems.append(f"{key}: other content under a used key was posted, not refused")
        return
    if earlier is not None and earlier[0] != posted.id:
        report.problems.append(f"{key}: replay returned {posted.id}, first post was {earlier[0]}")
        return
    report.outcomes["replayed" if earlier is not None else "posted"] += 1
    report.posted[key] = (posted.id, move)


def run_workers(url: str) -> list[WorkerReport]:
    """Start the workers together and collect their reports; fail if one dies or hangs."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [
        context.Process(target=post_randomly, args=(url, worker, start, results), daemon=True)
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    reports: list[WorkerReport] = []
    deadline = time.monotonic() + WORKER_DEADLINE_SECONDS
    try:
        while len(reports) < WORKERS:
            try:
                reports.append(results.get(timeout=1))
                continue
            except queue.Empty:
                pass
            dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if dead:
                pytest.fail(f"a worker died without reporting (exit codes {dead})")
            if time.monotonic() > deadline:
                pytest.fail(f"the workers did not finish in {WORKER_DEADLINE_SECONDS}s")
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
        results.close()
        results.join_thread()
    return sorted(reports, key=lambda report: report.worker)


@pytest.fixture
def books_url(postgres_url: str) -> str:
    """Five customers (who may not go below zero), each funded from the bank's cash.

    A lock wait longer than ten seconds is an error, so a hang fails the test, not the run.
    """
    engine = create_engine(postgres_url)
    try:
        migrate.upgrade(engine, Party.PLATFORM)
        ledger = Ledger(engine)
        with ledger.begin() as book:
            book.open_account(AccountSpec("bank:cash", USD, AccountKind.ASSET))
            for code in CUSTOMERS:
                book.open_account(
                    AccountSpec(
                        code, USD, AccountKind.LIABILITY, debits_must_not_exceed_credits=True
                    )
                )
                book.post(
                    transfer(
                        f"fund:{code}",
                        debit="bank:cash",
                        credit=code,
                        amount=Money.of_minor(FUNDING, USD),
                    )
                )
    finally:
        engine.dispose()
    return f"{postgres_url}?options={quote('-c lock_timeout=10s')}"


def test_concurrent_writers_neither_lose_nor_duplicate_money(books_url: str) -> None:
    reports = run_workers(books_url)

    problems = [problem for report in reports for problem in report.problems]
    sqlstates = Counter(state for report in reports for state in report.sqlstates)
    assert sqlstates[DEADLOCK] == 0, f"deadlocks: {sqlstates[DEADLOCK]} ({problems[:5]})"
    assert sqlstates[SERIALIZATION_FAILURE] == 0, f"serialization failures: {problems[:5]}"
    assert problems == [], f"{len(problems)} problems, first ones: {problems[:10]}"

    outcomes = sum((report.outcomes for report in reports), Counter[str]())
    assert sum(outcomes.values()) == WORKERS * ATTEMPTS_PER_WORKER
    for outcome in ("posted", "replayed", "limit exceeded", "idempotency conflict"):
        assert outcomes[outcome] > 0, f"the run never exercised {outcome!r}: {dict(outcomes)}"

    # Every key that succeeded anywhere names one transaction, whoever saw it.
    succeeded: dict[str, tuple[uuid.UUID, Move]] = {}
    for report in reports:
        for key, seen in report.posted.items():
            first = succeeded.setdefault(key, seen)
            assert first == seen, f"{key}: workers saw {first} and {seen}"

    engine = create_engine(books_url)
    try:
        with engine.connect() as connection:
            assert verify(connection, "platform").findings == []
            t, a = transactions.c, accounts.c
            duplicated = (
                connection.execute(
                    sa.select(t.idempotency_key)
                    .group_by(t.idempotency_key)
                    .having(sa.func.count() > 1)
                )
                .scalars()
                .all()
            )
            assert duplicated == []
            count = connection.execute(
                sa.select(sa.func.count()).select_from(transactions)
            ).scalar_one()
            in_books = dict(
                connection.execute(
                    sa.select(t.idempotency_key, t.id).where(~t.idempotency_key.like("fund:%"))
                ).all()
            )
            rows = connection.execute(
                sa.select(
                    a.code,
                    a.debits_must_not_exceed_credits,
                    a.debits_pending,
                    a.credits_pending,
                    a.debits_posted,
                    a.credits_posted,
                )
            ).all()
    finally:
        engine.dispose()

    assert count == len(CUSTOMERS) + len(succeeded), "funding plus what the workers saw succeed"
    assert in_books.keys() == succeeded.keys()
    assert in_books == {key: seen[0] for key, seen in succeeded.items()}

    # The balances are what the reported transfers add up to: no update was lost.
    expected = dict.fromkeys(CUSTOMERS, FUNDING) | {"bank:cash": -len(CUSTOMERS) * FUNDING}
    for _, move in succeeded.values():
        expected[move.debit] -= move.amount
        expected[move.credit] += move.amount
    balances = {row.code: row.credits_posted - row.debits_posted for row in rows}
    assert balances == expected
    for row in rows:
        assert row.debits_pending == row.credits_pending == 0
        if row.debits_must_not_exceed_credits:
            assert row.debits_posted <= row.credits_posted, f"{row.code} is below zero"
    assert sum(balances[code] for code in CUSTOMERS) == len(CUSTOMERS) * FUNDING
    assert sum(balances.values()) == 0
