"""Settlement inside one process: the payments world of ``tests/integration/payments``
(the v1 API, the processor, the issuing bank on a real ISO 8583 socket), on SQLite and on
PostgreSQL, with the platform's books verified after every scenario; plus a second shop
and the settlement's duties, run on the test's clock."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.gateway.merchants import NewMerchant, create_merchant
from mercato.ledger import Ledger

_PAYMENTS = Path(__file__).parents[1] / "payments"
sys.path.insert(0, str(_PAYMENTS))
_spec = importlib.util.spec_from_file_location("payments_fixtures", _PAYMENTS / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

# The payments world's fixtures, as they are there.
issuer_url = _fixtures.issuer_url
bank = _fixtures.bank
wire = _fixtures.wire
acs_browser = _fixtures.acs_browser
app_client = _fixtures.app_client
merchant = _fixtures.merchant
merchant_id = _fixtures.merchant_id
shop = _fixtures.shop

from payments_world import Shop  # noqa: E402 -- importable once the path above is set
from settlement_world import Settlement  # noqa: E402


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
