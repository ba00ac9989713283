"""The catalog as a server process keeps it in memory: each shop's shipping rates,
categories, and products with their variants, prices and stock, checked against the
database with one small query per page (ADR 0020).

The database keeps each shop's ``catalog_version``: its triggers add one whenever anything
customers see of the catalog changes, stock included, whoever changes it (the shop's code,
the gateway's product API, a hand-written UPDATE). A page reads the version, with the
visitor's cart lines, in one statement; a process holding the catalog at that version
uses its copy, any other reloads the shop's catalog in one snapshot. So every worker shows
what the database says, as of the page's request, including stock, and a page view that
changes nothing costs one query.

    showcase = Showcase()
    look = showcase.look(engine, "trailhead", cart_id)  # NotFound for no such shop
    look.catalog.product("alpine-jacket"), look.cart_count

The copy is a whole shop's catalog: right for shops of hundreds of products, whose stock
changes a few times a second at most. A shop of many thousands would want one entry per
product.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from mercato.database.engine import reading
from mercato.shop import catalog
from mercato.shop.catalog import Category, Product, Shop
from mercato.shop.errors import NotFound
from mercato.shop.tables import cart_lines, carts, shops

NO_SHOP = "There is no shop at this address."


@dataclass(frozen=True)
class Catalog:
    """One shop's catalog at one ``version``."""

    version: int
    shop: Shop
    categories: tuple[Category, ...]
    products: tuple[Product, ...]  # on sale, in the shop's order
    _by_slug: dict[str, Product] = field(repr=False)
    _on_sale: frozenset[str] = field(repr=False)  # variant ids

    @classmethod
    def of(
        cls, version: int, shop: Shop, categories: Iterable[Category], products: list[Product]
    ) -> Catalog:
        return cls(
            version,
            shop,
            tuple(categories),
            tuple(products),
            {item.slug: item for item in products},
            frozenset(variant.id for item in products for variant in item.variants),
        )

    def product(self, slug: str) -> Product:
        found = self._by_slug.get(slug)
        if found is None:
            raise NotFound("We can't find this product. It may no longer be sold.")
        return found

    def shelf(self, category: str | None) -> list[Product]:
        """The products on one shelf (a category's slug), or all of them."""
        return [item for item in self.products if category is None or item.category == category]

    def count(self, lines: Iterable[tuple[str, int]]) -> int:
        """Items in a cart of (variant id, quantity) lines, as ``cart.Cart.count`` counts
        them: lines of items no longer sold are left out."""
        return sum(quantity for variant_id, quantity in lines if variant_id in self._on_sale)


@dataclass(frozen=True)
class Look:
    """What one page needs that may have changed: the catalog, and the visitor's cart."""

    catalog: Catalog
    cart_count: int


_VERSION = sa.select(shops.c.catalog_version).where(shops.c.slug == sa.bindparam("slug"))
_VERSION_AND_CART = (
    sa.select(shops.c.catalog_version, cart_lines.c.variant_id, cart_lines.c.quantity)
    .select_from(
        shops.outerjoin(
            carts,
            sa.and_(
                carts.c.id == sa.bindparam("cart_id"),
                carts.c.shop_id == shops.c.id,
                carts.c.status == "open",
            ),
        ).outerjoin(cart_lines, cart_lines.c.cart_id == carts.c.id)
    )
    .where(shops.c.slug == sa.bindparam("slug"))
)


_POSTGRESQL = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=8)
def _on_postgresql(statement: sa.Select[Any]) -> tuple[str, dict[str, Any]]:
    """The statement as psycopg takes it, and its bound values (the literals in it)."""
    compiled = statement.compile(dialect=_POSTGRESQL)
    return str(compiled), dict(compiled.params)


def glance(engine: Engine, statement: sa.Select[Any], values: dict[str, Any]) -> list[Any]:
    """The rows of one small query, as cheaply as the database allows. On PostgreSQL: a
    pooled connection's driver in autocommit (a single statement sees one snapshot, and
    BEGIN and COMMIT would be two more round trips), the statement compiled once and
    prepared by the server, no ORM machinery: about a third of the CPU of the same query
    through a SQLAlchemy connection, and this runs on every page. On SQLite, where Mercato's
    engine begins its own transactions: a read transaction."""
    if engine.dialect.name != "postgresql":
        with reading(engine) as connection:
            return list(connection.execute(statement, values).all())
    sql, literals = _on_postgresql(statement)
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert isinstance(driver, psycopg.Connection)
        driver.autocommit = True
        try:
            return driver.execute(sql, literals | values, prepare=True).fetchall()
        finally:
            driver.autocommit = False
    except psycopg.OperationalError:
        pooled.invalidate()  # the server dropped it: the pool makes a new one
        raise
    finally:
        pooled.close()


class Showcase:
    """The catalogs of the shops this process has served, by slug. Safe to share between
    the threads that serve requests: a catalog is immutable, and two threads that reload
    one at once both store a correct copy."""

    def __init__(self) -> None:
        self._catalogs: dict[str, Catalog] = {}
        self._lock = threading.Lock()

    def look(self, engine: Engine, slug: str, cart_id: str | None = None) -> Look:
        """The shop's catalog as the database has it now, and how many items the open cart
        ``cart_id`` holds: one query when this process has the catalog already."""
        if cart_id is None:
            rows = glance(engine, _VERSION, {"slug": slug})
        else:
            rows = glance(engine, _VERSION_AND_CART, {"slug": slug, "cart_id": cart_id})
        if not rows:
            raise NotFound(NO_SHOP)
        held = self._catalogs.get(slug)
        if held is None or held.version < rows[0][0]:  # a newer copy is as good
            held = self.reload(engine, slug)
        lines = [(row[1], row[2]) for row in rows if cart_id is not None and row[1] is not None]
        return Look(held, held.count(lines))

    def known(self, slug: str) -> Shop | None:
        """The shop, for a change that needs only its id, if this process has served it:
        from memory, without a query. (A shop's id and slug never change.)"""
        held = self._catalogs.get(slug)
        return None if held is None else held.shop

    def reload(self, engine: Engine, slug: str) -> Catalog:
        with reading(engine) as connection:
            version = connection.execute(_VERSION, {"slug": slug}).scalar_one_or_none()
            if version is None:
                raise NotFound(NO_SHOP)
            shop = catalog.find_shop(connection, slug)
            loaded = Catalog.of(
                version,
                shop,
                catalog.shop_categories(connection, shop),
                catalog.browse(connection, shop),
            )
        with self._lock:
            current = self._catalogs.get(slug)
            if current is None or current.version <= loaded.version:
                self._catalogs[slug] = loaded
        return loaded
