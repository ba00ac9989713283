"""Payments end to end inside one process: the v1 API (Starlette's TestClient), the
processor, and the simulated issuing bank on a real ISO 8583 socket with a database of its
own, on SQLite and on PostgreSQL. After every scenario both parties' books must verify."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine, make_url

from mercato.api.app import create_app
from mercato.clock import ManualClock
from mercato.database.engine import create_engine, reading, writing
from mercato.gateway.confirmations import background_handlers
from mercato.gateway.intent_records import Payments
from mercato.gateway.merchants import NewMerchant, create_merchant
from mercato.issuer import IssuingBank, keys
from mercato.ledger import Ledger, verify
from mercato.outbox import Worker
from mercato.processor import build_processor
from mercato.processor.threeds import AccessControlServer
from mercato.settings import Party, Settings
from mercato.vault import KeyRing
from payments_world import Shop, Wire

TIMEOUT = 2.0
"""Seconds the processor waits for an answer: short, so that a slow issuer (SLOW) is slow
enough, yet long enough that a busy machine's ordinary answer is never taken for one."""

SLOW = 2 * TIMEOUT
"""How late a test's slow issuer answers."""

_ADMIN = os.environ.get("MERCATO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


__all__ = [
    "acs_browser",
    "app_client",
    "bank",
    "issuer_url",
    "merchant",
    "merchant_id",
    "payments",
    "shop",
    "wire",
    "worker",
]
"""The fixtures: what a conftest takes with ``from payments_fixtures import *``."""


@pytest.fixture
def issuer_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The bank's own database, beside the platform's, on the same backend."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'issuer.sqlite3'}"
        return
    name = f"{make_url(database_url).database}_issuer"
    with psycopg.connect(_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def bank(
    request: pytest.FixtureRequest, issuer_url: str, tmp_path: Path, clock: ManualClock
) -> Iterator[IssuingBank]:
    """The issuing bank with Stripe's test cards; afterwards its books must verify."""
    settings = Settings(data_dir=tmp_path, issuer_database_url=issuer_url)
    bank = IssuingBank(
        settings,
        clock,
        engine=create_engine(issuer_url),
        bank_keys=keys.generate(),
        keyring=KeyRing.generate(),
    ).open()
    yield bank
    if request.node.get_closest_marker("books_tampered") is None:
        with reading(bank.engine) as connection:
            report = verify(connection, "issuer")
        assert report.findings == [], "the issuer's books do not balance after this scenario"
    bank.close()


@pytest.fixture
def wire(bank: IssuingBank, clock: ManualClock) -> Iterator[Wire]:
    """The bank's ISO 8583 server on a free loopback port."""
    served = Wire(bank, clock)
    served.start()
    yield served
    served.stop()


@pytest.fixture
def acs_browser(bank: IssuingBank) -> Iterator[TestClient]:
    """The bank's 3-D Secure pages, for the processor's calls and the customer's browser."""
    with TestClient(bank.acs_app(), base_url="http://acs.test") as client:
        yield client


@pytest.fixture
def app_client(
    *,
    ledger: Ledger,  # the platform's books, verified after the scenario
    clock: ManualClock,
    wire: Wire,
    acs_browser: TestClient,
    tmp_path: Path,
    database_url: str,
    issuer_url: str,
) -> Iterator[TestClient]:
    """The v1 API, its processor wired to the bank (a short timeout, the bank's ACS)."""
    host, port = wire.address
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        issuer_database_url=issuer_url,
        issuer_address=f"{host}:{port}",
    )
    app = create_app(settings, clock)
    app.state.processor.close()
    app.state.processor = build_processor(
        settings,
        clock,
        engine=app.state.engines[Party.PLATFORM],
        vault=app.state.payment_services.vault,
        timeout=TIMEOUT,
        acs=AccessControlServer("http://acs.test", client=acs_browser),
    )
    with TestClient(app) as client:
        yield client
    app.state.processor.close()


@pytest.fixture
def payments(app_client: TestClient) -> Payments:
    state = app_client.app.state  # type: ignore[attr-defined]
    return Payments(services=state.payment_services, processor=state.processor)


@pytest.fixture
def worker(engine: Engine, clock: ManualClock, payments: Payments) -> Worker:
    """The outbox's worker with the payment jobs (follow-ups to the issuer, recoveries)."""
    return Worker(engine, clock, background_handlers(engine, payments))


@pytest.fixture
def merchant(engine: Engine, clock: ManualClock) -> NewMerchant:
    with writing(engine) as connection:
        return create_merchant(
            connection, name="Corner Bakery", country="US", currency="usd", clock=clock
        )


@pytest.fixture
def merchant_id(merchant: NewMerchant) -> str:
    return merchant.merchant.id


@pytest.fixture
def shop(app_client: TestClient, acs_browser: TestClient, merchant: NewMerchant) -> Shop:
    return Shop(app_client, acs_browser, merchant.secret_key)
