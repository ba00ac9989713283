"""The cart: what a customer means to buy, kept in the database under an id that their
browser holds in a signed cookie (``web/cookies.py``).

Each line remembers the unit price the customer saw when they added it. A price changed
since (the merchant repriced the variant) is shown beside the line with both amounts, and
checkout waits until the customer accepts the new prices (``accept_prices``). Stock is
checked on every change, but reserved only at checkout (``orders.place``).

Every change takes the cart's row lock and bumps its ``version``: an order remembers the
version it was made from, so a second press of Pay on the same cart finds that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway.ids import new_id
from mercato.money import Money
from mercato.shop import catalog
from mercato.shop.catalog import Product, Shop, Variant
from mercato.shop.errors import CartClosed, NotFound, OutOfStock, QuantityLimit
from mercato.shop.tables import cart_lines, carts
from mercato.shop.totals import Line

MAX_QUANTITY = 10
"""Of one variant in one order."""
MAX_LINES = 30


@dataclass(frozen=True)
class CartLine:
    id: str
    product: Product
    variant: Variant
    quantity: int
    seen: Money  # the unit price the customer accepted

    @property
    def price(self) -> Money:
        return self.variant.price

    @property
    def price_changed(self) -> bool:
        return self.seen != self.price

    @property
    def amount(self) -> Money:
        return self.price * self.quantity

    @property
    def too_many(self) -> bool:
        return self.quantity > self.variant.available

    def as_line(self) -> Line:
        return Line(
            reference=self.variant.id,
            description=self.description,
            unit_price=self.price,
            quantity=self.quantity,
            category=self.product.tax_category,
        )

    @property
    def description(self) -> str:
        if self.variant.label == "Standard":
            return self.product.name
        return f"{self.product.name} ({self.variant.label})"


@dataclass(frozen=True)
class Cart:
    id: str
    version: int
    country: str | None
    lines: tuple[CartLine, ...]
    gone: int  # lines whose item is no longer sold, left out

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def price_changes(self) -> list[CartLine]:
        return [line for line in self.lines if line.price_changed]

    def totals_lines(self) -> list[Line]:
        return [line.as_line() for line in self.lines]


EMPTY = Cart(id="", version=0, country=None, lines=(), gone=0)


def start(connection: Connection, clock: Clock, shop: Shop) -> str:
    cart_id = new_id("cart")
    now = clock.now()
    connection.execute(
        sa.insert(carts).values(
            id=cart_id,
            shop_id=shop.id,
            status="open",
            version=0,
            country=None,
            created_at=now,
            updated_at=now,
        )
    )
    return cart_id


def _row(connection: Connection, shop: Shop, cart_id: str, *, lock: bool = False) -> Any:
    query = sa.select(carts).where(carts.c.id == cart_id, carts.c.shop_id == shop.id)
    return connection.execute(query.with_for_update() if lock else query).first()


def is_open(connection: Connection, shop: Shop, cart_id: str) -> bool:
    row = _row(connection, shop, cart_id)
    return row is not None and row.status == "open"


def lock_open(connection: Connection, shop: Shop, cart_id: str) -> Any:
    row = _row(connection, shop, cart_id, lock=True)
    if row is None:
        raise NotFound("We can't find your cart.")
    if row.status != "open":
        raise CartClosed("This cart has been paid for already. Your order is on its way.")
    return row


def _touch(connection: Connection, clock: Clock, cart_id: str) -> None:
    connection.execute(
        sa.update(carts)
        .where(carts.c.id == cart_id)
        .values(version=carts.c.version + 1, updated_at=clock.now())
    )


def _checked(quantity: int, variant: Variant, name: str) -> None:
    if quantity < 1:
        raise QuantityLimit("Choose a quantity of at least 1.")
    if quantity > MAX_QUANTITY:
        raise QuantityLimit(f"You can buy at most {MAX_QUANTITY} of one item per order.")
    if quantity > variant.available:
        raise OutOfStock(name, variant.available)


def add(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    cart_id: str,
    *,
    variant_id: str,
    quantity: int,
) -> None:
    """Add ``quantity`` of a variant (more of it, if the cart has some already)."""
    lock_open(connection, shop, cart_id)
    product, variant = catalog.variant_of(connection, shop, variant_id)
    existing = connection.execute(
        sa.select(cart_lines).where(
            cart_lines.c.cart_id == cart_id, cart_lines.c.variant_id == variant_id
        )
    ).first()
    name = product.name if variant.label == "Standard" else f"{product.name} ({variant.label})"
    total = quantity + (existing.quantity if existing is not None else 0)
    if quantity < 1:
        raise QuantityLimit("Choose a quantity of at least 1.")
    _checked(total, variant, name)
    if existing is None:
        count = connection.execute(
            sa.select(sa.func.count()).where(cart_lines.c.cart_id == cart_id)
        ).scalar_one()
        if count >= MAX_LINES:
            raise QuantityLimit(f"A cart holds at most {MAX_LINES} different items.")
        connection.execute(
            sa.insert(cart_lines).values(
                id=new_id("cl"),
                cart_id=cart_id,
                variant_id=variant_id,
                quantity=total,
                unit_amount=variant.price.minor,
                created_at=clock.now(),
            )
        )
    else:
        connection.execute(
            sa.update(cart_lines)
            .where(cart_lines.c.id == existing.id)
            .values(quantity=total, unit_amount=variant.price.minor)
        )
    _touch(connection, clock, cart_id)


def change(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    cart_id: str,
    *,
    line_id: str,
    quantity: int,
) -> None:
    """Set a line's quantity; 0 removes it."""
    lock_open(connection, shop, cart_id)
    line = connection.execute(
        sa.select(cart_lines).where(cart_lines.c.id == line_id, cart_lines.c.cart_id == cart_id)
    ).first()
    if line is None:
        raise NotFound("That item is no longer in your cart.")
    if quantity == 0:
        connection.execute(sa.delete(cart_lines).where(cart_lines.c.id == line_id))
    else:
        product, variant = catalog.variant_of(connection, shop, line.variant_id)
        _checked(quantity, variant, product.name)
        connection.execute(
            sa.update(cart_lines).where(cart_lines.c.id == line_id).values(quantity=quantity)
        )
    _touch(connection, clock, cart_id)


def remove(connection: Connection, clock: Clock, shop: Shop, cart_id: str, line_id: str) -> None:
    change(connection, clock, shop, cart_id, line_id=line_id, quantity=0)


def accept_prices(connection: Connection, clock: Clock, shop: Shop, cart_id: str) -> None:
    """The customer has seen the new prices: the lines take them."""
    lock_open(connection, shop, cart_id)
    for line in load(connection, shop, cart_id).lines:
        if line.price_changed:
            connection.execute(
                sa.update(cart_lines)
                .where(cart_lines.c.id == line.id)
                .values(unit_amount=line.price.minor)
            )
    _touch(connection, clock, cart_id)


def ship_to(connection: Connection, clock: Clock, shop: Shop, cart_id: str, country: str) -> None:
    """Where the cart's estimate of shipping and tax is for."""
    lock_open(connection, shop, cart_id)
    connection.execute(
        sa.update(carts)
        .where(carts.c.id == cart_id)
        .values(country=country, updated_at=clock.now())
    )


def load(connection: Connection, shop: Shop, cart_id: str) -> Cart:
    """The open cart with its lines as they are now, or ``EMPTY``."""
    row = _row(connection, shop, cart_id)
    if row is None or row.status != "open":
        return EMPTY
    rows = connection.execute(
        sa.select(cart_lines)
        .where(cart_lines.c.cart_id == cart_id)
        .order_by(cart_lines.c.created_at, cart_lines.c.id)
    ).all()
    lines, gone = [], 0
    for line in rows:
        try:
            product, variant = catalog.variant_of(connection, shop, line.variant_id)
        except NotFound:
            gone += 1
            continue
        seen = Money.of_minor(line.unit_amount, variant.price.currency)
        lines.append(CartLine(line.id, product, variant, line.quantity, seen))
    return Cart(row.id, row.version, row.country, tuple(lines), gone)


def close(connection: Connection, cart_id: str) -> None:
    """The cart was paid for: it is no longer anyone's open cart."""
    connection.execute(sa.update(carts).where(carts.c.id == cart_id).values(status="ordered"))
