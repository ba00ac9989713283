"""Each server process keeps the shop's catalog in memory (ADR 0020), yet no customer sees
it stale: whatever changes the catalog, in whichever process, even by hand in the
database, the next page of every process shows it, stock included. Two apps on one
database stand for two server workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from shop_world import Browser, text_of
from sqlalchemy.engine import Engine

from mercato.api.app import create_app
from mercato.clock import ManualClock
from mercato.database.engine import reading, writing
from mercato.gateway.merchants import create_merchant
from mercato.settings import Settings
from mercato.shop import catalog, shopkeeping
from mercato.shop.demo import seed_demo_shop
from mercato.shop.tables import variants
from mercato.shop.web.cookies import CART_COOKIE, CSRF_COOKIE


@pytest.fixture
def secret_key_and_shop(engine: Engine, clock: ManualClock) -> tuple[str, str]:
    """The demo's outdoor shop, and its merchant's secret API key."""
    with writing(engine) as connection:
        made = create_merchant(
            connection, name="Trailhead GmbH", country="DE", currency="eur", clock=clock
        )
    return made.secret_key, seed_demo_shop(engine, clock, made.merchant.id)


@pytest.fixture
def servers(
    database_url: str, engine: Engine, clock: ManualClock, tmp_path: Path
) -> Iterator[tuple[TestClient, TestClient]]:
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    with (
        TestClient(create_app(settings, clock=clock)) as first,
        TestClient(create_app(settings, clock=clock)) as second,
    ):
        yield first, second


def _mug(engine: Engine, path: str) -> catalog.Product:
    with reading(engine) as connection:
        shop = catalog.find_shop(connection, path.rsplit("/", 1)[1])
        return catalog.product(connection, shop, "titanium-camp-mug")


def test_a_product_renamed_or_archived_at_the_gateway_changes_on_every_server_at_once(
    servers: tuple[TestClient, TestClient], secret_key_and_shop: tuple[str, str], engine: Engine
) -> None:
    shown, api = servers
    key, path = secret_key_and_shop
    customer = Browser(shown, path)
    assert "Titanium Camp Mug" in text_of(customer.open("p/titanium-camp-mug"))
    mug = _mug(engine, path)
    merchant = {"Authorization": f"Bearer {key}"}

    renamed = api.post(f"/v1/products/{mug.id}", data={"name": "Titan Mug"}, headers=merchant)
    assert renamed.status_code == 200
    assert "Titan Mug €29.00" in text_of(customer.open("p/titanium-camp-mug"))
    assert "Titan Mug €29.00 Only 3 left" in text_of(customer.open(path))

    archived = api.post(f"/v1/products/{mug.id}", data={"active": "false"}, headers=merchant)
    assert archived.status_code == 200
    assert customer.open("p/titanium-camp-mug").status_code == 404
    assert "Titan Mug" not in text_of(customer.open(path))


def test_stock_changed_elsewhere_is_what_the_next_page_says_and_what_an_add_is_held_to(
    servers: tuple[TestClient, TestClient],
    secret_key_and_shop: tuple[str, str],
    engine: Engine,
    clock: ManualClock,
) -> None:
    shown, _ = servers
    _, path = secret_key_and_shop
    customer = Browser(shown, path)
    assert "€29.00 Only 3 left" in text_of(customer.open("p/titanium-camp-mug"))
    [cup] = _mug(engine, path).variants

    with writing(engine) as connection:  # by hand, as an operator fixing a count might
        connection.execute(sa.update(variants).where(variants.c.id == cup.id).values(on_hand=1))
    assert "€29.00 Only 1 left" in text_of(customer.open("p/titanium-camp-mug"))
    refused = customer.add("titanium-camp-mug", quantity=2)
    assert refused.status_code == 409
    assert "you can have at most 1" in text_of(refused)

    with writing(engine) as connection:
        shopkeeping.restock(connection, cup.id, 40)
    assert "€29.00 In stock" in text_of(customer.open("p/titanium-camp-mug"))
    assert "Added to your cart." in text_of(customer.add("titanium-camp-mug", quantity=2))


def test_the_cart_count_on_every_page_is_the_cart_as_the_database_has_it(
    servers: tuple[TestClient, TestClient], secret_key_and_shop: tuple[str, str]
) -> None:
    first, second = servers
    _, path = secret_key_and_shop
    Browser(first, path).add("headlamp-400", quantity=2)
    # The same browser's next request happens to reach the other server.
    for name in (CART_COOKIE, CSRF_COOKIE):
        second.cookies.set(name, str(first.cookies.get(name)))
    on_the_other = Browser(second, path)
    assert "Cart 2" in text_of(on_the_other.open("p/titanium-camp-mug"))
    on_the_other.add("titanium-camp-mug")
    assert "Cart 3" in text_of(Browser(first, path).open("p/headlamp-400"))
    assert "Cart 3" in text_of(Browser(first, path).open(path))
