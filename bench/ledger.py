"""How fast the ledger posts transfers, on SQLite and on PostgreSQL.

    .venv/bin/python bench/ledger.py            # the full run: a few minutes on 2 cores
    .venv/bin/python bench/ledger.py --quick    # a short run, for a first look

For each database, and for each of two account sets (10,000 accounts, where writers rarely
meet; 10 hot accounts, where every writer queues for the same rows), it measures:

* transfers/s posted one per database transaction, by one writer and by several writers
  (separate OS processes, each with its own connection);
* transfers/s posted in batches of 1,000 (one database transaction per batch);
* the latency of one post (begin, post, commit), at the 50th and 99th percentile, for the
  single writer.

Every writer runs in its own process, started with "spawn", and waits at a barrier until all
are ready (engine open, account cache warm, a few posts made), so the figures time posting
and nothing else. The accounts may not go below zero, so the limit check runs on every
transfer, but each is funded to never refuse one.

It creates and drops its own PostgreSQL database (on MERCATO_BENCH_POSTGRES, by default the
local server) and its own SQLite file in a temporary directory. Timings are printed, never
asserted: they depend on the machine, above all on how fast its disk makes a commit durable.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from mercato.database import migrate
from mercato.database.engine import create_engine
from mercato.ledger import AccountKind, AccountSpec, Ledger, transfer
from mercato.money import Currency, Money
from mercato.settings import Party

POSTGRES_ADMIN = os.environ.get(
    "MERCATO_BENCH_POSTGRES",
    os.environ.get("MERCATO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"),
)
USD = Currency.of("USD")
BATCH = 1_000
FUNDING = 1_000_000_00
"""Each account's starting balance: far more than any run moves out of it."""
WARM_UP = 10
"""Posts each writer makes before the clock starts (statement caches, prepared statements)."""
TARGET_CONCURRENT = 5_000
TARGET_BATCHED = 25_000


@dataclass(frozen=True)
class Shape:
    """A set of accounts the transfers move money between."""

    name: str
    prefix: str
    size: int

    def codes(self) -> list[str]:
        return [f"{self.prefix}:{n:05d}" for n in range(self.size)]


SHAPES = (Shape("10,000 accounts", "many", 10_000), Shape("10 hot accounts", "hot", 10))


@dataclass(frozen=True)
class Sizes:
    one_writer: int
    per_concurrent_writer: int
    batches: int


FULL = Sizes(one_writer=2_000, per_concurrent_writer=1_000, batches=10)
QUICK = Sizes(one_writer=300, per_concurrent_writer=150, batches=3)


@dataclass(frozen=True)
class Plan:
    """What each writer of one measurement does."""

    phase: str
    shape: Shape
    transfers: int
    batch: int = 1


@dataclass
class Outcome:
    """What one writer did: its transfers, between ``began`` and ``ended`` (monotonic clock,
    which is one clock for every process on the machine), and each post's latency in ns."""

    writer: int
    began: float = 0.0
    ended: float = 0.0
    transfers: int = 0
    latencies: list[int] = field(default_factory=list)
    error: str | None = None


@dataclass
class Figures:
    one_writer: float = 0.0
    concurrent: float = 0.0
    batched: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0


# The writers (each in its own process) ---------------------------------------------------


def write(url: str, plan: Plan, writer: int, *, start: Any, done: Any, results: Any) -> None:
    """Post ``plan.transfers`` transfers, one per transaction or in batches, and report."""
    outcome = Outcome(writer)
    engine = create_engine(url, pool_size=1)
    try:
        ledger = Ledger(engine)
        with ledger.reading() as book:
            book.accounts()  # the account cache, as a long-running process has it
        rng = random.Random(f"{plan.phase}:{writer}")
        codes = plan.shape.codes()

        def request(key: str) -> Any:
            debit, credit = rng.sample(codes, 2)
            amount = Money.of_minor(rng.randint(1, 100_00), USD)
            return transfer(key, debit=debit, credit=credit, amount=amount)

        for n in range(WARM_UP):
            with ledger.begin() as book:
                book.post(request(f"{plan.phase}:{writer}:warm-up:{n}"))
        requests = [request(f"{plan.phase}:{writer}:{n}") for n in range(plan.transfers)]
        start.wait(timeout=300)
        outcome.began = time.monotonic()
        if plan.batch == 1:
            for n, one in enumerate(requests, 1):
                posted_at = time.perf_counter_ns()
                with ledger.begin() as book:
                    book.post(one)
                outcome.latencies.append(time.perf_counter_ns() - posted_at)
                if n % 25 == 0:
                    with done.get_lock():
                        done.value += 25
        else:
            for first in range(0, len(requests), plan.batch):
                with ledger.begin() as book:
                    book.post_batch(requests[first : first + plan.batch])
                with done.get_lock():
                    done.value += len(requests[first : first + plan.batch])
        outcome.ended = time.monotonic()
        outcome.transfers = len(requests)
    except Exception as error:  # reported, so the run stops with a reason
        outcome.error = repr(error)
    finally:
        engine.dispose()
        results.put(outcome)


def measure(url: str, plan: Plan, writers: int, show: Callable[[int], None]) -> list[Outcome]:
    """Run ``writers`` processes on ``plan`` together; ``show`` gets the transfers done so far."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(writers)
    done = context.Value("q", 0)
    results = context.Queue()
    processes = [
        context.Process(
            target=write,
            args=(url, plan, writer),
            kwargs={"start": start, "done": done, "results": results},
        )
        for writer in range(writers)
    ]
    for process in processes:
        process.start()
    outcomes: list[Outcome] = []
    try:
        while len(outcomes) < writers:
            try:
                outcomes.append(results.get(timeout=0.1))
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise RuntimeError(f"a writer of {plan.phase} died") from None
            show(done.value)
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        results.close()
        results.join_thread()
    errors = [outcome.error for outcome in outcomes if outcome.error]
    if errors:
        raise RuntimeError(f"{plan.phase}: {errors[0]}")
    return outcomes


def rate(outcomes: list[Outcome]) -> float:
    """Transfers per second over the wall time from the first writer's start to the last's end."""
    elapsed = max(o.ended for o in outcomes) - min(o.began for o in outcomes)
    return sum(o.transfers for o in outcomes) / elapsed


# The databases -------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="mercato-bench-") as directory:
        yield f"sqlite:///{Path(directory) / 'platform.sqlite3'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"mercato_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_answers() -> str | None:
    """Why PostgreSQL cannot be benchmarked, or None if it can."""
    try:
        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]


def postgres_settings() -> str:
    with psycopg.connect(POSTGRES_ADMIN) as connection:
        version = connection.execute("SHOW server_version").fetchone()
        durable = connection.execute("SHOW synchronous_commit").fetchone()
        fsync = connection.execute("SHOW fsync").fetchone()
    assert version is not None
    assert durable is not None
    assert fsync is not None
    return f"PostgreSQL {version[0]}, synchronous_commit={durable[0]}, fsync={fsync[0]}"


def open_books(url: str, shape: Shape, progress: Progress, task: TaskID) -> None:
    """Migrate, open the shape's accounts and fund each from the bank's (unlimited) cash."""
    engine = create_engine(url)
    try:
        migrate.upgrade(engine, Party.PLATFORM)
        ledger = Ledger(engine)
        codes = shape.codes()
        with ledger.begin() as book:
            book.open_account(AccountSpec("bank:cash", USD, AccountKind.ASSET))
            for code in codes:
                book.open_account(
                    AccountSpec(
                        code, USD, AccountKind.LIABILITY, debits_must_not_exceed_credits=True
                    )
                )
                progress.advance(task)
        for first in range(0, len(codes), BATCH):
            with ledger.begin() as book:
                book.post_batch(
                    [
                        transfer(
                            f"fund:{code}",
                            debit="bank:cash",
                            credit=code,
                            amount=Money.of_minor(FUNDING, USD),
                        )
                        for code in codes[first : first + BATCH]
                    ]
                )
            progress.advance(task, len(codes[first : first + BATCH]))
    finally:
        engine.dispose()


def bench(
    backend: str, url: str, shape: Shape, *, sizes: Sizes, writers: int, progress: Progress
) -> Figures:
    """Every measurement of one database and one account set."""
    label = f"{backend}, {shape.name}"
    task = progress.add_task(f"{label}: opening accounts", total=2 * shape.size)
    open_books(url, shape, progress, task)
    progress.update(task, visible=False)
    figures = Figures()

    def run(phase: str, description: str, count: int, transfers: int, batch: int) -> list[Outcome]:
        task = progress.add_task(f"{label}: {description}", total=count * transfers)
        outcomes = measure(
            url,
            Plan(phase, shape, transfers, batch),
            count,
            lambda done: progress.update(task, completed=done),
        )
        progress.update(task, completed=count * transfers)
        return outcomes

    single = run("one", "1 writer, 1 per transaction", 1, sizes.one_writer, 1)
    figures.one_writer = rate(single)
    latencies = sorted(single[0].latencies)
    figures.p50_ms = statistics.median(latencies) / 1e6
    figures.p99_ms = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] / 1e6
    concurrent = run(
        "many",
        f"{writers} writers, 1 per transaction",
        writers,
        sizes.per_concurrent_writer,
        1,
    )
    figures.concurrent = rate(concurrent)
    batched = run("batch", f"batches of {BATCH:,}", 1, sizes.batches * BATCH, BATCH)
    figures.batched = rate(batched)
    return figures


# The report ----------------------------------------------------------------------------


def per_second(value: float, target: int | None = None) -> str:
    text = f"{value:,.0f}/s"
    if target is not None:
        text += f" [dim]({value / target:.0%} of {target:,})[/dim]"
    return text


def report(console: Console, results: dict[tuple[str, str], Figures], writers: int) -> None:
    table = Table(title="Ledger: transfers posted", title_justify="left")
    table.add_column("database")
    table.add_column("accounts")
    table.add_column("1 writer\n1 per tx", justify="right")
    table.add_column(f"{writers} writers\n1 per tx", justify="right")
    table.add_column(f"1 writer\nbatches of {BATCH:,}", justify="right")
    table.add_column("one post\np50", justify="right")
    table.add_column("one post\np99", justify="right")
    for (backend, shape), figures in results.items():
        postgres = backend == "PostgreSQL"
        table.add_row(
            backend,
            shape,
            per_second(figures.one_writer),
            per_second(figures.concurrent, TARGET_CONCURRENT if postgres else None)
            + ("" if postgres else " [dim](serialized)[/dim]"),
            per_second(figures.batched, TARGET_BATCHED),
            f"{figures.p50_ms:.2f} ms",
            f"{figures.p99_ms:.2f} ms",
        )
    table.add_row(
        "[bold]target[/bold]",
        "",
        "",
        f"[bold]{TARGET_CONCURRENT:,}/s[/bold] (PostgreSQL)",
        f"[bold]{TARGET_BATCHED:,}/s[/bold]",
        "",
        "",
    )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run, for a first look")
    parser.add_argument("--writers", type=int, default=4, help="concurrent writers (default 4)")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql", "both"],
        default="both",
        help="which databases to measure (default both)",
    )
    options = parser.parse_args()
    sizes = QUICK if options.quick else FULL
    console = Console()
    if not console.is_terminal:  # piped to a file: room for the table, not 80 columns
        console = Console(width=132)

    databases: list[tuple[str, Callable[[], Any]]] = []
    if options.database in ("sqlite", "both"):
        databases.append(("SQLite", sqlite_database))
    notes = [
        f"Machine: {os.cpu_count()} cores; each writer is its own process, on its own connection.",
        "SQLite: WAL, synchronous=NORMAL (no fsync per commit); every writing transaction"
        " begins with BEGIN IMMEDIATE, so writers are serialized: one writes, the others wait"
        " for the lock. Its several-writer figure measures that hand-off, not parallelism.",
    ]
    if options.database in ("postgresql", "both"):
        problem = postgres_answers()
        if problem is None:
            databases.append(("PostgreSQL", postgres_database))
            notes.append(postgres_settings() + " (one WAL flush per commit).")
        else:
            notes.append(f"PostgreSQL at {POSTGRES_ADMIN} not measured: {problem}")

    console.print(
        f"[bold]Mercato ledger benchmark[/bold] ({'quick' if options.quick else 'full'} run):"
        f" {sizes.one_writer:,} transfers by 1 writer, {sizes.per_concurrent_writer:,} by each"
        f" of {options.writers} writers, {sizes.batches * BATCH:,} in batches of {BATCH:,};"
        f" per database and account set."
    )
    results: dict[tuple[str, str], Figures] = {}
    began = time.monotonic()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        for backend, database in databases:
            for shape in SHAPES:
                with database() as url:
                    results[backend, shape.name] = bench(
                        backend,
                        url,
                        shape,
                        sizes=sizes,
                        writers=options.writers,
                        progress=progress,
                    )
    report(console, results, options.writers)
    for note in notes:
        console.print(f"[dim]- {note}[/dim]")
    console.print(f"[dim]- Whole run: {time.monotonic() - began:.0f} s.[/dim]")


if __name__ == "__main__":
    main()
