"""The catalog as customers browse it: a shop, its categories, its products with their
variants, prices and stock, and search.

Names, descriptions and prices are the gateway's (``gateway_products``, ``gateway_prices``),
read in the same database; the shop adds where each product is shelved, its variants and
their stock. A product archived at the gateway (``active=false``) or deleted is not shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.gateway.catalog_tables import prices as gateway_prices
from mercato.gateway.catalog_tables import products as gateway_products
from mercato.money import Money
from mercato.shop import stock
from mercato.shop.errors import NotFound
from mercato.shop.shipping import EVERYWHERE_ELSE, ShippingRate
from mercato.shop.tables import categories, products, shipping_rates, shops, variants
from mercato.shop.totals import Terms
from mercato.tax import TaxCategory

MAX_SEARCH = 100


@dataclass(frozen=True)
class Shop:
    id: str
    merchant_id: str
    slug: str
    name: str
    tagline: str | None
    terms: Terms
    rates: tuple[ShippingRate, ...]

    @property
    def currency(self) -> str:
        return self.terms.currency

    @property
    def countries(self) -> list[str]:
        """The countries the shop ships to by name (others only by an "everywhere" rate)."""
        named = {c for rate in self.rates if rate.countries for c in rate.countries}
        return sorted(named)

    @property
    def ships_everywhere(self) -> bool:
        return any(rate.countries is None for rate in self.rates)


@dataclass(frozen=True)
class Category:
    id: str
    slug: str
    name: str


@dataclass(frozen=True)
class Variant:
    id: str
    product_id: str
    price_id: str
    size: str | None
    colour: str | None
    price: Money
    available: int

    @property
    def label(self) -> str:
        return " / ".join(part for part in (self.colour, self.size) if part) or "Standard"

    @property
    def stock_label(self) -> str:
        return stock.label(self.available)


@dataclass(frozen=True)
class Product:
    id: str
    slug: str
    name: str
    description: str
    colour: str
    category: str | None
    tax_category: TaxCategory
    variants: tuple[Variant, ...]

    @property
    def from_price(self) -> Money | None:
        amounts = [variant.price for variant in self.variants]
        return min(amounts, key=lambda m: m.minor) if amounts else None

    @property
    def varies_in_price(self) -> bool:
        return len({variant.price.minor for variant in self.variants}) > 1

    @property
    def available(self) -> int:
        return sum(variant.available for variant in self.variants)

    @property
    def stock_label(self) -> str:
        return stock.label(self.available)

    @property
    def sizes(self) -> list[str]:
        return list(dict.fromkeys(v.size for v in self.variants if v.size))

    @property
    def colours(self) -> list[str]:
        return list(dict.fromkeys(v.colour for v in self.variants if v.colour))


def _rate(row: Any, currency: str) -> ShippingRate:
    countries = None if EVERYWHERE_ELSE in row.countries else frozenset(row.countries)
    free_over = None if row.free_over is None else Money.of_minor(row.free_over, currency)
    return ShippingRate(
        row.id, row.name, countries, Money.of_minor(row.amount, currency), free_over
    )


def _shop(connection: Connection, row: Any) -> Shop:
    rates = connection.execute(
        sa.select(shipping_rates)
        .where(shipping_rates.c.shop_id == row.id)
        .order_by(shipping_rates.c.position)
    ).all()
    terms = Terms(
        country=row.country,
        currency=row.currency.upper(),
        prices_include_tax=row.prices_include_tax,
        state=row.state,
        nexus_states=frozenset(row.nexus_states),
    )
    return Shop(
        id=row.id,
        merchant_id=row.merchant_id,
        slug=row.slug,
        name=row.name,
        tagline=row.tagline,
        terms=terms,
        rates=tuple(_rate(rate, terms.currency) for rate in rates),
    )


def find_shop(connection: Connection, slug: str) -> Shop:
    row = connection.execute(sa.select(shops).where(shops.c.slug == slug)).first()
    if row is None:
        raise NotFound("There is no shop at this address.")
    return _shop(connection, row)


def shop_of_merchant(connection: Connection, merchant_id: str) -> Shop | None:
    row = connection.execute(
        sa.select(shops).where(shops.c.merchant_id == merchant_id).order_by(shops.c.id)
    ).first()
    return None if row is None else _shop(connection, row)


def shop_categories(connection: Connection, shop: Shop) -> list[Category]:
    rows = connection.execute(
        sa.select(categories)
        .where(categories.c.shop_id == shop.id)
        .order_by(categories.c.position, categories.c.name)
    ).all()
    return [Category(row.id, row.slug, row.name) for row in rows]


def _listed(shop: Shop) -> sa.Select[Any]:
    """The shop's products on sale, with what the gateway says of them."""
    return (
        sa.select(
            products.c.id,
            products.c.slug,
            products.c.colour,
            products.c.tax_category,
            categories.c.slug.label("category"),
            gateway_products.c.name,
            gateway_products.c.description,
        )
        .join(gateway_products, gateway_products.c.id == products.c.id)
        .outerjoin(categories, categories.c.id == products.c.category_id)
        .where(
            products.c.shop_id == shop.id,
            gateway_products.c.active.is_(True),
            gateway_products.c.deleted_at.is_(None),
        )
        .order_by(products.c.position, products.c.slug)
    )


def _variants(connection: Connection, product_ids: Sequence[str]) -> dict[str, list[Variant]]:
    rows = connection.execute(
        sa.select(
            variants,
            gateway_prices.c.unit_amount,
            gateway_prices.c.currency,
        )
        .join(gateway_prices, gateway_prices.c.id == variants.c.price_id)
        .where(variants.c.product_id.in_(list(product_ids)))
        .order_by(variants.c.product_id, variants.c.position)
    ).all()
    found: dict[str, list[Variant]] = {}
    for row in rows:
        found.setdefault(row.product_id, []).append(_variant(row))
    return found


def _variant(row: Any) -> Variant:
    """A variant from its row joined with its price's amount and currency."""
    return Variant(
        id=row.id,
        product_id=row.product_id,
        price_id=row.price_id,
        size=row.size,
        colour=row.colour,
        price=Money.of_minor(row.unit_amount, row.currency),
        available=row.on_hand - row.reserved,
    )


def _products(connection: Connection, query: sa.Select[Any]) -> list[Product]:
    rows = connection.execute(query).all()
    by_product = _variants(connection, [row.id for row in rows])
    return [
        Product(
            id=row.id,
            slug=row.slug,
            name=row.name,
            description=row.description or "",
            colour=row.colour,
            category=row.category,
            tax_category=TaxCategory(row.tax_category),
            variants=tuple(by_product.get(row.id, ())),
        )
        for row in rows
        if by_product.get(row.id)
    ]


def browse(connection: Connection, shop: Shop, category: str | None = None) -> list[Product]:
    """The shop's products, on one shelf (a category's slug) or all of them."""
    query = _listed(shop)
    if category is not None:
        query = query.where(categories.c.slug == category)
    return _products(connection, query)


def search(connection: Connection, shop: Shop, text: str) -> list[Product]:
    """Products whose name or description contains ``text``, whatever its case."""
    words = text.strip().lower()[:MAX_SEARCH]
    if not words:
        return []
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    query = _listed(shop).where(
        sa.or_(
            sa.func.lower(gateway_products.c.name).like(pattern, escape="\\"),
            sa.func.lower(gateway_products.c.description).like(pattern, escape="\\"),
        )
    )
    return _products(connection, query)


def product(connection: Connection, shop: Shop, slug: str) -> Product:
    found = _products(connection, _listed(shop).where(products.c.slug == slug))
    if not found:
        raise NotFound("We can't find this product. It may no longer be sold.")
    return found[0]


def product_by_id(connection: Connection, shop: Shop, product_id: str) -> Product:
    found = _products(connection, _listed(shop).where(products.c.id == product_id))
    if not found:
        raise NotFound("We can't find this product. It may no longer be sold.")
    return found[0]


def variant_of(connection: Connection, shop: Shop, variant_id: str) -> tuple[Product, Variant]:
    """A variant on sale in this shop, with its product."""
    product_id = connection.execute(
        sa.select(variants.c.product_id).where(
            variants.c.id == variant_id, variants.c.shop_id == shop.id
        )
    ).scalar_one_or_none()
    if product_id is None:
        raise NotFound("We can't find this item. It may no longer be sold.")
    item = product_by_id(connection, shop, product_id)
    for variant in item.variants:
        if variant.id == variant_id:
            return item, variant
    raise NotFound("We can't find this item. It may no longer be sold.")


def on_sale(connection: Connection, shop: Shop, variant_id: str) -> tuple[str, Variant]:
    """A variant on sale in this shop, with its product's name, as it is now (its stock
    read in this statement): one query, for changes to a cart."""
    row = connection.execute(_ON_SALE, {"variant_id": variant_id, "shop_id": shop.id}).first()
    if row is None:
        raise NotFound("We can't find this item. It may no longer be sold.")
    return str(row.name), _variant(row)


_ON_SALE = (
    sa.select(
        variants, gateway_prices.c.unit_amount, gateway_prices.c.currency, gateway_products.c.name
    )
    .join(gateway_prices, gateway_prices.c.id == variants.c.price_id)
    .join(products, products.c.id == variants.c.product_id)
    .join(gateway_products, gateway_products.c.id == variants.c.product_id)
    .where(
        variants.c.id == sa.bindparam("variant_id"),
        variants.c.shop_id == sa.bindparam("shop_id"),
        products.c.shop_id == variants.c.shop_id,
        gateway_products.c.active.is_(True),
        gateway_products.c.deleted_at.is_(None),
    )
)


def colour_of(connection: Connection, shop: Shop, slug: str) -> tuple[str, str]:
    """The name and colour of a product, for its placeholder image."""
    row = connection.execute(
        sa.select(gateway_products.c.name, products.c.colour)
        .join(gateway_products, gateway_products.c.id == products.c.id)
        .where(products.c.shop_id == shop.id, products.c.slug == slug)
    ).first()
    if row is None:
        raise NotFound("No such product.")
    return str(row.name), str(row.colour)
