"""What the shop's tests share, on SQLite and on PostgreSQL: the platform's app in-process
with the demo's outdoor shop seeded for a German merchant, and, for the tests that pay,
the simulated issuing bank behind a real ISO 8583 socket (the checkout's fixtures:
``app``, ``issuer_url``, ``bank``, ``bank_pages``, ``wired_app``, which also verifies the
platform's books after each test that pays)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from shop_world import Browser
from sqlalchemy.engine import Engine

from checkout_fixtures import app, bank, bank_pages, issuer_url, wired_app
from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.gateway.merchants import create_merchant
from mercato.shop.demo import seed_demo_shop

__all__ = ["app", "bank", "bank_pages", "customer", "issuer_url", "shop_path", "wired_app"]


@pytest.fixture
def shop_path(engine: Engine, clock: ManualClock) -> str:
    """The demo's outdoor shop, for a merchant in Germany selling in euros."""
    with writing(engine) as connection:
        made = create_merchant(
            connection, name="Trailhead GmbH", country="DE", currency="eur", clock=clock
        )
    return seed_demo_shop(engine, clock, made.merchant.id)


@pytest.fixture
def customer(app: TestClient, shop_path: str) -> Browser:
    return Browser(app, shop_path)
