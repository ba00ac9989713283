"""What the checkout's tests share, on SQLite and on PostgreSQL: the v1 API in-process
(``app``), shops with their secret keys, and for the tests that pay (``wired_app``) the
simulated issuing bank behind a real ISO 8583 socket, with its 3-D Secure pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from checkout_world import Customer, Shop
from mercato.api.app import create_app
from mercato.clock import ManualClock
from mercato.database.engine import create_engine, reading, writing
from mercato.gateway.intent_records import Payments
from mercato.gateway.merchants import create_merchant
from mercato.issuer import IssuingBank, keys
from mercato.ledger import Ledger, verify
from mercato.network import NetworkServer
from mercato.processor import build_processor
from mercato.processor.threeds import AccessControlServer
from mercato.settings import Party, Settings
from mercato.vault import KeyRing
from postgres import postgres_database

__all__ = [
    "app",
    "bank",
    "bank_pages",
    "customer",
    "issuer_url",
    "other_shop",
    "payments",
    "shop",
    "wired_app",
]
"""The fixtures: what a conftest takes with ``from checkout_fixtures import *``."""


@pytest.fixture
def app(
    database_url: str, engine: Engine, clock: ManualClock, tmp_path: Path
) -> Iterator[TestClient]:
    """The v1 API and the hosted pages; no bank answers (tests that pay use ``wired_app``)."""
    api = create_app(Settings(data_dir=tmp_path, database_url=database_url), clock=clock)
    with TestClient(api) as client:
        yield client


@pytest.fixture
def issuer_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The bank's own database, on the platform's backend."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'issuer.sqlite3'}"
        return
    database = postgres_database()
    try:
        yield database.url
    finally:
        database.drop()


@pytest.fixture
def bank(
    request: pytest.FixtureRequest, issuer_url: str, tmp_path: Path, clock: ManualClock
) -> Iterator[IssuingBank]:
    """The issuing bank with Stripe's test cards; afterwards its books must verify."""
    opened = IssuingBank(
        Settings(data_dir=tmp_path, issuer_database_url=issuer_url),
        clock,
        engine=create_engine(issuer_url),
        bank_keys=keys.generate(),
        keyring=KeyRing.generate(),
    ).open()
    yield opened
    with reading(opened.engine) as connection:
        assert verify(connection, "issuer").findings == []
    opened.close()


@pytest.fixture
def bank_pages(bank: IssuingBank) -> Iterator[TestClient]:
    """The bank's 3-D Secure pages, for the processor's calls and the customer's browser."""
    with TestClient(bank.acs_app(), base_url="http://acs.test") as client:
        yield client


@pytest.fixture
def wired_app(
    *,
    ledger: Ledger,  # the platform's books, verified after each scenario
    clock: ManualClock,
    bank: IssuingBank,
    bank_pages: TestClient,
    tmp_path: Path,
    database_url: str,
) -> Iterator[TestClient]:
    """The v1 API and hosted pages, its processor talking ISO 8583 to the bank."""
    network = NetworkServer(bank.handle, "127.0.0.1", 0, clock=clock).run_in_thread()
    host, port = network.address
    settings = Settings(
        data_dir=tmp_path, database_url=database_url, issuer_address=f"{host}:{port}"
    )
    api = create_app(settings, clock)
    api.state.processor.close()
    api.state.processor = build_processor(
        settings,
        clock,
        engine=api.state.engines[Party.PLATFORM],
        vault=api.state.payment_services.vault,
        acs=AccessControlServer("http://acs.test", client=bank_pages),
    )
    with TestClient(api) as client:
        yield client
    api.state.processor.close()
    network.stop()


def open_shop(app: TestClient, engine: Engine, clock: ManualClock, name: str) -> Shop:
    with writing(engine) as connection:
        made = create_merchant(connection, name=name, country="US", currency="usd", clock=clock)
    return Shop(app, made.merchant.id, {"Authorization": f"Bearer {made.secret_key}"})


@pytest.fixture
def shop(app: TestClient, engine: Engine, clock: ManualClock) -> Shop:
    return open_shop(app, engine, clock, "Harbour Books")


@pytest.fixture
def other_shop(app: TestClient, engine: Engine, clock: ManualClock) -> Shop:
    return open_shop(app, engine, clock, "Someone Else Ltd")


@pytest.fixture
def customer(app: TestClient) -> Customer:
    return Customer(app)


@pytest.fixture
def payments(app: TestClient) -> Payments:
    state = app.app.state  # type: ignore[attr-defined]
    return Payments(services=state.payment_services, processor=state.processor)
