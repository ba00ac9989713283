"""The issuing bank on SQLite and PostgreSQL, served over a real socket; its books are
proven after every scenario."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from issuer_acquirer import Acquirer

from mercato.clock import ManualClock
from mercato.database.engine import create_engine, reading
from mercato.issuer import IssuingBank, keys
from mercato.ledger import verify
from mercato.network import NetworkClient
from mercato.settings import Settings
from mercato.vault import KeyRing


@pytest.fixture
def bank(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path, clock: ManualClock
) -> Iterator[IssuingBank]:
    """A bank with Stripe's test cards issued; afterwards its books must verify."""
    settings = Settings(data_dir=tmp_path, issuer_database_url=database_url)
    bank = IssuingBank(
        settings,
        clock,
        engine=create_engine(database_url),
        bank_keys=keys.generate(),
        keyring=KeyRing.generate(),
    )
    bank.open()
    yield bank
    if request.node.get_closest_marker("books_tampered") is None:
        with reading(bank.engine) as connection:
            report = verify(connection, "issuer")
        assert report.findings == [], "the issuer's books do not balance after this scenario"
    bank.close()


@pytest.fixture
def acquirer(bank: IssuingBank, clock: ManualClock) -> Iterator[Acquirer]:
    """An acquirer connected to the bank's ISO 8583 server (on a free port) over TCP."""
    with bank.serve("127.0.0.1", 0) as server:
        host, port = server.address
        with NetworkClient(host, port, timeout=30, clock=clock) as client:
            yield Acquirer(client, clock)
