"""The cart: what a customer means to buy, kept in the database under an id that their
browser holds in a signed cookie (``web/cookies.py``).

Each line remembers the unit price the customer saw when they added it. A price changed
since (the merchant repriced the variant) is shown beside the line with both amounts, and
checkout waits until the customer accepts the new prices (``accept_prices``). Stock is
checked on every change, but reserved only at checkout (``orders.place``).

Every change first claims the cart (``claim``): one UPDATE takes its row lock and bumps its
``version``. An order remembers the version it was made from, so a second press of Pay on
the same cart finds that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
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


def start(connection: Connection, clock: Clock, shop: Shop, *, version: int = 0) -> str:
    cart_id = new_id("cart")
    now = clock.now()
    connection.execute(
        sa.insert(carts).values(
            id=cart_id,
            shop_id=shop.id,
            status="open",
            version=version,
            country=None,
            created_at=now,
            updated_at=now,
        )
    )
    return cart_id


@dataclass(frozen=True)
class Claimed:
    """An open cart, locked by this transaction for a change: its id and how many lines it
    had."""

    id: str
    lines: int


_LINES = (
    sa.select(sa.func.count())
    .where(cart_lines.c.cart_id == carts.c.id)
    .correlate(carts)
    .scalar_subquery()
)
_OPEN = sa.update(carts).where(
    carts.c.id == sa.bindparam("claimed_id"),
    carts.c.shop_id == sa.bindparam("claimed_shop"),
    carts.c.status == "open",
)
# Built once: making a statement costs more CPU than running it. Values not in the
# statement (``updated_at``) are passed when it runs.
_CLAIMS = {
    True: _OPEN.values(version=carts.c.version + 1).returning(_LINES),
    False: _OPEN.returning(_LINES),
}


def claim(
    connection: Connection, clock: Clock, shop: Shop, cart_id: str | None, *, lines: bool = True
) -> Claimed:
    """The cart a change applies to: the browser's ``cart_id`` if it is still open, else a
    new one; locked until the transaction ends. ``lines``: the change is to its lines, so
    its version goes up. One UPDATE takes the lock and bumps the version; the change then
    runs, and a refusal raises and rolls both back."""
    if cart_id is not None:
        found = connection.execute(
            _CLAIMS[lines],
            {"claimed_id": cart_id, "claimed_shop": shop.id, "updated_at": clock.now()},
        ).first()
        if found is not None:
            return Claimed(cart_id, int(found[0]))
    return Claimed(start(connection, clock, shop, version=1 if lines else 0), 0)


def _row(connection: Connection, shop: Shop, cart_id: str, *, lock: bool = False) -> Any:
    query = sa.select(carts).where(carts.c.id == cart_id, carts.c.shop_id == shop.id)
    return connection.execute(query.with_for_update() if lock else query).first()


def lock_open(connection: Connection, shop: Shop, cart_id: str) -> Any:
    row = _row(connection, shop, cart_id, lock=True)
    if row is None:
        raise NotFound("We can't find your cart.")
    if row.status != "open":
        raise CartClosed("This cart has been paid for already. Your order is on its way.")
    return row


def _checked(quantity: int, variant: Variant, name: str) -> None:
    if quantity < 1:
        raise QuantityLimit("Choose a quantity of at least 1.")
    if quantity > MAX_QUANTITY:
        raise QuantityLimit(f"You can buy at most {MAX_QUANTITY} of one item per order.")
    if quantity > variant.available:
        raise OutOfStock(name, variant.available)


def _described(name: str, variant: Variant) -> str:
    return name if variant.label == "Standard" else f"{name} ({variant.label})"


def _upserting(insert: Callable[[sa.Table], Any]) -> Any:
    adding = insert(cart_lines)
    return adding.on_conflict_do_update(
        index_elements=[cart_lines.c.cart_id, cart_lines.c.variant_id],
        set_={
            "quantity": cart_lines.c.quantity + adding.excluded.quantity,
            "unit_amount": adding.excluded.unit_amount,
        },
    ).returning(cart_lines.c.quantity)


_UPSERTS = {"postgresql": _upserting(postgresql.insert), "sqlite": _upserting(sqlite.insert)}
"""Add to a variant's line, or make it: one statement per dialect, built once."""


def _upsert(
    connection: Connection, clock: Clock, cart_id: str, variant: Variant, quantity: int
) -> int:
    """Add to the line of ``variant`` (made if the cart has none): its new quantity."""
    added = connection.execute(
        _UPSERTS[connection.dialect.name],
        {
            "id": new_id("cl"),
            "cart_id": cart_id,
            "variant_id": variant.id,
            "quantity": quantity,
            "unit_amount": variant.price.minor,
            "created_at": clock.now(),
        },
    )
    return int(added.scalar_one())


def add(
    connection: Connection,
    clock: Clock,
    shop: Shop,
    cart: Claimed,
    *,
    variant_id: str,
    quantity: int,
) -> None:
    """Add ``quantity`` of a variant (more of it, if the cart has some already) to a claimed
    cart. Stock is read in the same statement as the variant, and checked against the
    line's new quantity."""
    if quantity < 1:
        raise QuantityLimit("Choose a quantity of at least 1.")
    name, variant = catalog.on_sale(connection, shop, variant_id)
    total = _upsert(connection, clock, cart.id, variant, quantity)
    _checked(total, variant, _described(name, variant))
    if total == quantity and cart.lines >= MAX_LINES:  # a new line, one too many
        raise QuantityLimit(f"A cart holds at most {MAX_LINES} different items.")


def change(
    connection: Connection,
    shop: Shop,
    cart_id: str,
    *,
    line_id: str,
    quantity: int,
) -> None:
    """Set a line of a claimed cart to ``quantity``; 0 removes it."""
    line = connection.execute(
        sa.select(cart_lines).where(cart_lines.c.id == line_id, cart_lines.c.cart_id == cart_id)
    ).first()
    if line is None:
        raise NotFound("That item is no longer in your cart.")
    if quantity == 0:
        connection.execute(sa.delete(cart_lines).where(cart_lines.c.id == line_id))
    else:
        name, variant = catalog.on_sale(connection, shop, line.variant_id)
        _checked(quantity, variant, name)
        connection.execute(
            sa.update(cart_lines).where(cart_lines.c.id == line_id).values(quantity=quantity)
        )


def accept_prices(connection: Connection, shop: Shop, cart_id: str) -> None:
    """The customer has seen the new prices: the lines of the claimed cart take them."""
    for line in load(connection, shop, cart_id).lines:
        if line.price_changed:
            connection.execute(
                sa.update(cart_lines)
                .where(cart_lines.c.id == line.id)
                .values(unit_amount=line.price.minor)
            )


def ship_to(connection: Connection, cart_id: str, country: str) -> None:
    """Where the claimed cart's estimate of shipping and tax is for."""
    connection.execute(sa.update(carts).where(carts.c.id == cart_id).values(country=country))


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
