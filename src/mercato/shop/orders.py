"""Orders: what a customer checked out, with its lines, totals, addresses and tax, and
where its payment and its stock stand.

    pending_payment ──checkout.session.completed seen──> paid
                    ──stock gone by then───────────────> refund_due  (paid; dashboard)
                    ──reservation expired──────────────> expired
                    ──the cart checked out again───────> replaced

An order is made by ``checkout.place_order``; it turns paid only in ``payments.confirm``,
from the gateway's event, never from the customer's return to the shop.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.money import Money
from mercato.shop import stock
from mercato.shop.addresses import Address, from_dict
from mercato.shop.errors import NotFound
from mercato.shop.tables import order_lines, orders

PENDING = "pending_payment"
PAID = "paid"
EXPIRED = "expired"
REPLACED = "replaced"
REFUND_DUE = "refund_due"


@dataclass(frozen=True)
class OrderLine:
    kind: str
    description: str
    quantity: int
    unit: Money
    net: Money
    tax: Money
    gross: Money
    tax_percent: str


@dataclass(frozen=True)
class Order:
    id: str
    shop_id: str
    status: str
    email: str
    shipping_address: Address
    billing_address: Address
    vat_number: str | None
    shipping_name: str
    net: Money
    tax: Money
    total: Money
    tax_regime: str
    tax_notes: tuple[str, ...]
    stock_status: str
    reserved_until: dt.datetime
    session_url: str | None
    problem: str | None
    created_at: dt.datetime
    paid_at: dt.datetime | None
    lines: tuple[OrderLine, ...]

    @property
    def is_paid(self) -> bool:
        return self.status in (PAID, REFUND_DUE)

    @property
    def is_reverse_charge(self) -> bool:
        return self.tax_regime == "reverse_charge"

    @property
    def products(self) -> list[OrderLine]:
        return [line for line in self.lines if line.kind == "product"]

    @property
    def shipping(self) -> OrderLine | None:
        return next((line for line in self.lines if line.kind == "shipping"), None)


def row(connection: Connection, order_id: str, *, lock: bool = False) -> Any:
    query = sa.select(orders).where(orders.c.id == order_id)
    found = connection.execute(query.with_for_update() if lock else query).first()
    if found is None:
        raise NotFound("We can't find this order.")
    return found


def line_rows(connection: Connection, order_id: str) -> list[Any]:
    return list(
        connection.execute(
            sa.select(order_lines)
            .where(order_lines.c.order_id == order_id)
            .order_by(order_lines.c.position)
        ).all()
    )


def view(connection: Connection, found: Any) -> Order:
    currency = found.currency

    def money(minor: int) -> Money:
        return Money.of_minor(minor, currency)

    lines = tuple(
        OrderLine(
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            unit=money(line.unit_amount),
            net=money(line.net),
            tax=money(line.tax),
            gross=money(line.gross),
            tax_percent=line.tax_percent,
        )
        for line in line_rows(connection, found.id)
    )
    return Order(
        id=found.id,
        shop_id=found.shop_id,
        status=found.status,
        email=found.email,
        shipping_address=from_dict(found.shipping_address),
        billing_address=from_dict(found.billing_address),
        vat_number=found.vat_number,
        shipping_name=found.shipping_name,
        net=money(found.amount_net),
        tax=money(found.amount_tax),
        total=money(found.amount_total),
        tax_regime=found.tax_regime,
        tax_notes=tuple(found.tax_notes),
        stock_status=found.stock_status,
        reserved_until=found.reserved_until,
        session_url=found.session_url,
        problem=found.problem,
        created_at=found.created_at,
        paid_at=found.paid_at,
        lines=lines,
    )


def find(connection: Connection, shop_id: str, order_id: str, access_key: str) -> Order:
    """The order, for whoever holds its confirmation link (id and key)."""
    found = connection.execute(
        sa.select(orders).where(orders.c.id == order_id, orders.c.shop_id == shop_id)
    ).first()
    if found is None or not hmac.compare_digest(found.access_key, access_key):
        raise NotFound("We can't find this order. Check the link in your e-mail.")
    return view(connection, found)


def latest_for_cart(connection: Connection, cart_id: str) -> Any:
    return connection.execute(
        sa.select(orders)
        .where(orders.c.cart_id == cart_id)
        .order_by(orders.c.created_at.desc(), orders.c.id.desc())
        .limit(1)
    ).first()


def release_stock(connection: Connection, found: Any, status: str) -> bool:
    """Give back what ``found`` (locked by the caller) holds, once; the order becomes
    ``status`` if it was still waiting for payment. Returns whether anything was released."""
    claimed = connection.execute(
        sa.update(orders)
        .where(orders.c.id == found.id, orders.c.stock_status == "held")
        .values(stock_status="released")
    )
    if claimed.rowcount != 1:
        return False
    for line in line_rows(connection, found.id):
        if line.kind == "product":
            stock.release(connection, line.variant_id, line.quantity)
    connection.execute(
        sa.update(orders)
        .where(orders.c.id == found.id, orders.c.status == PENDING)
        .values(status=status)
    )
    return True


def needing_refund(connection: Connection, merchant_id: str) -> list[Order]:
    """Orders paid after their stock was gone: the merchant refunds them (dashboard)."""
    rows = connection.execute(
        sa.select(orders)
        .where(orders.c.merchant_id == merchant_id, orders.c.status == REFUND_DUE)
        .order_by(orders.c.created_at)
    ).all()
    return [view(connection, found) for found in rows]
