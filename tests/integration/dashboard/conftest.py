"""The dashboard over HTTP(S) inside one process: the payments world of
``tests/integration/payments`` (the v1 API, the processor, the issuing bank on a real
ISO 8583 socket), on SQLite and on PostgreSQL, and a browser-like client that keeps
cookies and speaks HTTPS to the app (the session cookie is Secure)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dashboard_world import PASSWORD, Owner
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.dashboard import users
from mercato.database.engine import writing
from payments_fixtures import *  # noqa: F403 -- the shared fixtures, registered by this import


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
    from mercato.gateway.merchants import create_merchant
    from payments_world import Shop

    with writing(engine) as connection:
        made = create_merchant(
            connection, name="Other Bakery", country="US", currency="usd", clock=clock
        )
    return Shop(app_client, acs_browser, made.secret_key)
