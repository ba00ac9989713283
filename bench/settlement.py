"""How long the platform takes to clear and settle a day of captured payments and pay its
merchants out, on PostgreSQL.

    .venv/bin/python bench/settlement.py                 # default: 20,000 payments, 100 merchants
    .venv/bin/python bench/settlement.py --quick         # 2,000 payments, 20 merchants
    .venv/bin/python bench/settlement.py --payments 200000 --merchants 1000
    .venv/bin/python bench/settlement.py --full          # the target: 1,000,000 for 1,000
    .venv/bin/python bench/settlement.py --full --day     # as two worker processes run a day
    .venv/bin/python bench/settlement.py --workers 1      # every stage in this one process
    .venv/bin/python bench/settlement.py --profile availability   # cProfile one stage

It makes three fresh PostgreSQL databases (the platform's, the issuing bank's and the
commercial bank's; MERCATO_BENCH_POSTGRES, by default the local server), brings each to its
party's schema with the real migrations, and loads a day of generated captured payments
straight into the real tables (server-side ``INSERT ... SELECT FROM generate_series``, in
chunks: nothing of the size of the day passes through this process):

* the platform: ``processor_authorisations`` (captured) and ``processor_presentments``
  (SALEs made before the day's cut-off, not yet in a file); ``settlement_balance_transactions``
  (type charge, pending, ``available_on`` passed); each merchant's accounts in the platform's
  ledger with the balance its captures and fees left there (ledger ``post_batch``); a US bank
  account for each merchant (``settlement.bank_accounts.add``, the demo bank's routing number);
* the issuer: cardholders and accounts, and ``issuer_authorisations`` completed for the
  captured amount (the 0220 came), so its clearing only confirms them; in its ledger the
  accounts funded and the purchases owed to the network;
* the commercial bank: the platform and the issuer as customers with settlement accounts
  (``bank.sandbox.provision``, the issuer's prefunded).

Then it times the real code, one stage after the other, as the worker's duties run them
(availability and payouts by ``--workers`` processes at once, 2 by default, sharing the
rows as ``mercato worker`` processes do; with ``--day``, as two workers run a day: the
clearing in one while the other makes funds available, then the payouts shared):

1. clearing file close: ``Clearing.close`` (the day's presentments into one file on disk);
2. the issuer's ingest: ``issuer.clearing.ingest`` over the file's lines, called in-process
   (the HTTPS hop of ``POST /clearing/files`` is not measured), through ``Clearing.send``,
   which keeps the report;
3. interbank settlement: ``Clearing.settle``, with a ``BankLink`` that calls the commercial
   bank's ``CommercialBank.settle`` in-process (no HTTP): the bank's booking and the
   platform's;
4. availability: ``settlement.availability.make_available``;
5. automatic payouts: ``settlement.automatic.pay_out``;
6. payout files: ``settlement.files.write_files`` (NACHA, a thousand payouts a file; sending
   them to the bank is not measured).

It prints seconds per stage, rows per second, and the peak resident memory of this process
during each stage (sampled every 50 ms) and overall (the kernel's high-water mark): with
the work streamed, memory stays flat as the number of payments grows. It drops its
databases and removes its directory on any exit, Ctrl-C included. Timings are printed,
never asserted; the results are checked (every payment booked, made available and paid out).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import multiprocessing
import os
import pstats
import resource
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import psycopg
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from mercato.bank import CommercialBank, sandbox
from mercato.clock import ManualClock
from mercato.database import migrate
from mercato.database.engine import create_engine, reading, writing
from mercato.gateway import tables as gateway_tables
from mercato.issuer import books as issuer_books
from mercato.issuer import clearing as issuer_clearing
from mercato.ledger import Ledger, transfer, verify
from mercato.logs import configure as configure_logs
from mercato.money import Currency, Money
from mercato.processor import books as processor_books
from mercato.settings import Party, Settings
from mercato.settlement import automatic, availability, bank_accounts, files
from mercato.settlement import books as settlement_books
from mercato.settlement.bank_link import BankFile, SchemeAccount
from mercato.settlement.clearing import ACQUIRER_ID, Clearing
from mercato.settlement.errors import BankLinkError
from mercato.vault import KeyRing

POSTGRES_ADMIN = os.environ.get(
    "MERCATO_BENCH_POSTGRES",
    os.environ.get("MERCATO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"),
)
TARGET_SECONDS = 60.0
TARGET_PAYMENTS = 1_000_000
TARGET_MERCHANTS = 1_000
ISSUER = "mercato-issuer"
USD = Currency.of("USD")
DAY = dt.date(2026, 3, 4)  # a Wednesday: a business day at the bank
NOW = dt.datetime.combine(DAY, dt.time(22, 30), dt.UTC)  # after the day's cut-off (22:00)
ROUTING_NUMBER = "123456780"  # the simulated commercial bank's (mercato.bank.identity)
LOAD_CHUNK = 200_000
LEDGER_BATCH = 1_000

# The generated day, as SQL over i = 0 .. N-1 (the same on every database, so the issuer's
# authorisations match the platform's presentments): amounts from $5.00 to $199.99, the
# processor's fee 2.9% + 30 cents, merchants round-robin.
AMOUNT = "(500 + mod(i * 7919, 19500))::bigint"
FEE = f"(({AMOUNT} * 29 + 500) / 1000 + 30)::bigint"
MERCHANT = "'acct_bench' || lpad(mod(i, {merchants})::text, 6, '0')"
RRN = "lpad(i::text, 12, '0')"


def uuid_of(tag: str, expression: str) -> str:
    """A UUID per row, in the order of ``expression`` (as uuid7's are in time order)."""
    return f"('{tag}' || lpad(to_hex({expression}), 31, '0'))::uuid"


def merchant_id(m: int) -> str:
    return f"acct_bench{m:06d}"


# The databases -------------------------------------------------------------------------


@contextmanager
def postgres_database(label: str) -> Iterator[str]:
    name = f"mercato_bench_{label}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_settings() -> str:
    with psycopg.connect(POSTGRES_ADMIN) as connection:
        shown = [
            connection.execute(f"SHOW {name}").fetchone()
            for name in ("server_version", "synchronous_commit", "shared_buffers")
        ]
    version, durable, buffers = (row[0] if row else "?" for row in shown)
    return f"PostgreSQL {version}, synchronous_commit={durable}, shared_buffers={buffers}."


def run_sql(engine: sa.Engine, statement: str, **values: Any) -> None:
    with writing(engine) as connection:
        connection.exec_driver_sql(statement, values)


# Memory ----------------------------------------------------------------------------------


class Memory:
    """This process's resident memory, sampled every 50 ms: the peak since ``reset``."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.sample()

    def sample(self) -> int:
        with suppress(psutil.Error):
            self.peak = max(self.peak, self.process.memory_info().rss)
        return self.peak

    def reset(self) -> int:
        self.peak = 0
        return self.sample()

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def high_water_mark() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


# The parties' links, in-process -----------------------------------------------------------


class InProcessIssuer:
    """The issuer's ``POST /clearing/files`` without the HTTP: its ``ingest`` over the lines
    of the file, read a line at a time from disk."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def send(self, path: Path) -> dict[str, Any]:
        with path.open(encoding="utf-8", newline="\n") as lines:
            return issuer_clearing.ingest(self.ledger, lines).to_json()


class InProcessBank:
    """What clearing needs of the commercial bank (its scheme accounts and ``settle``), as
    calls to ``CommercialBank`` in this process instead of its host-to-host HTTP service."""

    def __init__(self, bank: CommercialBank, parties: sandbox.SandboxParties) -> None:
        self.bank, self.parties = bank, parties

    def scheme_accounts(self) -> list[SchemeAccount]:
        return [
            SchemeAccount(
                owner, customer.name, account.currency.code.lower(), account.account_number
            )
            for owner, customer, accounts in (
                ("platform", self.parties.platform, self.parties.platform_accounts),
                ("issuer", self.parties.issuer, self.parties.issuer_accounts),
            )
            for account in accounts.values()
        ]

    def settle(
        self, settlement_id: str, payer: str, payee: str, amount: Money, reference: str
    ) -> None:
        self.bank.settle(
            self.parties.platform,
            settlement_id=settlement_id,
            from_account=payer,
            to_account=payee,
            amount=amount,
            reference=reference,
        )

    def send_file(self, name: str, content: bytes) -> BankFile:
        raise BankLinkError("payout files are not sent in this benchmark")

    def files_after(self, after: str | None) -> list[BankFile]:
        return []

    def fetch(self, file_id: str) -> bytes:
        raise BankLinkError("no bank files in this benchmark")


# The world -------------------------------------------------------------------------------


@dataclass
class World:
    platform_url: str
    platform: sa.Engine
    issuer: sa.Engine
    ledger: Ledger
    issuer_ledger: Ledger
    clock: ManualClock
    keyring: KeyRing
    clearing: Clearing
    payments: int
    merchants: int
    expected_gross: int
    expected_net: int


def load_platform(engine: sa.Engine, payments: int, merchants: int) -> None:
    """The platform's captured payments, in chunks of ``LOAD_CHUNK`` rows per statement."""
    day = dt.datetime.combine(DAY, dt.time(0), dt.UTC)
    values = {"merchants": merchants, "day": day, "spread": 79_000.0 / payments}
    merchant = MERCHANT.format(merchants=merchants)
    for low in range(0, payments, LOAD_CHUNK):
        chunk = {**values, "low": low, "high": min(payments, low + LOAD_CHUNK) - 1}
        created = "%(day)s::timestamptz + make_interval(secs => i * %(spread)s)"
        run_sql(
            engine,
            f"""
            INSERT INTO processor_authorisations (id, merchant_id, reference, issuer,
                vault_card_id, acquirer_id, stan, rrn, transmitted_at, amount, currency, status,
                response_code, approval_code, cvc_result, completed_amount, created_at,
                updated_at)
            SELECT {uuid_of("a", "i")}, {merchant}, 'pi_bench' || i, '{ISSUER}',
                {uuid_of("c", "mod(i, 1000)")}, '{ACQUIRER_ID}', mod(i, 999999) + 1, {RRN},
                {created}, {AMOUNT}, 'USD', 'captured', '00', lpad(mod(i, 999999)::text, 6, '0'),
                'M', {AMOUNT}, {created}, {created}
            FROM generate_series(%(low)s::bigint, %(high)s::bigint) AS i
            """,
            **chunk,
        )
        run_sql(
            engine,
            f"""
            INSERT INTO processor_presentments (id, authorisation_id, issuer, kind, reference,
                rrn, amount, currency, created_at)
            SELECT {uuid_of("b", "i")}, {uuid_of("a", "i")}, '{ISSUER}', 'SALE',
                'ch_bench' || i, {RRN}, {AMOUNT}, 'USD', {created}
            FROM generate_series(%(low)s::bigint, %(high)s::bigint) AS i
            """,
            **chunk,
        )
        run_sql(
            engine,
            f"""
            INSERT INTO settlement_balance_transactions (id, merchant_id, type,
                reporting_category, amount, fee, net, currency, status, available_on,
                source_id, description, created_at)
            SELECT 'txn_bench' || lpad(i::text, 12, '0'), {merchant}, 'charge', 'charge',
                {AMOUNT}, {FEE}, {AMOUNT} - {FEE}, 'usd', 'pending',
                %(day)s::timestamptz, 'ch_bench' || i, 'Bench payment',
                %(day)s::timestamptz - interval '2 days' + make_interval(secs => i * %(spread)s)
            FROM generate_series(%(low)s::bigint, %(high)s::bigint) AS i
            """,
            **chunk,
        )
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in (
            "processor_authorisations",
            "processor_presentments",
            "settlement_balance_transactions",
        ):
            connection.exec_driver_sql(f"VACUUM ANALYZE {table}")


def load_issuer(engine: sa.Engine, payments: int, merchants: int) -> int:
    """The issuer's cardholders and accounts, and its completed authorisations; returns the
    number of cardholder accounts."""
    accounts = min(1_000, payments)
    now = dt.datetime.combine(DAY, dt.time(0), dt.UTC) - dt.timedelta(days=30)
    run_sql(
        engine,
        f"""
        INSERT INTO issuer_cardholders (id, name, created_at)
        SELECT {uuid_of("c", "k")}, 'Cardholder ' || k, %(now)s
        FROM generate_series(0, %(last)s) AS k
        """,
        now=now,
        last=accounts - 1,
    )
    run_sql(
        engine,
        f"""
        INSERT INTO issuer_accounts (id, cardholder_id, kind, currency, ledger_code,
            credit_limit, created_at)
        SELECT {uuid_of("d", "k")}, {uuid_of("c", "k")}, 'debit', 'USD',
            'issuer:account:' || {uuid_of("d", "k")}::text, NULL, %(now)s
        FROM generate_series(0, %(last)s) AS k
        """,
        now=now,
        last=accounts - 1,
    )
    day = dt.datetime.combine(DAY, dt.time(0), dt.UTC)
    spread = 79_000.0 / payments
    for low in range(0, payments, LOAD_CHUNK):
        high = min(payments, low + LOAD_CHUNK) - 1
        created = "%(day)s::timestamptz + make_interval(secs => i * %(spread)s)"
        run_sql(
            engine,
            f"""
            INSERT INTO issuer_authorisations (id, acquirer_id, stan, transmitted_at, rrn,
                request_digest, card_id, account_id, amount, currency, held_amount,
                held_currency, merchant_id, merchant_name, response_code, approval_code,
                cvc_result, status, completed_amount, created_at, updated_at)
            SELECT {uuid_of("e", "i")}, '{ACQUIRER_ID}', mod(i, 999999) + 1,
                %(day)s::timestamptz + make_interval(secs => i / 999999),
                {RRN}, md5(i::text) || md5((i + 1)::text), NULL,
                {uuid_of("d", f"mod(i, {accounts})")}, {AMOUNT}, 'USD', {AMOUNT}, 'USD',
                'BENCH' || lpad(mod(i, {merchants})::text, 10, '0'),
                'Bench Merchant ' || mod(i, {merchants}), '00', lpad(mod(i, 999999)::text, 6, '0'),
                'M', 'completed', {AMOUNT}, {created}, {created}
            FROM generate_series(%(low)s::bigint, %(high)s::bigint) AS i
            """,
            day=day,
            spread=spread,
            low=low,
            high=high,
        )
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("VACUUM ANALYZE issuer_authorisations")
    return accounts


def post_in_batches(
    ledger: Ledger, requests: Iterator[Any], opening: Callable[[Any], None]
) -> None:
    batch: list[Any] = []
    for request in requests:
        batch.append(request)
        if len(batch) == LEDGER_BATCH:
            with ledger.begin() as book:
                opening(book)
                book.post_batch(batch)
            batch = []
    if batch:
        with ledger.begin() as book:
            opening(book)
            book.post_batch(batch)


def issuer_books_of_the_day(engine: sa.Engine, ledger: Ledger) -> None:
    """In the issuer's ledger: each cardholder account funded, then debited for its
    completed purchases, owed to the network (what the 0220s booked)."""
    with engine.connect() as connection:
        spent = connection.exec_driver_sql(
            "SELECT account_id, sum(completed_amount) FROM issuer_authorisations"
            " GROUP BY account_id ORDER BY account_id"
        ).all()
    with ledger.begin() as book:
        issuer_books.open_house_accounts(book, USD)
        for account_id, _ in spent:
            issuer_books.open_cardholder_account(
                book, account_id, account_id, USD, f"Cardholder account {account_id}"
            )

    def requests() -> Iterator[Any]:
        for account_id, total in spent:
            code = issuer_books.account_code(account_id)
            amount = Money.of_minor(int(total), USD)
            yield transfer(
                f"bench:fund:{account_id}",
                debit=issuer_books.reserves(USD),
                credit=code,
                amount=amount,
                description="deposit",
            )
            yield transfer(
                f"bench:purchases:{account_id}",
                debit=code,
                credit=issuer_books.network_payable(USD),
                amount=amount,
                description="card purchases of the day (completed)",
            )

    post_in_batches(ledger, requests(), lambda book: None)


def platform_books_of_the_day(engine: sa.Engine, ledger: Ledger) -> tuple[int, int]:
    """In the platform's ledger: each merchant's captures and fees of the day (what the
    processor booked, one transfer of each per merchant); returns gross and net."""
    with engine.connect() as connection:
        totals = connection.exec_driver_sql(
            "SELECT merchant_id, sum(amount), sum(fee) FROM settlement_balance_transactions"
            " GROUP BY merchant_id ORDER BY merchant_id"
        ).all()
    with ledger.begin() as book:
        for merchant, _, _ in totals:
            processor_books.open_accounts(book, merchant, USD)
            settlement_books.open_accounts(book, merchant, USD)

    def requests() -> Iterator[Any]:
        for merchant, gross, fee in totals:
            yield transfer(
                f"bench:captures:{merchant}",
                debit=processor_books.scheme_receivable(USD),
                credit=processor_books.merchant_balance(merchant, USD),
                amount=Money.of_minor(int(gross), USD),
                description="card payments of the day",
            )
            yield transfer(
                f"bench:fees:{merchant}",
                debit=processor_books.merchant_balance(merchant, USD),
                credit=processor_books.processing_fees(USD),
                amount=Money.of_minor(int(fee), USD),
                description="processing fees of the day",
            )

    post_in_batches(ledger, requests(), lambda book: None)
    gross = sum(int(row[1]) for row in totals)
    return gross, gross - sum(int(row[2]) for row in totals)


def add_bank_accounts(
    engine: sa.Engine, keyring: KeyRing, clock: ManualClock, merchants: int
) -> None:
    """The merchants (``gateway_merchants`` rows, as ``create_merchant`` makes them, without
    their API keys) and a US bank account for each, the default for USD."""
    with writing(engine) as connection:
        connection.execute(
            sa.insert(gateway_tables.merchants),
            [
                {
                    "id": merchant_id(m),
                    "name": f"Bench Merchant {m}",
                    "country": "US",
                    "default_currency": "usd",
                    "metadata": {},
                    "created_at": clock.now(),
                }
                for m in range(merchants)
            ],
        )
        for m in range(merchants):
            bank_accounts.add(
                connection,
                merchant_id(m),
                bank_accounts.NewBankAccount(
                    country="US",
                    currency="usd",
                    routing_number=ROUTING_NUMBER,
                    account_number=f"{40_000_000 + m:012d}",
                    account_holder_name=f"Bench Merchant {m}",
                ),
                keyring=keyring,
                now=clock.now(),
            )


@contextmanager
def world(console: Console, payments: int, merchants: int) -> Iterator[World]:
    with ExitStack() as stack:
        directory = Path(tempfile.mkdtemp(prefix="mercato-bench-settlement-"))
        stack.callback(shutil.rmtree, directory, ignore_errors=True)
        urls = {
            party: stack.enter_context(postgres_database(party.value))
            for party in (Party.PLATFORM, Party.ISSUER, Party.BANK)
        }
        engines = {party: create_engine(url) for party, url in urls.items()}
        for engine in engines.values():
            stack.callback(engine.dispose)
        console.print(
            "[dim]Migrating the platform's, the issuer's and the bank's databases...[/dim]"
        )
        for party, engine in engines.items():
            migrate.upgrade(engine, party)
        clock = ManualClock(NOW)
        platform, issuer = engines[Party.PLATFORM], engines[Party.ISSUER]
        ledger = Ledger(platform, clock, party="platform")
        issuer_ledger = Ledger(issuer, clock, party="issuer")
        settings = Settings(
            data_dir=directory, bank_database_url=urls[Party.BANK], bank_h2h_token=None
        )
        bank = CommercialBank(settings, clock, engine=engines[Party.BANK]).open()
        parties = sandbox.provision(bank)

        console.print(
            f"[dim]Loading {payments:,} captured payments for {merchants:,} merchants...[/dim]"
        )
        began = time.perf_counter()
        load_platform(platform, payments, merchants)
        load_issuer(issuer, payments, merchants)
        issuer_books_of_the_day(issuer, issuer_ledger)
        gross, net = platform_books_of_the_day(platform, ledger)
        keyring = KeyRing.generate()
        add_bank_accounts(platform, keyring, clock, merchants)
        console.print(f"[dim]Loaded in {time.perf_counter() - began:,.1f} s.[/dim]")
        clearing = Clearing(
            platform,
            ledger,
            directory=directory / "clearing",
            issuers={ISSUER: InProcessIssuer(issuer_ledger)},
            bank=InProcessBank(bank, parties),
        )
        yield World(
            urls[Party.PLATFORM],
            platform,
            issuer,
            ledger,
            issuer_ledger,
            clock,
            keyring,
            clearing,
            payments,
            merchants,
            gross,
            net,
        )


# The worker processes ----------------------------------------------------------------------


STAGE_NAMES = {"availability": "(d) availability", "payouts": "(e) automatic payouts"}

WORKER_DUTIES = ("availability", "payouts")
"""The stages a worker's duty does, shared by ``--workers`` processes as ``mercato worker``
processes share them in production (``SKIP LOCKED``: each takes rows, or merchants, that
no other is holding)."""


def _warm_up() -> int:
    return os.getpid()  # the process is up, and has imported this module (and mercato)


def _as_a_worker(duty: str, platform_url: str, now: dt.datetime) -> tuple[int, int]:
    """One worker process's share of a duty: how many it did, and its peak memory."""
    configure_logs("WARNING")
    engine = create_engine(platform_url)
    try:
        clock = ManualClock(now)
        ledger = Ledger(engine, clock, party="platform")
        if duty == "availability":
            done = availability.make_available(engine, ledger, clock)
        else:
            done = automatic.pay_out(engine, ledger, clock)
        return done, high_water_mark()
    finally:
        engine.dispose()


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """``workers`` processes, started and warm before anything is timed (none for one: the
    duties then run in this process)."""
    if workers < 2:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pids = {future.result() for future in [pool.submit(_warm_up) for _ in range(workers)]}
        if len(pids) < workers:  # one was quick enough to take two; make sure all are up
            for future in [pool.submit(time.sleep, 0.5) for _ in range(workers)]:
                future.result()
        yield pool


def shared(pool: ProcessPoolExecutor, workers: int, duty: str, w: World) -> tuple[int, int]:
    """``duty`` run by every worker at once; how many they did, and the largest peak memory."""
    futures = [
        pool.submit(_as_a_worker, duty, w.platform_url, w.clock.now()) for _ in range(workers)
    ]
    results = [future.result() for future in futures]
    return sum(done for done, _ in results), max(peak for _, peak in results)


# The stages ------------------------------------------------------------------------------


@dataclass
class Stage:
    key: str
    name: str
    unit: str
    seconds: float = 0.0
    count: int = 0
    peak_rss: int = 0


def run_stages(
    console: Console,
    w: World,
    memory: Memory,
    *,
    profile: str | None,
    pool: ProcessPoolExecutor | None,
    workers: int,
) -> tuple[list[Stage], dict[str, Any]]:
    found: dict[str, Any] = {}
    worker_peaks: dict[str, int] = {}

    def close() -> int:
        found["file"] = w.clearing.close(ISSUER, DAY)
        return int(w.payments)

    def ingest() -> int:
        found["report"] = w.clearing.send(found["file"])
        return int(found["report"]["records"])

    def settle() -> int:
        w.clearing.settle(found["file"])
        return len(found["report"]["net"])

    def make_available() -> int:
        if pool is not None and profile != "availability":
            done, worker_peaks["availability"] = shared(pool, workers, "availability", w)
            return done
        return availability.make_available(w.platform, w.ledger, w.clock)

    def pay_out() -> int:
        if pool is not None and profile != "payouts":
            done, worker_peaks["payouts"] = shared(pool, workers, "payouts", w)
            return done
        return automatic.pay_out(w.platform, w.ledger, w.clock)

    def write_files() -> int:
        found["files"] = files.write_files(w.platform, w.keyring, w.clock)
        return len(found["files"])

    steps: list[tuple[Stage, Callable[[], int]]] = [
        (Stage("close", "(a) clearing file close", "presentments"), close),
        (Stage("ingest", "(b) issuer's ingest", "presentments"), ingest),
        (Stage("settle", "(c) interbank settlement", "currencies"), settle),
        (Stage("availability", "(d) availability", "balance txns"), make_available),
        (Stage("payouts", "(e) automatic payouts", "payouts"), pay_out),
        (Stage("files", "(f) payout files", "files"), write_files),
    ]
    stages = []
    for stage, work in steps:
        console.print(f"[dim]{stage.name}...[/dim]")
        memory.reset()
        profiler = cProfile.Profile() if profile == stage.key else None
        began = time.perf_counter()
        if profiler is not None:
            stage.count = profiler.runcall(work)
        else:
            stage.count = work()
        stage.seconds = time.perf_counter() - began
        stage.peak_rss = max(memory.sample(), worker_peaks.get(stage.key, 0))
        stages.append(stage)
        if profiler is not None:
            show_profile(console, stage, profiler)
    return stages, found


@dataclass
class Span:
    name: str
    who: str
    start: float
    end: float


def run_day(w: World, pool: ProcessPoolExecutor) -> tuple[list[Span], float, dict[str, Any]]:
    """The stages as two worker processes run a day's duties: one closes, sends and settles
    the clearing file (a, b, c) while the other makes funds available (d); the first then
    joins it on what is left; both share the payouts (e), which wait for every fund to be
    available (a merchant is paid once a day); then the files (f). Returns the spans, the
    wall time end to end, and what was found."""
    found: dict[str, Any] = {}
    spans: list[Span] = []
    began = time.perf_counter()

    def timed(name: str, who: str, work: Callable[[], Any]) -> Any:
        start = time.perf_counter() - began
        result = work()
        spans.append(Span(name, who, start, time.perf_counter() - began))
        return result

    def other(duty: str) -> Any:
        submitted = time.perf_counter() - began
        future = pool.submit(_as_a_worker, duty, w.platform_url, w.clock.now())

        def collect() -> int:
            done, peak = future.result()
            found.setdefault("worker peaks", []).append(peak)
            spans.append(
                Span(STAGE_NAMES[duty], "worker 2", submitted, time.perf_counter() - began)
            )
            return int(done)

        return collect

    availability_elsewhere = other("availability")
    found["file"] = timed(
        "(a) clearing file close", "worker 1", lambda: w.clearing.close(ISSUER, DAY)
    )
    found["report"] = timed(
        "(b) issuer's ingest", "worker 1", lambda: w.clearing.send(found["file"])
    )
    timed("(c) interbank settlement", "worker 1", lambda: w.clearing.settle(found["file"]))
    timed(
        STAGE_NAMES["availability"],
        "worker 1",
        lambda: availability.make_available(w.platform, w.ledger, w.clock),
    )
    availability_elsewhere()
    payouts_elsewhere = other("payouts")
    timed(
        STAGE_NAMES["payouts"], "worker 1", lambda: automatic.pay_out(w.platform, w.ledger, w.clock)
    )
    payouts_elsewhere()
    found["files"] = timed(
        "(f) payout files", "worker 1", lambda: files.write_files(w.platform, w.keyring, w.clock)
    )
    return spans, time.perf_counter() - began, found


def report_day(
    console: Console, spans: list[Span], wall: float, w: World, peaks: list[int]
) -> None:
    table = Table(
        title=f"A day's duties by two worker processes: {w.payments:,} payments,"
        f" {w.merchants:,} merchants",
        title_justify="left",
    )
    for column in ("stage", "worker", "from (s)", "to (s)", "seconds"):
        table.add_column(column, justify="left" if column in ("stage", "worker") else "right")
    for span in sorted(spans, key=lambda span: (span.start, span.who)):
        table.add_row(
            span.name,
            span.who,
            f"{span.start:,.2f}",
            f"{span.end:,.2f}",
            f"{span.end - span.start:,.2f}",
        )
    mark = "green" if wall * TARGET_PAYMENTS / w.payments <= TARGET_SECONDS else "red"
    table.add_row("[bold]end to end[/bold]", "", "", "", f"[bold {mark}]{wall:,.2f}[/bold {mark}]")
    table.add_row(
        "[bold]target[/bold]",
        "",
        "",
        "",
        f"[bold]{TARGET_SECONDS:.0f}[/bold] for {TARGET_PAYMENTS:,}",
    )
    console.print(table)
    console.print(
        f"[dim]Memory: peak resident {megabytes(high_water_mark())} for worker 1 (this process,"
        f" setup included), {megabytes(max(peaks))} for worker 2.[/dim]"
    )


def show_profile(console: Console, stage: Stage, profiler: cProfile.Profile) -> None:
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(25)
        console.print(f"[bold]cProfile of {stage.name}, by {order}[/bold] (profiled: slower)")
        console.print(out.getvalue().split("\n", 6)[-1], markup=False, highlight=False)


def checks(w: World, found: dict[str, Any]) -> list[str]:
    """What went wrong, if anything: every payment booked, available and paid out, and the
    platform's books balanced (``mercato ledger verify``)."""
    problems = []
    report = found.get("report") or {}
    if report.get("booked") != w.payments or report.get("differences"):
        problems.append(
            f"the issuer booked {report.get('booked')} of {w.payments}, "
            f"{len(report.get('differences', []))} differences"
        )
    if report.get("net", {}).get("USD") != w.expected_gross:
        problems.append(f"the issuer's net {report.get('net')} is not {w.expected_gross}")
    with w.platform.connect() as connection:
        pending = connection.exec_driver_sql(
            "SELECT count(*) FROM settlement_balance_transactions WHERE status = 'pending'"
        ).scalar()
        paid = connection.exec_driver_sql(
            "SELECT count(*), coalesce(sum(amount), 0), count(file_id) FROM settlement_payouts"
        ).one()
    with reading(w.platform) as connection:
        books = verify(connection, "platform")
    if not books.balanced:
        problems.append(f"the platform's books do not balance: {books.findings[:3]}")
    if pending:
        problems.append(f"{pending} balance transactions still pending")
    if paid[0] != w.merchants or int(paid[1]) != w.expected_net or paid[2] != w.merchants:
        problems.append(
            f"{paid[0]} payouts of {int(paid[1])} in all ({paid[2]} in files); expected "
            f"{w.merchants} of {w.expected_net}"
        )
    return problems


# The report ------------------------------------------------------------------------------


def report(console: Console, stages: list[Stage], w: World, baseline: int) -> None:
    total = sum(stage.seconds for stage in stages)
    table = Table(
        title=f"Clearing, settlement and payouts: {w.payments:,} payments,"
        f" {w.merchants:,} merchants",
        title_justify="left",
    )
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("share", justify="right")
    table.add_column("done", justify="right")
    table.add_column("per second", justify="right")
    table.add_column("peak RSS", justify="right")
    for stage in stages:
        payments_per_s = w.payments / stage.seconds if stage.seconds else 0.0
        table.add_row(
            stage.name,
            f"{stage.seconds:,.2f}",
            f"{stage.seconds / total:.0%}" if total else "",
            f"{stage.count:,} {stage.unit}",
            f"{payments_per_s:,.0f} payments/s",
            megabytes(stage.peak_rss),
        )
    scale = TARGET_PAYMENTS / w.payments
    mark = "green" if total * scale <= TARGET_SECONDS else "red"
    table.add_row(
        "[bold]end to end[/bold]",
        f"[bold]{total:,.2f}[/bold]",
        "",
        f"{w.payments:,} payments",
        f"{w.payments / total:,.0f} payments/s" if total else "",
        megabytes(max(stage.peak_rss for stage in stages)),
    )
    table.add_row(
        "[bold]target[/bold]",
        f"[bold]{TARGET_SECONDS:.0f}[/bold] for {TARGET_PAYMENTS:,}",
        "",
        "",
        f"[bold]{TARGET_PAYMENTS / TARGET_SECONDS:,.0f} payments/s[/bold]",
        "flat",
    )
    console.print(table)
    if w.payments != TARGET_PAYMENTS:
        console.print(
            f"[dim]At this rate {TARGET_PAYMENTS:,} payments would take [{mark}]"
            f"{total * scale:,.0f} s[/{mark}] if every stage scaled linearly (they may not:"
            " run --full to know).[/dim]"
        )
    console.print(
        f"[dim]Memory: {megabytes(baseline)} resident before the stages; high-water mark of"
        f" the whole run (setup included) {megabytes(high_water_mark())}.[/dim]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 payments, 20 merchants")
    parser.add_argument(
        "--full",
        action="store_true",
        help=f"the issue's target: {TARGET_PAYMENTS:,} payments for {TARGET_MERCHANTS:,} merchants",
    )
    parser.add_argument("--payments", type=int, default=None, help="default 20,000")
    parser.add_argument("--merchants", type=int, default=None, help="default 100")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="worker processes sharing availability and payouts, as in production (default 2;"
        " 1: everything in this process)",
    )
    parser.add_argument(
        "--day",
        action="store_true",
        help="run the stages as two worker processes run a day (the clearing in one while the"
        " other makes funds available, then payouts shared), and time the whole",
    )
    parser.add_argument(
        "--profile",
        choices=["close", "ingest", "settle", "availability", "payouts", "files"],
        help="run this stage under cProfile and print where its time goes",
    )
    options = parser.parse_args()
    configure_logs("WARNING")
    payments, merchants = (
        (TARGET_PAYMENTS, TARGET_MERCHANTS)
        if options.full
        else (2_000, 20)
        if options.quick
        else (20_000, 100)
    )
    payments = options.payments or payments
    merchants = min(options.merchants or merchants, payments)
    console = Console()
    if not console.is_terminal:
        console = Console(width=132)
    try:
        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3):
            pass
    except psycopg.OperationalError as error:
        console.print(f"[red]No PostgreSQL at {POSTGRES_ADMIN}: {error}[/red]")
        raise SystemExit(1) from None
    console.print(
        f"[bold]Mercato settlement benchmark[/bold]: {payments:,} captured payments for"
        f" {merchants:,} merchants, cleared, settled and paid out on PostgreSQL."
    )
    began = time.monotonic()
    try:
        with (
            world(console, payments, merchants) as w,
            worker_pool(options.workers) as pool,
            Memory() as memory,
        ):
            baseline = memory.reset()
            if options.day:
                if pool is None:
                    raise SystemExit("--day needs --workers 2")
                spans, wall, found = run_day(w, pool)
                report_day(console, spans, wall, w, found.get("worker peaks", [0]))
            else:
                stages, found = run_stages(
                    console, w, memory, profile=options.profile, pool=pool, workers=options.workers
                )
                report(console, stages, w, baseline)
            for problem in checks(w, found):
                console.print(f"[red]Check failed: {problem}[/red]")
    except KeyboardInterrupt:
        console.print("[yellow]Interrupted: databases dropped.[/yellow]")
        raise SystemExit(130) from None
    notes = [
        f"Machine: {os.cpu_count()} cores; this process and PostgreSQL share them.",
        (
            f"(d) and (e) by {options.workers} worker processes at once (--workers), each on"
            " its own connection; peak RSS is the largest process's. The other stages run in"
            " this process, one after the other."
            if options.workers > 1
            else "Every stage in this process (--workers 1), one after the other."
        ),
        postgres_settings(),
        "In-process: the issuer's ingest (no HTTPS hop) and the commercial bank's settle (no"
        " host-to-host HTTP); payout files are written and kept, not sent.",
        f"Whole run, setup included: {time.monotonic() - began:.0f} s.",
    ]
    for note in notes:
        console.print(f"[dim]- {note}[/dim]")


if __name__ == "__main__":
    main()
