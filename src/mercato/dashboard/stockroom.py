"""The merchant's products and stock as the dashboard shows and edits them: every product
of the shop (archived ones too), each variant's price and its stock, on hand, reserved by
checkouts under way, and available to sell.

Edits read a form, check it field by field (``InvalidForm``), and go through the shop's
use cases (``shop.shopkeeping``), which go through the gateway's (``products``,
``prices``): the gateway stays the catalog's source of truth, a price change is a new
Price, and the API's events are recorded as for any API call. Stock is counted with a
compare-and-set (``shopkeeping.recount``): a sale between the merchant's look and their
save is reported, not overwritten (ADR 0021).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.dashboard.errors import InvalidForm
from mercato.gateway.catalog_tables import prices as gateway_prices
from mercato.gateway.catalog_tables import products as gateway_products
from mercato.money import Money, MoneyError
from mercato.shop import shopkeeping
from mercato.shop.catalog import Category, Shop
from mercato.shop.errors import NotFound
from mercato.shop.shopkeeping import VariantSpec
from mercato.shop.tables import categories, variants
from mercato.shop.tables import products as shop_products
from mercato.tax import TaxCategory

MOST_ON_HAND = 1_000_000
TAX_CATEGORIES: dict[str, str] = {
    TaxCategory.STANDARD.value: "Standard rate",
    TaxCategory.REDUCED.value: "Reduced rate (food, books…)",
    TaxCategory.SECOND_REDUCED.value: "Second reduced rate",
    TaxCategory.SUPER_REDUCED.value: "Super-reduced rate",
    TaxCategory.EXEMPT.value: "Exempt from tax",
}
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class StockedVariant:
    id: str
    size: str | None
    colour: str | None
    price: Money
    on_hand: int
    reserved: int  # held for checkouts under way

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def label(self) -> str:
        return " / ".join(part for part in (self.colour, self.size) if part) or "Standard"


@dataclass(frozen=True)
class StockedProduct:
    id: str
    slug: str
    name: str
    description: str
    category_id: str | None
    category: str | None
    tax_category: TaxCategory
    active: bool
    variants: tuple[StockedVariant, ...]

    @property
    def on_hand(self) -> int:
        return sum(v.on_hand for v in self.variants)

    @property
    def reserved(self) -> int:
        return sum(v.reserved for v in self.variants)

    @property
    def available(self) -> int:
        return sum(v.available for v in self.variants)

    @property
    def prices(self) -> str:
        amounts = sorted({v.price.minor for v in self.variants})
        if not amounts:
            return ""
        currency = self.variants[0].price.currency
        low, high = (Money.of_minor(m, currency).format() for m in (amounts[0], amounts[-1]))
        return low if low == high else f"{low} to {high}"


def _query(shop: Shop) -> sa.Select[Any]:
    return (
        sa.select(
            shop_products.c.id,
            shop_products.c.slug,
            shop_products.c.category_id,
            shop_products.c.tax_category,
            categories.c.name.label("category"),
            gateway_products.c.name,
            gateway_products.c.description,
            gateway_products.c.active,
        )
        .join(gateway_products, gateway_products.c.id == shop_products.c.id)
        .outerjoin(categories, categories.c.id == shop_products.c.category_id)
        .where(shop_products.c.shop_id == shop.id, gateway_products.c.deleted_at.is_(None))
        .order_by(shop_products.c.position, shop_products.c.slug)
    )


def _variants(connection: Connection, product_ids: list[str]) -> dict[str, list[StockedVariant]]:
    rows = connection.execute(
        sa.select(variants, gateway_prices.c.unit_amount, gateway_prices.c.currency)
        .join(gateway_prices, gateway_prices.c.id == variants.c.price_id)
        .where(variants.c.product_id.in_(product_ids))
        .order_by(variants.c.product_id, variants.c.position)
    ).all()
    found: dict[str, list[StockedVariant]] = {}
    for row in rows:
        found.setdefault(row.product_id, []).append(
            StockedVariant(
                id=row.id,
                size=row.size,
                colour=row.colour,
                price=Money.of_minor(row.unit_amount, row.currency),
                on_hand=row.on_hand,
                reserved=row.reserved,
            )
        )
    return found


def _stocked(connection: Connection, query: sa.Select[Any]) -> list[StockedProduct]:
    rows = connection.execute(query).all()
    by_product = _variants(connection, [row.id for row in rows])
    return [
        StockedProduct(
            id=row.id,
            slug=row.slug,
            name=row.name,
            description=row.description or "",
            category_id=row.category_id,
            category=row.category,
            tax_category=TaxCategory(row.tax_category),
            active=row.active,
            variants=tuple(by_product.get(row.id, ())),
        )
        for row in rows
    ]


def shelf(connection: Connection, shop: Shop) -> list[StockedProduct]:
    """Every product of the shop, on sale or archived, with its variants' stock."""
    return _stocked(connection, _query(shop))


def stocked(connection: Connection, shop: Shop, product_id: str) -> StockedProduct:
    found = _stocked(connection, _query(shop).where(shop_products.c.id == product_id))
    if not found:
        raise NotFound("No such product in this shop.")
    return found[0]


# Reading the forms -----------------------------------------------------------------------


class _Reader:
    """A form's fields read one by one; what is wrong is kept per field and raised at the
    end (``done``), so the page can show every problem at once."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.problems: dict[str, str] = {}

    def text(
        self, name: str, what: str, *, longest: int, required: bool = False, lines: bool = False
    ) -> str:
        raw = self.form.get(name, "")
        value = raw.strip() if lines else " ".join(raw.split())
        if required and not value:
            self.problems[name] = f"Enter the {what}."
        elif len(value) > longest:
            self.problems[name] = f"The {what} is at most {longest} characters."
        return value

    def optional(self, name: str, what: str, *, longest: int) -> str | None:
        return self.text(name, what, longest=longest) or None

    def amount(self, name: str, currency: str) -> int:
        text = self.form.get(name, "").strip()
        example = Money.of_minor(1250, currency).format()
        try:
            minor = Money.parse(text, currency).minor
        except MoneyError:
            self.problems[name] = f"Enter a price in {currency.upper()}, such as {example}."
            return 0
        if minor <= 0:
            self.problems[name] = "The price must be more than zero."
        return minor

    def count(self, name: str) -> int:
        text = self.form.get(name, "").strip()
        if not text.isdigit() or int(text) > MOST_ON_HAND:
            self.problems[name] = f"Enter a whole number from 0 to {MOST_ON_HAND:,}."
            return 0
        return int(text)

    def choice(self, name: str, allowed: Mapping[str, Any], what: str) -> str:
        value = self.form.get(name, "")
        if value not in allowed:
            self.problems[name] = f"Choose the {what}."
        return value

    def done(self) -> None:
        if self.problems:
            raise InvalidForm(self.problems)


def _category(reader: _Reader, shelves: list[Category]) -> str | None:
    if not reader.form.get("category"):
        return None
    return reader.choice("category", {c.id: c for c in shelves}, "shelf") or None


def _variant(reader: _Reader, shop: Shop, *, prefix: str = "") -> VariantSpec:
    return VariantSpec(
        unit_amount=reader.amount(f"{prefix}price", shop.currency),
        on_hand=reader.count(f"{prefix}on_hand"),
        size=reader.optional(f"{prefix}size", "size", longest=20),
        colour=reader.optional(f"{prefix}colour", "colour", longest=30),
    )


def _slug(connection: Connection, shop: Shop, name: str) -> str:
    """A free address for the product in the shop, from its name."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "product"
    taken = set(
        connection.execute(
            sa.select(shop_products.c.slug).where(
                shop_products.c.shop_id == shop.id, shop_products.c.slug.like(f"{base}%")
            )
        ).scalars()
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def placeholder_colour(name: str) -> str:
    """A colour for the product's placeholder picture when the merchant picks none."""
    return "#" + hashlib.sha256(name.encode()).hexdigest()[:6]


# The edits ---------------------------------------------------------------------------------


def create_product(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    *,
    shelves: list[Category],
    form: Mapping[str, str],
) -> str:
    """A new product from the New product form, with its first variant and stock; returns
    its id."""
    reader = _Reader(form)
    name = reader.text("name", "product's name", longest=250, required=True)
    description = reader.text("description", "description", longest=5000, lines=True)
    category_id = _category(reader, shelves)
    tax = reader.choice("tax_category", TAX_CATEGORIES, "tax rate")
    colour = form.get("image_colour", "") or placeholder_colour(name)
    if not _COLOUR.fullmatch(colour):
        reader.problems["image_colour"] = "Choose a colour such as #4338ca."
    spec = _variant(reader, shop)
    reader.done()
    position = connection.execute(
        sa.select(sa.func.count()).where(shop_products.c.shop_id == shop.id)
    ).scalar_one()
    return shopkeeping.list_product(
        connection,
        clock,
        shop,
        slug=_slug(connection, shop, name),
        name=name,
        description=description,
        category_id=category_id,
        colour=colour.lower(),
        variants_=[spec],
        tax_category=TaxCategory(tax),
        position=int(position),
    )


def edit_product(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    product_id: str,
    *,
    shelves: list[Category],
    form: Mapping[str, str],
) -> None:
    reader = _Reader(form)
    name = reader.text("name", "product's name", longest=250, required=True)
    description = reader.text("description", "description", longest=5000, lines=True)
    category_id = _category(reader, shelves)
    reader.done()
    shopkeeping.describe(
        connection,
        clock,
        shop,
        product_id,
        name=name,
        description=description,
        category_id=category_id,
    )


def add_variant(
    connection: Connection, clock: Clock, shop: Shop, product_id: str, form: Mapping[str, str]
) -> str:
    reader = _Reader(form)
    spec = _variant(reader, shop)
    reader.done()
    return shopkeeping.add_variant(connection, clock, shop, product_id, spec)


def edit_variant(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    product: StockedProduct,
    *,
    variant_id: str,
    form: Mapping[str, str],
) -> None:
    """A variant's size, colour, price and count on the shelf, changed together or not at
    all (one transaction, the caller's)."""
    variant = next((v for v in product.variants if v.id == variant_id), None)
    if variant is None:
        raise NotFound("No such variant of this product.")
    reader = _Reader(form)
    spec = _variant(reader, shop)
    was = reader.count("was_on_hand")
    reader.done()
    shopkeeping.relabel(connection, clock, shop, variant.id, size=spec.size, colour=spec.colour)
    if spec.unit_amount != variant.price.minor:
        shopkeeping.reprice(connection, clock, shop, variant.id, spec.unit_amount)
    if spec.on_hand != was:
        shopkeeping.recount(connection, shop, variant.id, was=was, on_hand=spec.on_hand)
