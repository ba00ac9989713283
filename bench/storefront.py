"""How many product pages and add-to-carts the storefront serves, on PostgreSQL, with
several server workers.

    .venv/bin/python bench/storefront.py                  # 10 s per scenario, 2 workers
    .venv/bin/python bench/storefront.py --quick          # 3 s per scenario
    .venv/bin/python bench/storefront.py --workers 4 --connections 32 --seconds 30
    .venv/bin/python bench/storefront.py --profile        # also py-spy on one server worker

The server is the platform's API as it is deployed: ``python -m uvicorn
mercato.api.app:create_app --factory --workers N``, plain HTTP (no TLS) on 127.0.0.1, on a
fresh PostgreSQL database (made and dropped by the script, on MERCATO_BENCH_POSTGRES) brought
to the schema by ``mercato db upgrade``, with one merchant (``mercato merchant create``) and
its shop seeded by ``mercato.shop.demo.seed_demo_shop`` (the demo's outdoor-gear catalog).

The clients are one asyncio loop in this script (uvloop's, as the server's), each client
its own keep-alive HTTP/1.1 connection (raw streams, no client library in the way), sending
its next request as soon as the last is answered. Every request is a full page or a full
change: no conditional GET, no 304.

* product page: ``GET /shop/<slug>/p/<product>``, going round the catalog's products, with
  the CSRF cookie a browser would have after its first page; a 200 counts;
* add to cart: each client first GETs a product page for its CSRF cookie and the form's
  token, then POSTs ``/shop/<slug>/cart/add`` (csrf_token, product, variant, quantity=1) with
  its cookies, one unit of a variant in stock (going round them) each time; a 303 to the
  cart counts. The first add makes the cart (its signed cookie is kept); after ten lines the cart is
  dropped and the next add starts a new one (as a new visitor would), so stock and the
  cart's limits (30 lines, 10 of an item) are never what refuses an add.

It prints requests/s and latency percentiles beside the targets (2,000 product pages/s and
800 add-to-carts/s); the CPU each request cost, in the timed window, to the server's
processes, to the PostgreSQL backends serving its database and to the clients, and so the
rate the machine could reach if the bench had it to itself (the machine is shared: other
work may take cores from the bench, and 'cores busy' says how many it got); and the peak
memory and CPU time of the server's processes and of the clients. It stops the server and
drops the database on any exit, Ctrl-C included. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
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
TARGETS = {"product page": 2_000, "add to cart": 800}
STARTUP_SECONDS = 60.0
REQUEST_TIMEOUT = 30.0
WARM_UP = 3
"""Requests each connection makes before the clock starts."""
CART_LINES = 10
"""Adds to one cart before the client starts a new one (a cart holds 30 lines at most)."""
TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


# The database and the server ---------------------------------------------------------------


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
        " (an add to cart is one commit: one WAL flush)."
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mercato(arguments: list[str], env: dict[str, str]) -> str:
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


@dataclass
class Shop:
    port: int
    path: str  # /shop/<slug>
    products: list[str]  # product slugs
    in_stock: list[tuple[str, str]]  # (product slug, variant id) with stock
    server: subprocess.Popen[bytes]
    log: Path
    database: str  # its name, in the titles of PostgreSQL's backends serving it


SEED = """
import json, sys
from mercato.clock import SystemClock
from mercato.database.engine import create_engine
from mercato.settings import Party, Settings
from mercato.shop.demo import seed_demo_shop
from mercato.vault import KeyRing

settings = Settings()
KeyRing.from_settings(settings, Party.PLATFORM)  # the key file, before the workers race for it
engine = create_engine(settings.database_url)
print(json.dumps(seed_demo_shop(engine, SystemClock(), sys.argv[1])))
engine.dispose()
"""


def catalog_of(url: str, path: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The shop's product slugs, and its variants that have stock to add."""
    slug = path.rsplit("/", 1)[-1]
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        products = [
            row[0]
            for row in connection.execute(
                "SELECT p.slug FROM shop_products p JOIN shop_shops s ON s.id = p.shop_id"
                " WHERE s.slug = %s ORDER BY p.slug",
                (slug,),
            )
        ]
        in_stock = [
            (row[0], row[1])
            for row in connection.execute(
                "SELECT p.slug, v.id FROM shop_variants v"
                " JOIN shop_products p ON p.id = v.product_id"
                " JOIN shop_shops s ON s.id = p.shop_id"
                " WHERE s.slug = %s AND v.on_hand - v.reserved > 0 ORDER BY p.slug, v.id",
                (slug,),
            )
        ]
    return products, in_stock


@contextmanager
def storefront(console: Console, workers: int) -> Iterator[Shop]:
    with ExitStack() as stack:
        directory = Path(tempfile.mkdtemp(prefix="mercato-bench-storefront-"))
        stack.callback(shutil.rmtree, directory, ignore_errors=True)
        url = stack.enter_context(postgres_database("shop"))
        data_dir = directory / "data"
        data_dir.mkdir()
        port = free_port()
        env = {
            **os.environ,
            "MERCATO_DATA_DIR": str(data_dir),
            "MERCATO_DATABASE_URL": url,
            "MERCATO_ISSUER_ADDRESS": f"127.0.0.1:{free_port()}",  # not reached by the shop
            "MERCATO_LOG_LEVEL": "WARNING",
        }
        console.print("[dim]Migrating the platform's database, seeding the demo shop...[/dim]")
        mercato(["db", "upgrade"], env)
        merchant = json.loads(
            mercato(["merchant", "create", "--name", "Trailhead Outfitters", "--json"], env)
        )
        seeded = subprocess.run(
            [sys.executable, "-c", SEED, merchant["id"]],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if seeded.returncode != 0:
            raise RuntimeError(f"seeding the shop failed:\n{seeded.stdout}{seeded.stderr}")
        path = json.loads(seeded.stdout.strip().splitlines()[-1])
        products, in_stock = catalog_of(url, path)
        console.print(
            f"[dim]Starting uvicorn with {workers} workers ({len(products)} products,"
            f" {len(in_stock)} variants in stock)...[/dim]"
        )
        log = directory / "server.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "mercato.api.app:create_app",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    str(workers),
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        stack.callback(stop, server)
        shop = Shop(port, path, products, in_stock, server, log, url.rsplit("/", 1)[-1])
        wait_until_serving(shop, workers)
        yield shop


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until_serving(shop: Shop, workers: int) -> None:
    """Until every worker is up (uvicorn's children) and a product page is answered."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if shop.server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{tail(shop.log)}")
        try:
            children = psutil.Process(shop.server.pid).children()
            if len(children) >= workers:
                with socket.create_connection(("127.0.0.1", shop.port), timeout=1) as s:
                    product = f"{shop.path}/p/{shop.products[0]}"
                    s.sendall(f"GET {product} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        return
        except (OSError, psutil.Error):
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"the server did not serve within {STARTUP_SECONDS:.0f} s:\n{tail(shop.log)}"
    )


# The clients -------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    sample_error: str | None = None
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds in the timed window

    def cpu_per_request(self, who: str) -> float:
        """Milliseconds of CPU that ``who`` spent per answered request."""
        return self.cpu.get(who, 0.0) / max(1, len(self.latencies)) * 1000

    def record(self, latency: float, error: str | None) -> None:
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


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookies(self) -> dict[str, str]:
        found = {}
        for name, value in self.headers:
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                found[key.strip()] = cookie.strip().strip('"')
        return found


class Connection:
    """One keep-alive HTTP/1.1 connection on raw asyncio streams."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, cookies: dict[str, str], body: bytes = b""
    ) -> Answer:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "User-Agent: mercato-bench"]
        if cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if body:
            head += ["Content-Type: application/x-www-form-urlencoded"]
        head.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        try:
            return await asyncio.wait_for(self._answer(), REQUEST_TIMEOUT)
        except BaseException:
            self.close()
            raise

    async def _answer(self) -> Answer:
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = []
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers.append((name.strip().lower(), value.strip()))
        length = next((int(v) for n, v in headers if n == "content-length"), None)
        if length is None:
            raise RuntimeError("an answer without Content-Length (chunked?)")
        body = await self.reader.readexactly(length) if length else b""
        if any(n == "connection" and v.lower() == "close" for n, v in headers):
            self.close()
        return Answer(status, headers, body)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def product_pages(shop: Shop, client: int, run: Run, clock: dict[str, float]) -> None:
    connection = Connection(shop.port)
    cookies: dict[str, str] = {}
    n = client
    try:
        while True:
            path = f"{shop.path}/p/{shop.products[n % len(shop.products)]}"
            n += 1
            began = time.perf_counter()
            try:
                answer = await connection.request("GET", path, cookies)
                error = None if answer.status == 200 else f"{answer.status} for {path}"
                cookies.update(answer.cookies())
            except (OSError, asyncio.IncompleteReadError, RuntimeError, TimeoutError) as failed:
                error = f"{type(failed).__name__}: {failed}"
            if not clock["started"]:
                continue
            if began > clock["ends"]:
                return
            run.record(time.perf_counter() - began, error)
    finally:
        connection.close()


async def add_to_carts(shop: Shop, client: int, run: Run, clock: dict[str, float]) -> None:
    connection = Connection(shop.port)
    cookies: dict[str, str] = {}
    token = ""
    n = client * 7
    in_cart = 0
    try:
        while True:
            if not token:
                product = f"{shop.path}/p/{shop.products[client % len(shop.products)]}"
                try:
                    page = await connection.request("GET", product, cookies)
                except (OSError, asyncio.IncompleteReadError, RuntimeError, TimeoutError):
                    await asyncio.sleep(0.1)
                    continue
                cookies.update(page.cookies())
                found = TOKEN.search(page.body)
                token = found.group(1).decode() if found else ""
                if not token:
                    raise RuntimeError(f"no csrf_token in {product} ({page.status})")
            if in_cart == min(len(shop.in_stock), CART_LINES):  # a new visitor: a new cart
                cookies.pop("mercato_cart", None)
                in_cart = 0
            product_slug, variant = shop.in_stock[n % len(shop.in_stock)]
            n += 1
            body = urlencode(
                {"csrf_token": token, "product": product_slug, "variant": variant, "quantity": 1}
            ).encode()
            began = time.perf_counter()
            try:
                answer = await connection.request("POST", f"{shop.path}/cart/add", cookies, body)
                cookies.update(answer.cookies())
                location = next((v for k, v in answer.headers if k == "location"), "")
                error = (
                    None
                    if answer.status == 303 and "/cart" in location
                    else f"{answer.status} {location} for {variant}"
                )
                in_cart += 1
            except (OSError, asyncio.IncompleteReadError, RuntimeError, TimeoutError) as failed:
                error = f"{type(failed).__name__}: {failed}"
            if not clock["started"]:
                continue
            if began > clock["ends"]:
                return
            run.record(time.perf_counter() - began, error)
    finally:
        connection.close()


CPU_OF = ("server", "PostgreSQL", "clients")


def cpu_seconds(shop: Shop) -> dict[tuple[str, int], float]:
    """CPU time used so far by each process of the server, of the PostgreSQL backends
    serving the bench's database (their titles name it), and of this script (the
    clients), by (whose, pid)."""
    used: dict[tuple[str, int], float] = {}
    try:
        master = psutil.Process(shop.server.pid)
        server = [master, *master.children()]
    except psutil.Error:
        server = []
    for process in server:
        with suppress(psutil.Error):
            times = process.cpu_times()
            used["server", process.pid] = times.user + times.system
    for process in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        if process.info["name"] == "postgres" and shop.database in " ".join(
            process.info["cmdline"] or ()
        ):
            times = process.info["cpu_times"]
            used["PostgreSQL", process.pid] = times.user + times.system
    mine = psutil.Process()
    times = mine.cpu_times()
    used["clients", mine.pid] = times.user + times.system
    return used


def cpu_between(
    before: dict[tuple[str, int], float], after: dict[tuple[str, int], float]
) -> dict[str, float]:
    """CPU seconds each party used between two readings. A process that ended in between
    (a pooled connection closed) is missed: the PostgreSQL figure is a lower bound."""
    spent = dict.fromkeys(CPU_OF, 0.0)
    for (who, pid), seconds in after.items():
        spent[who] += seconds - before.get((who, pid), 0.0)
    return spent


async def scenario(name: str, shop: Shop, connections: int, seconds: float) -> Run:
    """``connections`` clients, warmed up, then timed for ``seconds``."""
    run = Run(name)
    clock = {"started": 0.0, "ends": float("inf")}
    client = product_pages if name == "product page" else add_to_carts
    tasks = [asyncio.create_task(client(shop, i, run, clock)) for i in range(connections)]
    await asyncio.sleep(max(1.0, WARM_UP * connections / 500))
    before = cpu_seconds(shop)
    clock["started"] = time.perf_counter()
    clock["ends"] = clock["started"] + seconds
    await asyncio.sleep(seconds)
    run.cpu = cpu_between(before, cpu_seconds(shop))
    done, pending = await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT)
    for task in pending:
        task.cancel()
    for task in done:
        if task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
    run.seconds = seconds
    return run


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's, where it is installed (as it is with Mercato's dependencies): the clients
    then cost less CPU per request, which the server has to share with them."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


# The server's processes, and a profile of one worker ---------------------------------------


@dataclass
class Usage:
    """Peak resident memory (sampled) and CPU time of the server's processes."""

    peaks: dict[int, int] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    def sample(self, server: subprocess.Popen[bytes]) -> None:
        try:
            master = psutil.Process(server.pid)
            processes = [(master, "uvicorn (master)")] + [
                (child, "uvicorn worker") for child in master.children()
            ]
        except psutil.Error:
            return
        for process, name in processes:
            with suppress(psutil.Error):
                self.names[process.pid] = name
                self.peaks[process.pid] = max(
                    self.peaks.get(process.pid, 0), process.memory_info().rss
                )
                used = process.cpu_times()
                self.cpu[process.pid] = used.user + used.system


@contextmanager
def sampling(server: subprocess.Popen[bytes], usage: Usage) -> Iterator[None]:
    stop_event = threading.Event()

    def sample() -> None:
        while not stop_event.wait(0.25):
            usage.sample(server)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop_event.set()
        thread.join()
        usage.sample(server)


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def start_profile(
    console: Console, shop: Shop, seconds: float, out: Path
) -> list[subprocess.Popen[bytes]]:
    """py-spy on every server worker (the kernel may give one worker most connections)."""
    tool = py_spy()
    if tool is None:
        console.print("[yellow]--profile: py-spy not found (pip install py-spy).[/yellow]")
        return []
    workers = [
        child
        for child in psutil.Process(shop.server.pid).children()
        if "resource_tracker" not in " ".join(child.cmdline())
    ]
    return [
        subprocess.Popen(
            [
                tool,
                "record",
                "--pid",
                str(worker.pid),
                "--rate",
                "100",
                "--format",
                "raw",
                "--duration",
                str(max(1, round(seconds))),
                "--output",
                f"{out}.{worker.pid}",
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for worker in workers
    ]


def show_profile(console: Console, title: str, collapsed: str, top: int = 15) -> None:
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
    for heading, counts in (
        ("frames at the top of the stack (self; waits included)", own),
        (
            "Mercato, Starlette and Jinja frames anywhere on the stack (total)",
            {
                frame: n
                for frame, n in anywhere.items()
                if any(part in frame for part in ("mercato", "starlette", "jinja2", "fastapi"))
            },
        ),
    ):
        table = Table(
            title=f"{title}: {heading}, of {samples:,} samples (every thread)",
            title_justify="left",
        )
        table.add_column("frame", overflow="fold")
        table.add_column("share", justify="right")
        for frame, n in sorted(counts.items(), key=lambda item: -item[1])[:top]:
            table.add_row(frame, f"{n / samples:.1%}")
        console.print(table)


# The report --------------------------------------------------------------------------------


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def report(console: Console, runs: list[Run], usage: Usage, connections: int) -> None:
    table = Table(title=f"Storefront, {connections} keep-alive connections", title_justify="left")
    for column in ("scenario", "requests/s", "p50", "p95", "p99", "requests", "errors"):
        table.add_column(column, justify="left" if column == "scenario" else "right")
    for run in runs:
        target = TARGETS[run.name]
        mark = "green" if run.rate() >= target else "red"
        table.add_row(
            run.name,
            f"[{mark}]{run.rate():,.0f}/s[/{mark}] [dim]({run.rate() / target:.0%} of"
            f" {target:,})[/dim]",
            f"{run.percentile(0.50):,.1f} ms",
            f"{run.percentile(0.95):,.1f} ms",
            f"{run.percentile(0.99):,.1f} ms",
            f"{len(run.latencies):,}",
            f"{run.errors:,}" if not run.errors else f"[red]{run.errors:,}[/red]",
        )
    console.print(table)
    cores = os.cpu_count() or 1
    costs = Table(
        title="CPU per request in the timed window (ms), and what it leaves room for",
        title_justify="left",
    )
    for column in ("scenario", *CPU_OF, "all", "cores busy", f"ceiling on {cores} cores"):
        costs.add_column(column, justify="left" if column == "scenario" else "right")
    for run in runs:
        total = sum(run.cpu_per_request(who) for who in CPU_OF)
        costs.add_row(
            run.name,
            *(f"{run.cpu_per_request(who):.2f}" for who in CPU_OF),
            f"{total:.2f}",
            f"{sum(run.cpu.values()) / run.seconds:.2f}" if run.seconds else "-",
            f"{cores / total * 1000:,.0f}/s" if total else "-",
        )
    console.print(costs)
    processes = Table(title="Processes", title_justify="left")
    for column in ("process", "pid", "peak RSS", "CPU time"):
        processes.add_column(column, justify="left" if column == "process" else "right")
    for pid, name in usage.names.items():
        processes.add_row(
            name, str(pid), megabytes(usage.peaks.get(pid, 0)), f"{usage.cpu.get(pid, 0):,.1f} s"
        )
    used = psutil.Process().cpu_times()
    processes.add_row(
        "clients (this script)",
        str(os.getpid()),
        megabytes(psutil.Process().memory_info().rss),
        f"{used.user + used.system:,.1f} s",
    )
    console.print(processes)
    for run in runs:
        if run.sample_error:
            console.print(f"[red]{run.name}: first error: {run.sample_error}[/red]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s per scenario")
    parser.add_argument("--seconds", type=float, default=None, help="per scenario (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (default 2)")
    parser.add_argument(
        "--connections", type=int, default=16, help="concurrent client connections (default 16)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="py-spy on one server worker during each scenario"
    )
    options = parser.parse_args()
    seconds = options.seconds or (3.0 if options.quick else 10.0)
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
        f"[bold]Mercato storefront benchmark[/bold]: {options.connections} connections,"
        f" {seconds:.0f} s per scenario, uvicorn with {options.workers} workers;"
        " HTTP/1.1 without TLS on loopback."
    )
    began = time.monotonic()
    runs: list[Run] = []
    usage = Usage()
    try:
        with (
            storefront(console, options.workers) as shop,
            sampling(shop.server, usage),
            tempfile.TemporaryDirectory(prefix="mercato-bench-profile-") as profiles,
        ):
            for name in TARGETS:
                console.print(
                    f"[dim]{name}: {options.connections} clients, {seconds:.0f} s...[/dim]"
                )
                out = Path(profiles) / f"{name.replace(' ', '-')}.txt"
                spies = start_profile(console, shop, seconds, out) if options.profile else []
                with asyncio.Runner(loop_factory=loop_factory()) as runner:
                    runs.append(runner.run(scenario(name, shop, options.connections, seconds)))
                for spy in spies:
                    _, problem = spy.communicate(timeout=seconds + 30)
                    if problem and spy.returncode:
                        console.print(f"[yellow]py-spy: {problem.decode()[-300:]}[/yellow]")
                if spies:
                    collapsed = "\n".join(
                        found.read_text() for found in Path(profiles).glob(f"{out.name}.*")
                    )
                    show_profile(console, f"Server workers, {name}", collapsed)
                if shop.server.poll() is not None:
                    raise RuntimeError(f"the server stopped:\n{tail(shop.log)}")
            report(console, runs, usage, options.connections)
    except KeyboardInterrupt:
        console.print("[yellow]Interrupted: server stopped, database dropped.[/yellow]")
        raise SystemExit(130) from None
    notes = [
        f"Machine: {os.cpu_count()} cores, shared by the server's workers, PostgreSQL, the"
        " clients and whatever else runs: 'cores busy' below the core count means others"
        " had the rest. The ceiling is the core count over the CPU one request costs"
        " (server, its PostgreSQL backends and the clients): the rate if the bench had the"
        " machine to itself and nothing but CPU limited it.",
        postgres_settings(),
        "Clients: one asyncio loop in this script, a keep-alive connection each, closed loop.",
        f"Whole run: {time.monotonic() - began:.0f} s.",
    ]
    for note in notes:
        console.print(f"[dim]- {note}[/dim]")


if __name__ == "__main__":
    main()
