"""What the shopkeeper does: open a shop, set its shipping rates and shelves, list products
with their variants and stock, reprice a variant, count the shelf.

Products and prices are made through the gateway's own use cases (``products.create``,
``prices.create``), in-process and in the caller's transaction, acting for the shop's
merchant: the gateway stays the source of truth, and its events (``product.created``,
``price.created``) are recorded as for any API call. A variant is one Price of its
product, with its size and colour in the price's metadata too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import prices, products
from mercato.gateway.checkout_sessions import acting_for
from mercato.gateway.ids import new_id
from mercato.shop import stock
from mercato.shop.catalog import Shop
from mercato.shop.errors import NotFound, ShopError
from mercato.shop.shipping import EVERYWHERE_ELSE
from mercato.shop.tables import categories, shipping_rates, shops, variants
from mercato.shop.tables import products as shop_products
from mercato.tax import TaxCategory


@dataclass(frozen=True)
class VariantSpec:
    """One variant to list: its size and colour (either may be None), price and stock."""

    unit_amount: int
    on_hand: int
    size: str | None = None
    colour: str | None = None


def open_shop(
    connection: Connection,
    clock: Clock,
    *,
    merchant_id: str,
    slug: str,
    name: str,
    country: str,
    currency: str,
    prices_include_tax: bool,
    state: str | None = None,
    nexus_states: Iterable[str] = (),
    tagline: str | None = None,
) -> str:
    shop_id = new_id("shop")
    connection.execute(
        sa.insert(shops).values(
            id=shop_id,
            merchant_id=merchant_id,
            slug=slug,
            name=name,
            tagline=tagline,
            country=country.upper(),
            state=state,
            nexus_states=sorted(nexus_states),
            currency=currency.lower(),
            prices_include_tax=prices_include_tax,
            created_at=clock.now(),
        )
    )
    return shop_id


def add_shipping_rate(
    connection: Connection,
    shop_id: str,
    *,
    name: str,
    countries: Sequence[str] | None,
    amount: int,
    free_over: int | None = None,
    position: int = 0,
) -> str:
    """A flat ``amount`` to ``countries`` (None: every other country), free from
    ``free_over`` on."""
    rate_id = new_id("ship")
    connection.execute(
        sa.insert(shipping_rates).values(
            id=rate_id,
            shop_id=shop_id,
            name=name,
            countries=[EVERYWHERE_ELSE] if countries is None else sorted(countries),
            amount=amount,
            free_over=free_over,
            position=position,
        )
    )
    return rate_id


def add_category(
    connection: Connection, shop_id: str, *, slug: str, name: str, position: int = 0
) -> str:
    category_id = new_id("cat")
    connection.execute(
        sa.insert(categories).values(
            id=category_id, shop_id=shop_id, slug=slug, name=name, position=position
        )
    )
    return category_id


def _price(
    connection: Connection, clock: Clock, shop: Shop, product_id: str, spec: VariantSpec
) -> str:
    metadata = {name: value for name, value in (("size", spec.size), ("colour", spec.colour))}
    made = prices.create(
        connection,
        acting_for(shop.merchant_id),
        {
            "product": product_id,
            "currency": shop.currency.lower(),
            "unit_amount": spec.unit_amount,
            "tax_behavior": "inclusive" if shop.terms.prices_include_tax else "exclusive",
            "nickname": " / ".join(v for v in metadata.values() if v) or None,
            "metadata": {k: v for k, v in metadata.items() if v},
        },
        clock,
    )
    return str(made["id"])


def list_product(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    *,
    slug: str,
    name: str,
    description: str,
    category_id: str | None,
    colour: str,
    variants_: Sequence[VariantSpec],
    tax_category: TaxCategory = TaxCategory.STANDARD,
    position: int = 0,
) -> str:
    """A new product at the gateway, with one price per variant, and on the shop's shelf."""
    if not variants_:
        raise ShopError("A product is listed with at least one variant.")
    caller = acting_for(shop.merchant_id)
    made = products.create(
        connection,
        caller,
        {"name": name, "description": description, "shippable": True},
        clock,
    )
    product_id = str(made["id"])
    connection.execute(
        sa.insert(shop_products).values(
            id=product_id,
            shop_id=shop.id,
            category_id=category_id,
            slug=slug,
            colour=colour,
            tax_category=tax_category.value,
            position=position,
        )
    )
    for index, spec in enumerate(variants_):
        price_id = _price(connection, clock, shop, product_id, spec)
        if index == 0:
            products.update(connection, caller, product_id, {"default_price": price_id}, clock)
        _shelve(connection, shop, product_id, price_id, spec, position=index)
    return product_id


def _shelve(
    connection: Connection,
    shop: Shop,
    product_id: str,
    price_id: str,
    spec: VariantSpec,
    *,
    position: int,
) -> str:
    """The variant in the shop, at its price, with its stock; returns its id."""
    variant_id = new_id("var")
    connection.execute(
        sa.insert(variants).values(
            id=variant_id,
            shop_id=shop.id,
            product_id=product_id,
            price_id=price_id,
            size=spec.size,
            colour=spec.colour,
            position=position,
            on_hand=spec.on_hand,
            reserved=0,
        )
    )
    return variant_id


def reprice(
    connection: Connection, clock: Clock, shop: Shop, variant_id: str, unit_amount: int
) -> str:
    """A new price for a variant: a new gateway Price replaces the old one, which is
    archived (a price's amount never changes at the gateway). Carts holding the variant
    show the change and ask the customer to accept it. Returns the new price's id."""
    row = connection.execute(
        sa.select(variants).where(variants.c.id == variant_id, variants.c.shop_id == shop.id)
    ).first()
    if row is None:
        raise NotFound("No such variant.")
    caller = acting_for(shop.merchant_id)
    spec = VariantSpec(unit_amount, row.on_hand, row.size, row.colour)
    price_id = _price(connection, clock, shop, row.product_id, spec)
    product = products.retrieve(connection, caller, row.product_id, {})
    if product["default_price"] == row.price_id:
        products.update(connection, caller, row.product_id, {"default_price": price_id}, clock)
    prices.update(connection, caller, row.price_id, {"active": False}, clock)
    connection.execute(
        sa.update(variants).where(variants.c.id == variant_id).values(price_id=price_id)
    )
    return price_id


def restock(connection: Connection, variant_id: str, on_hand: int) -> None:
    """Set what is on the shelf; refused below what checkouts have reserved."""
    if on_hand < 0 or not stock.set_on_hand(connection, variant_id, on_hand):
        raise ShopError("Stock cannot be set below what open checkouts have reserved.")


# What the merchant's dashboard does to a listed product (dashboard.stockroom), each step
# through the gateway's use cases where the gateway holds the fact.


def _listed_row(connection: Connection, shop: Shop, product_id: str) -> Any:
    row = connection.execute(
        sa.select(shop_products).where(
            shop_products.c.id == product_id, shop_products.c.shop_id == shop.id
        )
    ).first()
    if row is None:
        raise NotFound("No such product in this shop.")
    return row


def _variant_row(connection: Connection, shop: Shop, variant_id: str) -> Any:
    row = connection.execute(
        sa.select(variants).where(variants.c.id == variant_id, variants.c.shop_id == shop.id)
    ).first()
    if row is None:
        raise NotFound("No such variant in this shop.")
    return row


def _refuse_twin(
    connection: Connection,
    product_id: str,
    size: str | None,
    colour: str | None,
    *,
    other_than: str | None = None,
) -> None:
    """Two variants of one product with the same size and colour: the customer could not
    tell them apart."""
    query = sa.select(variants.c.id).where(
        variants.c.product_id == product_id,
        variants.c.size.is_(None) if size is None else variants.c.size == size,
        variants.c.colour.is_(None) if colour is None else variants.c.colour == colour,
    )
    if other_than is not None:
        query = query.where(variants.c.id != other_than)
    if connection.execute(query.limit(1)).first() is not None:
        label = " / ".join(part for part in (colour, size) if part) or "with no size or colour"
        raise ShopError(f"This product already has a variant {label}.")


def add_variant(
    connection: Connection, clock: Clock, shop: Shop, product_id: str, spec: VariantSpec
) -> str:
    """Another variant of a listed product: a new gateway Price, and its stock."""
    _listed_row(connection, shop, product_id)
    _refuse_twin(connection, product_id, spec.size, spec.colour)
    last = connection.execute(
        sa.select(sa.func.max(variants.c.position)).where(variants.c.product_id == product_id)
    ).scalar_one_or_none()
    price_id = _price(connection, clock, shop, product_id, spec)
    return _shelve(
        connection, shop, product_id, price_id, spec, position=0 if last is None else last + 1
    )


def describe(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    product_id: str,
    *,
    name: str,
    description: str,
    category_id: str | None,
) -> None:
    """A listed product's name and description (the gateway's) and its shelf (the shop's)."""
    _listed_row(connection, shop, product_id)
    products.update(
        connection,
        acting_for(shop.merchant_id),
        product_id,
        {"name": name, "description": description},
        clock,
    )
    connection.execute(
        sa.update(shop_products)
        .where(shop_products.c.id == product_id)
        .values(category_id=category_id)
    )


def put_on_sale(
    connection: Connection, clock: Clock, shop: Shop, product_id: str, *, on_sale: bool
) -> None:
    """Archive a product (the gateway's ``active=false``: the shop stops showing it, carts
    holding it cannot check out) or bring it back."""
    _listed_row(connection, shop, product_id)
    products.update(
        connection, acting_for(shop.merchant_id), product_id, {"active": on_sale}, clock
    )


def relabel(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    variant_id: str,
    *,
    size: str | None,
    colour: str | None,
) -> None:
    """A variant's size and colour, in the shop and on its current gateway Price."""
    row = _variant_row(connection, shop, variant_id)
    if (row.size, row.colour) == (size, colour):
        return
    _refuse_twin(connection, row.product_id, size, colour, other_than=variant_id)
    connection.execute(
        sa.update(variants).where(variants.c.id == variant_id).values(size=size, colour=colour)
    )
    labels = {"size": size, "colour": colour}
    prices.update(
        connection,
        acting_for(shop.merchant_id),
        row.price_id,
        {
            "nickname": " / ".join(v for v in labels.values() if v) or "",
            "metadata": {k: v or "" for k, v in labels.items()},  # "" unsets, as at Stripe
        },
        clock,
    )


def recount(connection: Connection, shop: Shop, variant_id: str, *, was: int, on_hand: int) -> None:
    """The merchant counted ``on_hand`` units on the shelf, having seen ``was``: refused
    below what open checkouts have reserved, and if a sale changed the count meanwhile."""
    _variant_row(connection, shop, variant_id)
    if on_hand < 0:
        raise ShopError("Stock cannot be negative.")
    if stock.recount(connection, variant_id, was=was, on_hand=on_hand):
        return
    now = _variant_row(connection, shop, variant_id)
    if now.on_hand != was:
        raise ShopError(
            f"The stock changed while you were editing it ({was} on hand then, {now.on_hand} "
            "now): nothing was saved. Check the figures and save again."
        )
    raise ShopError(
        f"{now.reserved} are reserved by checkouts under way, so on hand cannot go below "
        f"{now.reserved}."
    )
