"""Stock: how many of each variant are on hand, and how many of those are reserved for
checkouts under way. ``available = on_hand - reserved``.

Every change is one conditional UPDATE that checks its own limit and reports whether it
applied: two customers racing for the last unit both try, and the database lets one
through. Nothing here reads a count, decides, and writes it back. The table also keeps
``0 <= reserved <= on_hand`` as a CHECK, as a last line of defence.

    reserve   available -> reserved          at checkout (an order's lines)
    release   reserved -> available          the checkout expired or was replaced
    commit    reserved -> gone (sold)        the order was paid
    take      available -> gone (sold)       paid after its reservation was released
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.shop.tables import variants

LOW_STOCK = 5
"""At or below this many left, the shop says how many ("Only 3 left")."""

v = variants.c


def reserve(connection: Connection, variant_id: str, quantity: int) -> bool:
    """Set ``quantity`` aside for a checkout, if that many are available."""
    done = connection.execute(
        sa.update(variants)
        .where(v.id == variant_id, v.on_hand - v.reserved >= quantity)
        .values(reserved=v.reserved + quantity)
    )
    return done.rowcount == 1


def release(connection: Connection, variant_id: str, quantity: int) -> None:
    """Give back what a reservation held. The caller has made sure, under the order's
    lock, that this reservation is released once."""
    connection.execute(
        sa.update(variants)
        .where(v.id == variant_id, v.reserved >= quantity)
        .values(reserved=v.reserved - quantity)
    )


def commit(connection: Connection, variant_id: str, quantity: int) -> None:
    """The reserved units are sold: they leave both counters."""
    connection.execute(
        sa.update(variants)
        .where(v.id == variant_id, v.reserved >= quantity)
        .values(on_hand=v.on_hand - quantity, reserved=v.reserved - quantity)
    )


def take(connection: Connection, variant_id: str, quantity: int) -> bool:
    """Sell ``quantity`` that were not reserved, if that many are available."""
    done = connection.execute(
        sa.update(variants)
        .where(v.id == variant_id, v.on_hand - v.reserved >= quantity)
        .values(on_hand=v.on_hand - quantity)
    )
    return done.rowcount == 1


def put_back(connection: Connection, variant_id: str, quantity: int) -> None:
    """Undo a ``take`` made earlier in the same transaction."""
    connection.execute(
        sa.update(variants).where(v.id == variant_id).values(on_hand=v.on_hand + quantity)
    )


def set_on_hand(connection: Connection, variant_id: str, on_hand: int) -> bool:
    """The merchant counted the shelf: ``on_hand`` units, never fewer than are reserved."""
    done = connection.execute(
        sa.update(variants).where(v.id == variant_id, v.reserved <= on_hand).values(on_hand=on_hand)
    )
    return done.rowcount == 1


def available(connection: Connection, variant_id: str) -> int:
    found = connection.execute(
        sa.select(v.on_hand - v.reserved).where(v.id == variant_id)
    ).scalar_one_or_none()
    return int(found or 0)


def label(available_units: int) -> str:
    """What the shop says about stock, honestly."""
    if available_units <= 0:
        return "Out of stock"
    if available_units <= LOW_STOCK:
        return f"Only {available_units} left"
    return "In stock"


def recount(connection: Connection, variant_id: str, *, was: int, on_hand: int) -> bool:
    """The merchant counted the shelf at ``on_hand`` units, having last seen ``was``: it
    applies only if nothing was sold since (``on_hand`` is still ``was``) and never below
    what checkouts have reserved. One conditional UPDATE, as every change here: a sale
    committed between the merchant's look and their count is not silently undone."""
    done = connection.execute(
        sa.update(variants)
        .where(v.id == variant_id, v.on_hand == was, v.reserved <= on_hand)
        .values(on_hand=on_hand)
    )
    return done.rowcount == 1
