"""Fixtures of the end-to-end tests: a running demo, over HTTPS."""

from __future__ import annotations

import http.server
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, SCREENSHOTS
from running_demo import RunningDemo


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningDemo]:
    running = RunningDemo(tmp_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def shared_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    """One demo for a whole module whose tests each make their own merchant."""
    running = RunningDemo(tmp_path_factory.mktemp("demo"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def browser_page(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page of Debian's Chromium, headless, driven by Playwright; ``shot(page, name)``
    saves a screenshot under test-output/screenshots/<test>/ for a person to look at."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (make test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        # The demo's certificate is checked by every other client with its CA; the browser
        # is here to drive pages, so it accepts it as a person would after clicking through.
        context = browser.new_context(
            ignore_https_errors=True, viewport={"width": 1100, "height": 800}
        )
        page = context.new_page()
        page.screenshots = SCREENSHOTS / request.node.name  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def watched(browser_page: Any) -> Iterator[Any]:
    """The browser page, failing the test on a Content-Security-Policy violation or a
    script error: what a person would see break in the console."""
    problems: list[str] = []
    browser_page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    browser_page.on("pageerror", lambda error: problems.append(str(error)))
    yield browser_page
    assert problems == []


class Shop(http.server.BaseHTTPRequestHandler):
    """The merchant's page the cardholder comes back to after the challenge."""

    def do_GET(self) -> None:
        body = b"<!doctype html><title>Back at the shop</title><h1>Back at the shop</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def shop() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/order/7/done"
    server.shutdown()
    server.server_close()
    thread.join()


class Receiver(http.server.BaseHTTPRequestHandler):
    """A merchant's webhook receiver: keeps what it is sent."""

    received: queue.Queue[tuple[bytes, str]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.put((body, self.headers["Stripe-Signature"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, queue.Queue[tuple[bytes, str]]]]:
    received: queue.Queue[tuple[bytes, str]] = queue.Queue()
    handler = type("Handler", (Receiver,), {"received": received})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", received
    server.shutdown()
    server.server_close()
    thread.join()
