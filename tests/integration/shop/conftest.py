"""What the shop's tests share, on SQLite and on PostgreSQL: the platform's app in-process
with the demo's outdoor shop seeded for a German merchant, and, for the tests that pay,
the simulated issuing bank behind a real ISO 8583 socket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from shop_world import Browser
from sqlalchemy.engine import Engine

from mercato.api.app import create_app
from mercato.clock import ManualClock
from mercato.database.engine import create_engine, reading, writing
from mercato.gateway.merchants import create_merchant
from mercato.issuer import IssuingBank, keys
from mercato.ledger import verify
from mercato.network import NetworkServer
from mercato.processor import build_processor
from mercato.settings import Party, Settings
from mercato.shop.demo import seed_demo_shop
from mercato.vault import KeyRing
from postgres import postgres_database


@pytest.fixture
def shop_path(engine: Engine, clock: ManualClock) -> str:
    """The demo's outdoor shop, for a merchant in Germany selling in euros."""
    with writing(engine) as connection:
        made = create_merchant(
            connection, name="Trailhead GmbH", country="DE", currency="eur", clock=clock
        )
    return seed_demo_shop(engine, clock, made.merchant.id)


@pytest.fixture
def app(
    database_url: str, engine: Engine, clock: ManualClock, tmp_path: Path
) -> Iterator[TestClient]:
    """The platform's app; no bank answers (tests that pay use ``wired_app``)."""
    api = create_app(Settings(data_dir=tmp_path, database_url=database_url), clock=clock)
    with TestClient(api) as client:
        yield client


@pytest.fixture
def issuer_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'issuer.sqlite3'}"
        return
    database = postgres_database()
    try:
        yield database.url
    finally:
        database.drop()


@pytest.fixture
def bank(issuer_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[IssuingBank]:
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
def wired_app(
    clock: ManualClock, bank: IssuingBank, tmp_path: Path, database_url: str, engine: Engine
) -> Iterator[TestClient]:
    """The app with its processor talking ISO 8583 to the bank: customers can pay."""
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
    )
    with TestClient(api) as client:
        yield client
    api.state.processor.close()
    network.stop()


@pytest.fixture
def customer(app: TestClient, shop_path: str) -> Browser:
    return Browser(app, shop_path)
