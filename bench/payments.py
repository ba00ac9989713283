"""How many card payments the whole chain confirms, end to end, on PostgreSQL.

    .venv/bin/python bench/payments.py              # full run: about a minute
    .venv/bin/python bench/payments.py --quick      # a short run, for a first look
    .venv/bin/python bench/payments.py --clients 32 --seconds 30
    .venv/bin/python bench/payments.py --quick --profile   # py-spy on the API (if installed)

Every party runs as its own process, as in production, and they talk only over their wire
formats on loopback:

* the API: ``python -m uvicorn mercato.api.app:create_app --factory``, plain HTTP (no TLS)
  on 127.0.0.1, on its own PostgreSQL database (the vault, the platform's ledger, the outbox);
* the issuing bank: ``python -m mercato issuer serve``, ISO 8583 over TCP, on a second
  PostgreSQL database (the bank's own ledger);
* a worker: ``python -m mercato worker``, which runs the jobs the payments leave in the outbox.

Clients are threads of this process, each with its own keep-alive connection, each sending
``POST /v1/payment_intents`` (amount, currency=usd, payment_method=pm_card_visa,
confirm=true, form-encoded, with the merchant's secret key) and counting an answer other
than a succeeded payment as an error. Two runs:

* closed loop: N clients send as fast as answers come back, for S seconds: payments/s and
  latency percentiles;
* open loop: payments are sent on a fixed schedule of 500/s (or as close as the clients
  get), and each latency is counted from the moment its payment was due, so a server
  that falls behind shows it in the p99 rather than by slowing the senders down.

It creates and drops its own two PostgreSQL databases (MERCATO_BENCH_POSTGRES, by default
the local server), stops every process it started and removes its data directory, also on
Ctrl-C. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psutil
import psycopg
from rich.console import Console
from rich.table import Table

POSTGRES_ADMIN = os.environ.get(
    "MERCATO_BENCH_POSTGRES",
    os.environ.get("MERCATO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"),
)
TARGET_RATE = 1_600
"""Payments/s the closed loop should reach."""
OFFERED_RATE = 500
TARGET_P99_MS = 50.0
"""The p99 latency at OFFERED_RATE payments/s."""
WARM_UP = 5
"""Payments each client makes before the clock starts (connections, caches, JIT of SQL)."""
STARTUP_SECONDS = 60.0
REQUEST_TIMEOUT = 30.0


@dataclass
class Run:
    """What the clients of one run did: each latency in seconds, the errors (with a sample)."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    sample_error: str | None = None
    offered: float | None = None
    not_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, latency: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies.append(latency)
            else:
                self.errors += 1
                self.sample_error = self.sample_error or error

    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


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
            for name in ("server_version", "synchronous_commit", "max_connections")
        ]
    version, durable, connections = (row[0] if row else "?" for row in shown)
    return (
        f"PostgreSQL {version}, synchronous_commit={durable}, max_connections={connections}"
        " (one WAL flush per commit)."
    )


# The processes -------------------------------------------------------------------------


@dataclass
class Child:
    """A process this script started, its log, and the peak of its resident memory."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    peak_rss: int = 0
    cpu_seconds: float = 0.0

    def sample(self) -> None:
        """Take the kernel's high-water mark (VmHWM) where there is one, else the RSS now;
        and the CPU time used so far."""
        with suppress(psutil.Error):
            used = psutil.Process(self.process.pid).cpu_times()
            self.cpu_seconds = used.user + used.system
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_rss = max(self.peak_rss, int(line.split()[1]) * 1024)
                    return
        except OSError:
            pass
        with suppress(psutil.Error):
            self.peak_rss = max(self.peak_rss, psutil.Process(self.process.pid).memory_info().rss)

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


class Processes:
    """Start children in their own session (Ctrl-C reaches this script only), and stop them
    all, politely then by force, when the block ends however it ends."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.children: list[Child] = []

    def start(self, name: str, arguments: list[str], env: dict[str, str]) -> Child:
        log = self.directory / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, *arguments],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        child = Child(name, process, log)
        self.children.append(child)
        return child

    def sample(self) -> None:
        for child in self.children:
            if child.process.poll() is None:
                child.sample()

    def check(self) -> None:
        for child in self.children:
            if child.process.poll() is not None:
                raise RuntimeError(
                    f"the {child.name} process stopped (exit {child.process.returncode}):\n"
                    + child.tail()
                )

    def stop(self) -> None:
        for child in self.children:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in self.children:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, processes: Processes, what: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        processes.check()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {STARTUP_SECONDS:.0f} s")


def mercato(arguments: list[str], env: dict[str, str]) -> str:
    """Run one ``mercato`` command to completion and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "mercato", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"mercato {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


# The clients ---------------------------------------------------------------------------


class Client:
    """One keep-alive connection to the API, reopened after any failure."""

    def __init__(self, port: int, secret_key: str) -> None:
        self.port = port
        self.headers = {
            "Authorization": f"Bearer {secret_key}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.connection: http.client.HTTPConnection | None = None

    def pay(self, amount: int) -> str | None:
        """Confirm one payment; None if it succeeded, else what went wrong."""
        body = urlencode(
            {
                "amount": amount,
                "currency": "usd",
                "payment_method": "pm_card_visa",
                "confirm": "true",
            }
        )
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                )
            self.connection.request("POST", "/v1/payment_intents", body, self.headers)
            response = self.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return f"{type(error).__name__}: {error}"
        if response.status != 200:
            return f"HTTP {response.status}: {payload[:200]!r}"
        status = json.loads(payload).get("status")
        if status != "succeeded":
            return f"status {status!r}"
        return None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def closed_loop(port: int, secret_key: str, clients: int, seconds: float) -> Run:
    """``clients`` threads, each paying as soon as its previous payment is answered."""
    run = Run(f"closed loop, {clients} clients")
    clock = {"began": 0.0, "stop_at": 0.0}

    def set_clock() -> None:  # run by the barrier, before it lets any client through
        clock["began"] = time.monotonic()
        clock["stop_at"] = clock["began"] + seconds

    start = threading.Barrier(clients + 1, action=set_clock)

    def client(number: int) -> None:
        me = Client(port, secret_key)
        try:
            for n in range(WARM_UP):
                me.pay(100 + n)
            start.wait()
            amount = itertools.count(1_000 + number * 1_000_000)
            while time.monotonic() < clock["stop_at"]:
                sent = time.perf_counter()
                error = me.pay(next(amount) % 99_900 + 100)
                run.record(time.perf_counter() - sent, error)
        finally:
            me.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait(timeout=STARTUP_SECONDS)
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 5)
    run.seconds = time.monotonic() - clock["began"]
    return run


def open_loop(port: int, secret_key: str, rate: float, seconds: float, senders: int) -> Run:
    """Payments due every 1/``rate`` s for ``seconds``; ``senders`` threads take the next due
    one; each latency runs from when the payment was due to its answer. A server slower
    than ``rate`` would keep the senders busy long after ``seconds``: from twice ``seconds``
    on, the payments still due are counted as not sent, and the run ends."""
    run = Run(f"open loop, {rate:,.0f}/s offered", offered=rate)
    total = int(rate * seconds)
    tickets = itertools.count()
    tickets_lock = threading.Lock()
    clock = {"began": 0.0, "give_up_at": float("inf")}

    def set_clock() -> None:  # run by the barrier, before it lets any sender through
        clock["began"] = time.perf_counter()
        clock["give_up_at"] = clock["began"] + 2 * seconds

    start = threading.Barrier(senders + 1, action=set_clock)

    def sender() -> None:
        me = Client(port, secret_key)
        try:
            me.pay(100)
            start.wait()
            while True:
                with tickets_lock:
                    ticket = next(tickets)
                if ticket >= total:
                    return
                if time.perf_counter() > clock["give_up_at"]:
                    with run.lock:
                        run.not_sent += 1
                    continue
                due = clock["began"] + ticket / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                error = me.pay(ticket % 99_900 + 100)
                run.record(time.perf_counter() - due, error)
        finally:
            me.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    start.wait(timeout=STARTUP_SECONDS)
    for thread in threads:
        thread.join(timeout=seconds * 3 + REQUEST_TIMEOUT)
    run.seconds = time.perf_counter() - clock["began"]
    return run


@contextmanager
def sampling(processes: Processes) -> Iterator[None]:
    """Sample the children's memory every 0.2 s while the block runs."""
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            processes.sample()

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        processes.sample()


# The profile ---------------------------------------------------------------------------


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


@contextmanager
def profiling(console: Console, pid: int, seconds: float, *, enabled: bool) -> Iterator[None]:
    """Sample ``pid`` with py-spy (every thread, 100 Hz) while the block runs, then print the
    frames where it spent most of its time."""
    tool = py_spy() if enabled else None
    if enabled and tool is None:
        console.print("[yellow]--profile: py-spy not found (pip install py-spy).[/yellow]")
    if tool is None:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="mercato-bench-profile-") as directory:
        out = Path(directory) / "api.txt"
        spy = subprocess.Popen(
            [
                tool,
                "record",
                "--pid",
                str(pid),
                "--rate",
                "100",
                "--format",
                "raw",
                "--duration",
                str(max(1, round(seconds))),
                "--output",
                str(out),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            yield
            _, problem = spy.communicate(timeout=seconds + 30)
        finally:
            if spy.poll() is None:
                spy.kill()
                spy.wait()
        if not out.exists():
            console.print(f"[yellow]py-spy recorded nothing: {problem.decode()[-500:]}[/yellow]")
            return
        show_profile(console, out.read_text())


def show_profile(console: Console, collapsed: str, top: int = 20) -> None:
    """The frames of py-spy's collapsed stacks with the most samples: at the top of the stack
    (self: running, or waiting, as in psycopg's wait for PostgreSQL's answer), and anywhere
    on the stack (total)."""
    own: dict[str, int] = {}
    anywhere: dict[str, int] = {}
    samples = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        samples += int(count)
        own[frames[-1]] = own.get(frames[-1], 0) + int(count)
        for frame in set(frames):
            anywhere[frame] = anywhere.get(frame, 0) + int(count)
    if not samples:
        console.print("[yellow]py-spy took no samples.[/yellow]")
        return
    for title, counts in (
        ("API: frames at the top of the stack (self; waits included)", own),
        (
            "API: Mercato frames anywhere on the stack (total)",
            {frame: n for frame, n in anywhere.items() if "mercato" in frame},
        ),
    ):
        table = Table(title=f"{title}, of {samples:,} samples", title_justify="left")
        table.add_column("frame", overflow="fold")
        table.add_column("share", justify="right")
        for frame, n in sorted(counts.items(), key=lambda item: -item[1])[:top]:
            table.add_row(frame, f"{n / samples:.1%}")
        console.print(table)


# The chain -----------------------------------------------------------------------------


@dataclass
class Chain:
    api_port: int
    secret_key: str
    processes: Processes


@contextmanager
def chain(console: Console) -> Iterator[Chain]:
    """Two fresh databases, the issuer, the API and a worker, each its own process."""
    with ExitStack() as stack:
        directory = Path(tempfile.mkdtemp(prefix="mercato-bench-payments-"))
        stack.callback(shutil.rmtree, directory, ignore_errors=True)
        platform_url = stack.enter_context(postgres_database("platform"))
        issuer_url = stack.enter_context(postgres_database("issuer"))
        data_dir = directory / "data"
        data_dir.mkdir()
        issuer_port, acs_port, api_port = free_port(), free_port(), free_port()
        env = {
            **os.environ,
            "MERCATO_DATA_DIR": str(data_dir),
            "MERCATO_DATABASE_URL": platform_url,
            "MERCATO_ISSUER_DATABASE_URL": issuer_url,
            "MERCATO_ISSUER_ADDRESS": f"127.0.0.1:{issuer_port}",
            "MERCATO_LOG_LEVEL": "WARNING",
        }
        # Each process gets only its own party's database, as in production.
        platform_env = {k: v for k, v in env.items() if k != "MERCATO_ISSUER_DATABASE_URL"}
        issuer_env = {k: v for k, v in env.items() if k != "MERCATO_DATABASE_URL"}

        console.print("[dim]Migrating the platform's database, opening a merchant...[/dim]")
        mercato(["db", "upgrade"], env)
        merchant = json.loads(
            mercato(["merchant", "create", "--name", "Bench Shop", "--json"], platform_env)
        )
        processes = Processes(directory)
        stack.callback(processes.stop)
        console.print("[dim]Starting the issuer, the API and a worker...[/dim]")
        processes.start(
            "issuer",
            [
                "-m",
                "mercato",
                "--data-dir",
                str(data_dir),
                "issuer",
                "serve",
                "--port",
                str(issuer_port),
                "--acs-port",
                str(acs_port),
            ],
            issuer_env,
        )
        wait_for_port(issuer_port, processes, "the issuer")
        processes.start(
            "API",
            [
                "-m",
                "uvicorn",
                "mercato.api.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(api_port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            platform_env,
        )
        processes.start("worker", ["-m", "mercato", "worker"], platform_env)
        wait_for_port(api_port, processes, "the API")
        yield Chain(api_port, merchant["secret_key"], processes)


# The report ----------------------------------------------------------------------------


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def report(console: Console, runs: list[Run], processes: Processes) -> None:
    table = Table(title="Payments confirmed end to end", title_justify="left")
    table.add_column("run")
    table.add_column("payments/s", justify="right")
    table.add_column("p50", justify="right")
    table.add_column("p95", justify="right")
    table.add_column("p99", justify="right")
    table.add_column("payments", justify="right")
    table.add_column("errors", justify="right")
    for run in runs:
        rate = f"{run.rate():,.0f}/s"
        p99 = f"{run.percentile(0.99):,.1f} ms"
        if run.offered is None:
            rate += f" [dim]({run.rate() / TARGET_RATE:.0%} of {TARGET_RATE:,})[/dim]"
        else:
            rate += f" [dim]of {run.offered:,.0f}[/dim]"
            mark = "green" if run.percentile(0.99) <= TARGET_P99_MS else "red"
            p99 = f"[{mark}]{p99}[/{mark}]"
        table.add_row(
            run.name,
            rate,
            f"{run.percentile(0.50):,.1f} ms",
            f"{run.percentile(0.95):,.1f} ms",
            p99,
            f"{len(run.latencies):,}",
            (f"{run.errors:,}" if not run.errors else f"[red]{run.errors:,}[/red]")
            + (f" [yellow](+{run.not_sent:,} not sent)[/yellow]" if run.not_sent else ""),
        )
    table.add_row(
        "[bold]target[/bold]",
        f"[bold]{TARGET_RATE:,}/s[/bold] (closed loop)",
        "",
        "",
        f"[bold]≤ {TARGET_P99_MS:.0f} ms[/bold] at {OFFERED_RATE}/s",
        "",
        "",
    )
    console.print(table)
    memory = Table(title="Processes", title_justify="left")
    memory.add_column("process")
    memory.add_column("pid", justify="right")
    memory.add_column("peak RSS", justify="right")
    memory.add_column("CPU time", justify="right")
    for child in processes.children:
        memory.add_row(
            child.name,
            str(child.process.pid),
            megabytes(child.peak_rss),
            f"{child.cpu_seconds:,.1f} s",
        )
    own = psutil.Process().memory_info().rss
    try:
        import resource

        own = max(own, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    except ImportError:
        pass
    used = psutil.Process().cpu_times()
    memory.add_row(
        "clients (this script)",
        str(os.getpid()),
        megabytes(own),
        f"{used.user + used.system:,.1f} s",
    )
    console.print(memory)
    for run in runs:
        if run.sample_error:
            console.print(f"[red]{run.name}: first error: {run.sample_error}[/red]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run, for a first look")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument(
        "--seconds", type=float, default=None, help="length of each run (default 20; quick: 5)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the API process with py-spy during the closed loop; print the top frames",
    )
    options = parser.parse_args()
    seconds = options.seconds or (5.0 if options.quick else 20.0)
    console = Console()
    if not console.is_terminal:  # piped to a file: room for the table, not 80 columns
        console = Console(width=132)
    try:
        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3):
            pass
    except psycopg.OperationalError as error:
        console.print(f"[red]No PostgreSQL at {POSTGRES_ADMIN}: {error}[/red]")
        raise SystemExit(1) from None

    console.print(
        f"[bold]Mercato payments benchmark[/bold] ({'quick' if options.quick else 'full'} run):"
        f" {options.clients} clients for {seconds:.0f} s, then {OFFERED_RATE}/s offered for"
        f" {seconds:.0f} s; HTTP/1.1 without TLS on loopback."
    )
    began = time.monotonic()
    runs: list[Run] = []
    try:
        with chain(console) as running, sampling(running.processes):
            console.print(f"[dim]Closed loop: {options.clients} clients, {seconds:.0f} s...[/dim]")
            api = running.processes.children[1].process.pid
            with profiling(console, api, seconds, enabled=options.profile):
                runs.append(
                    closed_loop(running.api_port, running.secret_key, options.clients, seconds)
                )
            running.processes.check()
            senders = max(options.clients, 64)
            console.print(f"[dim]Open loop: {OFFERED_RATE}/s offered, {seconds:.0f} s...[/dim]")
            runs.append(
                open_loop(running.api_port, running.secret_key, OFFERED_RATE, seconds, senders)
            )
            running.processes.check()
            report(console, runs, running.processes)
    except KeyboardInterrupt:
        console.print("[yellow]Interrupted: processes stopped, databases dropped.[/yellow]")
        raise SystemExit(130) from None
    notes = [
        f"Machine: {os.cpu_count()} cores, shared by the clients, the API, the issuer, the"
        " worker and PostgreSQL: the figures measure all of them together.",
        postgres_settings(),
        "One uvicorn worker for the API; the clients are threads of this script, one"
        " keep-alive connection each; open-loop latency counts from when a payment was due.",
        f"Whole run: {time.monotonic() - began:.0f} s.",
    ]
    for note in notes:
        console.print(f"[dim]- {note}[/dim]")


if __name__ == "__main__":
    main()
