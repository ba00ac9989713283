"""What Checkout Sessions, Payment Links and the hosted payment page share: the line items
a customer buys, a session's row and API object, and how an open session becomes
``complete`` once its payment has gone through.

A session's ``payment_status`` is not stored: it follows from its payment intent's status
(``paid`` once the intent has ``succeeded``), so a session completed with a manual capture
turns ``paid`` when the merchant captures it, as at Stripe. Every read of a session
therefore joins its intent (``session_query``).

``checkout_sessions`` and ``payment_links`` (the API's use cases) and
``checkout_payments`` (the hosted page's) import this module; it imports none of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import catalog_records, events
from mercato.gateway import intent_records as intents
from mercato.gateway.catalog_tables import prices, products
from mercato.gateway.checkout_tables import (
    payment_link_line_items,
    payment_links,
    session_line_items,
    sessions,
)
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object
from mercato.gateway.payment_intents import MAX_AMOUNT
from mercato.gateway.payment_tables import payment_intents
from mercato.money import Money

MAX_LINE_ITEMS = 100
MAX_QUANTITY = 999_999

PAID = (intents.Status.SUCCEEDED, intents.Status.REQUIRES_CAPTURE)
"""Intent statuses that complete a session: the money is taken, or held for capture."""

SESSION_ID_PLACEHOLDER = "{CHECKOUT_SESSION_ID}"


# Line items -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One line of what the customer buys: a price (its row), how many, and what it is."""

    price: Any
    quantity: int
    description: str


def quantity(value: int | None, *, param: str) -> int:
    if value is None:
        raise InvalidRequest(
            f"Missing required param: {param}.", code="parameter_missing", param=param
        )
    if not 1 <= value <= MAX_QUANTITY:
        raise InvalidRequest(
            f"Quantity must be between 1 and {MAX_QUANTITY}.",
            code="parameter_invalid_integer",
            param=param,
        )
    return value


def active_price(connection: Connection, caller: Caller, price_id: str, *, param: str) -> Item:
    """A line of ``price_id``, one of the caller's prices that can still be sold (active,
    of an active product); its quantity is set by the caller."""
    price = catalog_records.find_price(connection, caller, price_id, param=param)
    product = catalog_records.find_product(connection, caller, price.product_id, param=param)
    if not price.active:
        raise InvalidRequest(
            f"The price {price_id} is archived (active=false) and cannot be sold. Use an active "
            "price.",
            param=param,
        )
    if not product.active:
        raise InvalidRequest(
            f"The price {price_id} belongs to an archived product ({product.id}) and cannot be "
            "sold.",
            param=param,
        )
    return Item(price, 1, product.name)


def total(items: list[Item], *, param: str = "line_items") -> tuple[str, Money]:
    """The currency all ``items`` share, and what they come to: above zero, and no more
    than one payment may take."""
    currency = items[0].price.currency
    amount = Money.zero(currency)
    for index, item in enumerate(items):
        if item.price.currency != currency:
            raise InvalidRequest(
                f"All line items must be in one currency: {param}[0] is in "
                f"{currency.upper()}, {param}[{index}] in {item.price.currency.upper()}.",
                param=f"{param}[{index}]",
            )
        amount += Money.of_minor(item.price.unit_amount, currency) * item.quantity
    if not amount.is_positive:
        raise InvalidRequest(
            "The line items must come to more than zero: a payment takes at least one minor unit.",
            param=param,
        )
    if amount.minor > MAX_AMOUNT:
        raise InvalidRequest(
            f"The line items come to {amount}; one payment takes at most "
            f"{Money.of_minor(MAX_AMOUNT, currency)}.",
            code="amount_too_large",
            param=param,
        )
    return currency, amount


def insert_items(
    connection: Connection, table: sa.Table, owner: dict[str, str], items: list[Item]
) -> None:
    """Write ``items`` as the line items of one session or link (``owner``: its column). A
    session's keep what each was called then; a link's show their products' names now."""
    described = "description" in table.c
    connection.execute(
        sa.insert(table),
        [
            {
                "id": new_id("li"),
                **owner,
                "position": position,
                "price_id": item.price.id,
                "quantity": item.quantity,
                **({"description": item.description} if described else {}),
            }
            for position, item in enumerate(items)
        ],
    )


def item_object(row: Any, price: dict[str, Any], description: str) -> dict[str, Any]:
    """A line item as the API shows it (Stripe's ``item``)."""
    subtotal = price["unit_amount"] * row.quantity
    return {
        "id": row.id,
        "object": "item",
        "adjustable_quantity": None,
        "amount_discount": 0,
        "amount_subtotal": subtotal,
        "amount_tax": 0,
        "amount_total": subtotal,
        "currency": price["currency"],
        "description": description,
        "metadata": {},
        "price": price,
        "quantity": row.quantity,
    }


def session_items(connection: Connection, session_id: str) -> list[dict[str, Any]]:
    """A session's line items, in the order they were given."""
    rows = connection.execute(
        sa.select(session_line_items)
        .where(session_line_items.c.session_id == session_id)
        .order_by(session_line_items.c.position)
    ).all()
    shown = _prices(connection, {row.price_id for row in rows})
    return [item_object(row, shown[row.price_id], row.description) for row in rows]


def link_items(connection: Connection, link_id: str) -> list[dict[str, Any]]:
    """A payment link's line items, described by their products' names as they are now."""
    rows = connection.execute(
        sa.select(payment_link_line_items, products.c.name)
        .join(prices, prices.c.id == payment_link_line_items.c.price_id)
        .join(products, products.c.id == prices.c.product_id)
        .where(payment_link_line_items.c.payment_link_id == link_id)
        .order_by(payment_link_line_items.c.position)
    ).all()
    shown = _prices(connection, {row.price_id for row in rows})
    return [item_object(row, shown[row.price_id], row.name) for row in rows]


def page_of(items: list[dict[str, Any]], given: ListParams) -> tuple[list[dict[str, Any]], bool]:
    """One page of line items, in the order they were given (Stripe lists a session's or a
    link's lines so, not newest first), and whether there are more."""
    if given.starting_after and given.ending_before:
        raise InvalidRequest(
            "You may only specify one of these parameters: starting_after, ending_before.",
            param="ending_before",
        )
    ids = [item["id"] for item in items]
    for param, cursor in (
        ("starting_after", given.starting_after),
        ("ending_before", given.ending_before),
    ):
        if cursor and cursor not in ids:
            raise InvalidRequest(f"No such line item: '{cursor}'", param=param)
    if given.starting_after:
        after = items[ids.index(given.starting_after) + 1 :]
        return after[: given.limit], len(after) > given.limit
    if given.ending_before:
        before = items[: ids.index(given.ending_before)]
        return before[-given.limit :], len(before) > given.limit
    return items[: given.limit], len(items) > given.limit


def _prices(connection: Connection, price_ids: set[str]) -> dict[str, dict[str, Any]]:
    rows = connection.execute(sa.select(prices).where(prices.c.id.in_(price_ids))).all()
    return {row.id: catalog_records.price_object(connection, row) for row in rows}


# Sessions -----------------------------------------------------------------------------------------


def session_query() -> sa.Select[Any]:
    """Sessions with their intent's status (``intent_status``): the rows the rest expects."""
    return sa.select(sessions, payment_intents.c.status.label("intent_status")).select_from(
        sessions.outerjoin(payment_intents, payment_intents.c.id == sessions.c.payment_intent_id)
    )


def find_session(
    connection: Connection,
    session_id: str,
    *,
    merchant_id: str | None = None,
    lock: bool = False,
) -> Any:
    """The session (another merchant's is missing), locked for a change with ``lock``."""
    query = session_query().where(sessions.c.id == session_id)
    if merchant_id is not None:
        query = query.where(sessions.c.merchant_id == merchant_id)
    if lock:
        query = query.with_for_update(of=sessions)
    row = connection.execute(query).first()
    if row is None:
        raise ResourceMissing("checkout.session", session_id)
    return row


def payment_status(session: Any) -> str:
    return "paid" if session.intent_status == intents.Status.SUCCEEDED else "unpaid"


def success_url(session: Any) -> str:
    """Where the customer goes once paid, with the session's id where the merchant asked."""
    return str(session.success_url).replace(SESSION_ID_PLACEHOLDER, session.id)


def expired(session: Any, now: dt.datetime) -> bool:
    """Past its expiry (the worker's duty marks it ``expired`` within a minute)."""
    return bool(
        session.status == "expired" or (session.status == "open" and session.expires_at <= now)
    )


def session_object(
    connection: Connection, session: Any, expand: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The session as the API shows it (Stripe's ``checkout.session``): ``line_items`` and
    ``payment_intent`` as objects when expanded."""
    intent: Any = session.payment_intent_id
    if "payment_intent" in expand and intent is not None:
        intent = intents.to_object(connection, intents.row(connection, intent))
    shown = {
        "id": session.id,
        "object": "checkout.session",
        "adaptive_pricing": {"enabled": False},
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": session.amount_subtotal,
        "amount_total": session.amount_total,
        "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
        "billing_address_collection": None,
        "cancel_url": session.cancel_url,
        "client_reference_id": session.client_reference_id,
        "client_secret": None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": int(session.created_at.timestamp()),
        "currency": session.currency,
        "currency_conversion": None,
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": None,
        "customer_account": None,
        "customer_creation": "if_required",
        "customer_details": session.customer_details,
        "customer_email": session.customer_email,
        "discounts": [],
        "expires_at": int(session.expires_at.timestamp()),
        "integration_identifier": None,
        "invoice": None,
        "invoice_creation": None,
        "livemode": False,
        "locale": None,
        "managed_payments": {"enabled": False},
        "metadata": session.metadata,
        "mode": session.mode,
        "origin_context": None,
        "payment_intent": intent,
        "payment_link": session.payment_link_id,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": None,
        "payment_method_options": {},
        "payment_method_types": ["card"],
        "payment_status": payment_status(session),
        "permissions": None,
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": session.status,
        "submit_type": session.submit_type,
        "subscription": None,
        "success_url": session.success_url,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        # As at Stripe, the hosted page's address only while the customer can still pay.
        "url": session.url if session.status == "open" else None,
        "wallet_options": None,
    }
    if "line_items" in expand:
        items = session_items(connection, session.id)
        shown["line_items"] = list_object(
            f"/v1/checkout/sessions/{session.id}/line_items", items, False
        )
    return shown


def settle(connection: Connection, session: Any, clock: Clock) -> Any:
    """The session, completed first if its payment has gone through (the caller holds its
    row lock). Every path that sees a paid intent comes here, so the session completes,
    and ``checkout.session.completed`` is recorded, exactly once."""
    if session.status != "open" or session.intent_status not in PAID:
        return session
    intent = intents.row(connection, session.payment_intent_id)
    name = None
    if intent.payment_method_id is not None:
        name = intents.method(connection, intent.payment_method_id).billing_details.get("name")
    details = {
        "address": dict.fromkeys(("city", "country", "line1", "line2", "postal_code", "state")),
        "business_name": None,
        "email": intent.receipt_email or session.customer_email,
        "individual_name": None,
        "name": name,
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }
    connection.execute(
        sa.update(sessions)
        .where(sessions.c.id == session.id)
        .values(status="complete", customer_details=details)
    )
    return announce(connection, session.id, "checkout.session.completed", clock)


def announce(connection: Connection, session_id: str, kind: str, clock: Clock) -> Any:
    """Record ``kind`` about the session as it now is; returns its row."""
    session = find_session(connection, session_id)
    events.record(
        connection,
        merchant_id=session.merchant_id,
        type=kind,
        data_object=session_object(connection, session),
        clock=clock,
    )
    return session


# Payment links ------------------------------------------------------------------------------------


def find_link(
    connection: Connection,
    link_id: str,
    *,
    merchant_id: str | None = None,
    lock: bool = False,
) -> Any:
    query = sa.select(payment_links).where(payment_links.c.id == link_id)
    if merchant_id is not None:
        query = query.where(payment_links.c.merchant_id == merchant_id)
    row = connection.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise ResourceMissing("payment_link", link_id)
    return row
