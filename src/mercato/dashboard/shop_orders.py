"""The shop's orders as the merchant sees them: newest first, a page at a time, each with
where its payment stands, read from the gateway's records of the order's Checkout Session
(its payment intent and charge) rather than from the shop's own status, which knows
nothing of refunds.

    pending payment     the customer has not paid (yet)
    expired             never paid; the stock it held went back
    paid                paid, nothing returned
    partially refunded  paid, part of it returned
    refunded            paid, all of it returned

An order the customer checked out again (``replaced``) and never paid is left out: the
order that replaced it is the one that counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.dashboard import figures
from mercato.gateway.checkout_tables import sessions
from mercato.gateway.payment_tables import charges, payment_intents
from mercato.money import Money
from mercato.shop import orders
from mercato.shop.tables import orders as orders_table

PAGE_SIZE = 25


@dataclass(frozen=True)
class ListedOrder:
    id: str
    created_at: dt.datetime
    email: str
    total: Money
    status: str  # the shop's: pending_payment, paid, expired, refund_due
    refunded: Money

    @property
    def refund_due(self) -> bool:
        """Paid after its stock had gone (``orders.needing_refund``), and not yet refunded."""
        return self.status == orders.REFUND_DUE and self.refunded < self.total

    @property
    def payment_status(self) -> str:
        if self.status == orders.PENDING:
            return "pending payment"
        if self.status in (orders.PAID, orders.REFUND_DUE):
            if self.refunded.is_positive:
                return "refunded" if self.refunded >= self.total else "partially refunded"
            return "paid"
        return self.status.replace("_", " ")


@dataclass(frozen=True)
class OrderPage:
    orders: list[ListedOrder]
    number: int
    has_more: bool


@dataclass(frozen=True)
class TaxLine:
    percent: str
    amount: Money


@dataclass(frozen=True)
class OrderShown:
    listed: ListedOrder
    order: orders.Order
    payment: figures.Payment | None

    @property
    def tax_lines(self) -> list[TaxLine]:
        """The order's tax, by rate, as its receipt shows it."""
        by_rate: dict[str, Money] = defaultdict(lambda: Money.zero(self.order.total.currency))
        for line in self.order.lines:
            if line.tax.is_positive:
                by_rate[line.tax_percent] += line.tax
        return [TaxLine(percent, amount) for percent, amount in sorted(by_rate.items())]

    @property
    def refundable(self) -> Money | None:
        """What is left to refund, if anything."""
        if self.payment is None or not self.payment.refundable:
            return None
        return self.payment.amount - self.payment.refunded


def _query(merchant_id: str) -> sa.Select[Any]:
    o = orders_table.c
    return (
        sa.select(
            o.id,
            o.created_at,
            o.email,
            o.currency,
            o.amount_total,
            o.status,
            payment_intents.c.id.label("intent_id"),
            charges.c.amount_refunded,
        )
        .select_from(orders_table)
        .outerjoin(sessions, sessions.c.id == o.session_id)
        .outerjoin(payment_intents, payment_intents.c.id == sessions.c.payment_intent_id)
        .outerjoin(charges, charges.c.id == payment_intents.c.latest_charge_id)
        .where(o.merchant_id == merchant_id, o.status != orders.REPLACED)
    )


def _listed(row: Any) -> ListedOrder:
    currency = row.currency
    return ListedOrder(
        id=row.id,
        created_at=row.created_at,
        email=row.email,
        total=Money.of_minor(row.amount_total, currency),
        status=row.status,
        refunded=Money.of_minor(row.amount_refunded or 0, currency),
    )


def page(connection: Connection, merchant_id: str, number: int = 1) -> OrderPage:
    """Page ``number`` (from 1) of the merchant's orders, newest first."""
    number = max(1, number)
    o = orders_table.c
    rows = connection.execute(
        _query(merchant_id)
        .order_by(o.created_at.desc(), o.id.desc())
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return OrderPage([_listed(row) for row in rows[:PAGE_SIZE]], number, len(rows) > PAGE_SIZE)


def shown(connection: Connection, merchant_id: str, order_id: str) -> OrderShown | None:
    """The merchant's order with its lines and payment; None if it is not theirs."""
    row = connection.execute(_query(merchant_id).where(orders_table.c.id == order_id)).first()
    if row is None:
        return None
    payment = None
    if row.intent_id is not None:
        payment = figures.payment(connection, merchant_id, row.intent_id)
    return OrderShown(
        _listed(row), orders.view(connection, orders.row(connection, row.id)), payment
    )
