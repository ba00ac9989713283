"""An issuer served on loopback and acquirers connected to it, closed after every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from issuer_on_loopback import ConnectAcquirer, ServeIssuer, approving

from mercato.network import Handler, NetworkClient, NetworkServer, RunningServer


@pytest.fixture
def serve() -> Iterator[ServeIssuer]:
    """Start an issuer with a handler (approving everything by default) on a free port."""
    running: list[RunningServer] = []

    def start(handler: Handler = approving, port: int = 0) -> RunningServer:
        server = NetworkServer(handler, "127.0.0.1", port).run_in_thread()
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()


@pytest.fixture
def connect() -> Iterator[ConnectAcquirer]:
    """An acquirer's client for an address, closed after the test."""
    clients: list[NetworkClient] = []

    def make(address: tuple[str, int], **options: float) -> NetworkClient:
        client = NetworkClient(*address, **options)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
