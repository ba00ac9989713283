"""The owner's shop for the dashboard's product and order tests: the demo's outdoor shop
seeded for the owner's merchant (a US shop in Colorado, prices before sales tax), a
customer who buys in it on the shop's pages and the gateway's hosted payment page (the
shop's own test world, ``integration.shop.shop_world``), and the worker's shop duties."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from dashboard_world import PASSWORD, sign_in
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from integration.shop.shop_world import Browser, run_duties
from mercato.clock import ManualClock
from mercato.dashboard import users
from mercato.database.engine import writing
from mercato.gateway.merchants import create_merchant
from mercato.shop.demo import seed_demo_shop

__all__ = ["customer", "other_owner_browser", "storefront"]
"""The fixtures: what a test module takes with ``from storefront_world import *``."""

DENVER = {
    "email": "sam@example.com",
    "shipping_name": "Sam Rivera",
    "shipping_line1": "1500 Wynkoop St",
    "shipping_city": "Denver",
    "shipping_state": "CO",
    "shipping_postal_code": "80202",
    "shipping_country": "US",
    "billing_same": "1",
}


@pytest.fixture
def storefront(engine: Engine, clock: ManualClock, merchant_id: str) -> str:
    """The owner's shop's path, ``/shop/trailhead``."""
    return seed_demo_shop(engine, clock, merchant_id)


@pytest.fixture
def customer(app_client: TestClient, storefront: str) -> Browser:
    """A customer's browser on the owner's shop (cookies of its own)."""
    client = TestClient(app_client.app)
    return Browser(client, storefront)


@pytest.fixture
def other_owner_browser(
    app_client: TestClient, engine: Engine, clock: ManualClock
) -> Iterator[TestClient]:
    """The browser of another merchant's owner, signed in to their own dashboard."""
    with writing(engine) as connection:
        made = create_merchant(
            connection, name="Other Outfitters", country="US", currency="usd", clock=clock
        )
        user, password = users.create(
            connection,
            merchant_id=made.merchant.id,
            email="owner@other-outfitters.test",
            clock=clock,
            password=PASSWORD,
        )
    client = TestClient(app_client.app, base_url="https://testserver", follow_redirects=False)
    sign_in(client, user.email, password)
    yield client
    client.close()


def checked_out(
    customer: Browser, product: str, variant: str = "Standard", quantity: int = 1
) -> str:
    """The customer puts ``quantity`` in the cart and checks out: the stock is reserved
    and the order waits for payment. Returns the hosted payment page's address."""
    customer.add(product, variant, quantity)
    to_pay = customer.check_out(DENVER)
    assert to_pay.status_code == 303, to_pay.text
    return str(to_pay.headers["location"])


def bought(
    customer: Browser,
    engine: Engine,
    clock: ManualClock,
    *,
    product: str = "headlamp-400",
    variant: str = "Standard",
    quantity: int = 1,
) -> str:
    """The customer buys and pays; the worker sees the payment. Returns the order's id."""
    paid = customer.pay(checked_out(customer, product, variant, quantity))
    assert paid.status_code == 303, paid.text
    assert run_duties(engine, clock)["confirmed"] == 1
    found = re.search(r"ord_\w+", paid.headers["location"])
    assert found is not None
    return found.group(0)
