"""Settlement inside one process: the payments world of ``tests/integration/payments``
(the v1 API, the processor, the issuing bank on a real ISO 8583 socket), on SQLite and on
PostgreSQL, with the platform's books verified after every scenario; plus a second shop
and the settlement's duties, run on the test's clock."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from settlement_world import Settlement
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.gateway.merchants import NewMerchant, create_merchant
from mercato.ledger import Ledger
from payments_fixtures import *  # noqa: F403 -- the shared fixtures, registered by this import
from payments_world import Shop


@pytest.fixture
def other_shop(
    app_client: TestClient, acs_browser: TestClient, engine: Engine, clock: ManualClock
) -> Shop:
    with writing(engine) as connection:
        made: NewMerchant = create_merchant(
            connection, name="Other Bakery", country="US", currency="usd", clock=clock
        )
    return Shop(app_client, acs_browser, made.secret_key)


@pytest.fixture
def settlement(
    app_client: TestClient, engine: Engine, ledger: Ledger, clock: ManualClock
) -> Settlement:
    keyring = app_client.app.state.payment_services.vault.keyring  # type: ignore[attr-defined]
    return Settlement(engine, Ledger(engine, clock), clock, keyring)
