"""The dashboard over HTTP(S) inside one process: the payments world of
``tests/integration/payments`` (the v1 API, the processor, the issuing bank on a real
ISO 8583 socket), on SQLite and on PostgreSQL, and a browser-like client that keeps
cookies and speaks HTTPS to the app (the session cookie is Secure)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.dashboard import users
from mercato.database.engine import writing

_PAYMENTS = Path(__file__).parents[1] / "payments"
sys.path.insert(0, str(_PAYMENTS))
_spec = importlib.util.spec_from_file_location("payments_fixtures", _PAYMENTS / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

from dashboard_world import PASSWORD, Owner  # noqa: E402 -- beside this file

issuer_url = _fixtures.issuer_url
bank = _fixtures.bank
wire = _fixtures.wire
acs_browser = _fixtures.acs_browser
app_client = _fixtures.app_client
merchant = _fixtures.merchant
merchant_id = _fixtures.merchant_id
shop = _fixtures.shop


@pytest.fixture
def owner(engine: Engine, clock: ManualClock, merchant_id: str) -> Owner:
    with writing(engine) as connection:
        user, password = users.create(
            connection,
            merchant_id=merchant_id,
            email="Owner@Bakery.test",
            clock=clock,
            password=PASSWORD,
        )
    return Owner(user.email, password)


@pytest.fixture
def browser(app_client: TestClient) -> Iterator[TestClient]:
    """A browser of the dashboard: HTTPS, cookies kept, redirects not followed."""
    client = TestClient(app_client.app, base_url="https://testserver", follow_redirects=False)
    yield client
    client.close()


@pytest.fixture
def other_shop(
    app_client: TestClient, acs_browser: TestClient, engine: Engine, clock: ManualClock
) -> object:
    from payments_world import Shop

    from mercato.gateway.merchants import create_merchant

    with writing(engine) as connection:
        made = create_merchant(
            connection, name="Other Bakery", country="US", currency="usd", clock=clock
        )
    return Shop(app_client, acs_browser, made.secret_key)
