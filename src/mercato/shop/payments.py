"""How an order becomes paid: from the gateway's ``checkout.session.completed`` event,
never from the customer's return to the shop (a browser can be closed, or can lie).

The gateway records that event in the transaction that completes the session
(``checkout_records.settle``), in this same database. The shop's duty (``confirm_due``,
run by every worker) looks for it for each order still waiting, and ``confirm`` applies it
under the order's row lock, once: the reserved stock is committed, the order turns
``paid`` and the cart is closed.

If the reservation had already been released (the customer paid at the very last moment,
or paid a session the cart had replaced), the stock is taken afresh if it is still there;
if it is not, the order is still paid (the money was taken) but marked ``refund_due`` with
the reason, for the merchant to refund from the dashboard. The shop never oversells.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock
from mercato.database.engine import reading, writing
from mercato.gateway.tables import events
from mercato.shop import cart, orders, stock
from mercato.shop.tables import orders as orders_table

COMPLETED = "checkout.session.completed"
WATCH_FOR = dt.timedelta(hours=25)
"""A session lives at most 24 hours: after that no completion can come."""


def completed_event(connection: Connection, found: Any) -> str | None:
    """The id of the event that says the order's session was paid, if it was recorded."""
    if found.session_id is None:
        return None
    event_id = connection.execute(
        sa.select(events.c.id)
        .where(
            events.c.merchant_id == found.merchant_id,
            events.c.type == COMPLETED,
            events.c.data[("object", "id")].as_string() == found.session_id,
        )
        .limit(1)
    ).scalar_one_or_none()
    return None if event_id is None else str(event_id)


def confirm(connection: Connection, clock: Clock, order_id: str, event_id: str) -> bool:
    """Apply the completed payment to the order (once); returns whether it changed."""
    found = orders.row(connection, order_id, lock=True)
    if found.status in (orders.PAID, orders.REFUND_DUE):
        return False
    lines = [line for line in orders.line_rows(connection, order_id) if line.kind == "product"]
    status, stock_status, problem = orders.PAID, "committed", None
    if found.stock_status == "held":
        for line in lines:
            stock.commit(connection, line.variant_id, line.quantity)
    else:
        taken = []
        for line in lines:
            if not stock.take(connection, line.variant_id, line.quantity):
                problem = (
                    f"Paid after the checkout's reservation had ended, and {line.description} "
                    "had sold out by then: refund the customer."
                )
                break
            taken.append(line)
        if problem is not None:
            for line in taken:
                stock.put_back(connection, line.variant_id, line.quantity)
            status, stock_status = orders.REFUND_DUE, "short"
    connection.execute(
        sa.update(orders_table)
        .where(orders_table.c.id == order_id)
        .values(
            status=status,
            stock_status=stock_status,
            problem=problem,
            event_id=event_id,
            paid_at=clock.now(),
        )
    )
    cart.close(connection, found.cart_id)
    return True


def _waiting(engine: Engine, clock: Clock, batch: int) -> list[Any]:
    with reading(engine) as connection:
        return list(
            connection.execute(
                sa.select(orders_table.c.id)
                .where(
                    orders_table.c.status.in_((orders.PENDING, orders.EXPIRED, orders.REPLACED)),
                    orders_table.c.session_id.is_not(None),
                    orders_table.c.created_at >= clock.now() - WATCH_FOR,
                )
                .order_by(orders_table.c.created_at)
                .limit(batch)
            )
            .scalars()
            .all()
        )


def confirm_due(engine: Engine, clock: Clock, *, batch: int = 500) -> int:
    """The duty: every order still waiting whose session's completion has been recorded
    is confirmed, each in a transaction of its own. Safe in several workers at once."""
    changed = 0
    for order_id in _waiting(engine, clock, batch):
        with writing(engine) as connection:
            found = orders.row(connection, order_id)
            event_id = completed_event(connection, found)
            if event_id is not None:
                changed += confirm(connection, clock, order_id, event_id)
    return changed


def release_expired(engine: Engine, clock: Clock, *, batch: int = 500) -> int:
    """The duty: reservations past their time are given back, and their orders expire;
    an order whose payment was recorded meanwhile is confirmed instead."""
    now = clock.now()
    with reading(engine) as connection:
        due = (
            connection.execute(
                sa.select(orders_table.c.id)
                .where(orders_table.c.stock_status == "held", orders_table.c.reserved_until <= now)
                .order_by(orders_table.c.reserved_until)
                .limit(batch)
            )
            .scalars()
            .all()
        )
    released = 0
    for order_id in due:
        with writing(engine) as connection:
            found = orders.row(connection, order_id, lock=True)
            if found.stock_status != "held":
                continue
            event_id = completed_event(connection, found)
            if event_id is not None:
                confirm(connection, clock, order_id, event_id)
            else:
                released += orders.release_stock(connection, found, orders.EXPIRED)
    return released
