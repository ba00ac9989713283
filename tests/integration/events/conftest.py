"""What the event and webhook tests share: a merchant, a real HTTP receiver standing in for
the merchant's server, and a worker that delivers to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from webhook_receiver import Receiver

from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.gateway import events, webhooks
from mercato.gateway.merchants import Caller, KeyKind, create_merchant
from mercato.outbox import Worker


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = state.handle(body, {k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/mercato"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def merchant(engine: Engine, clock: ManualClock) -> Caller:
    """A merchant, as its own secret key calls the API."""
    with writing(engine) as connection:
        made = create_merchant(
            connection, name="Tea & Biscuits Ltd", country="GB", currency="gbp", clock=clock
        )
    return Caller(KeyKind.SECRET, made.merchant.id)


@pytest.fixture
def sender() -> Iterator[webhooks.Sender]:
    sender = webhooks.Sender(timeout=5)
    yield sender
    sender.close()


@pytest.fixture
def worker(engine: Engine, clock: ManualClock, sender: webhooks.Sender) -> Worker:
    return Worker(engine, clock, {events.DELIVER: webhooks.Deliverer(engine, clock, sender)})
