"""Checkout Sessions: a customer's visit to the gateway's hosted payment page (Stripe's
``checkout.session``), in ``mode=payment``.

    open ──paid on the hosted page──> complete   (checkout.session.completed)
    open ──expires_at passed, or /expire──> expired   (checkout.session.expired)

A merchant's server makes a session with what the customer buys (``line_items``: a
``price`` of the catalog, or ``price_data``) and where to send them afterwards
(``success_url``, ``cancel_url``), then sends the customer's browser to its ``url``. The
hosted page (``checkout_payments``, ``mercato.checkout``) takes the card. The session's
payment intent is made when the customer first presses Pay, and kept across attempts.

A session expires 24 hours after it is made, or at ``expires_at`` (30 minutes to 24
hours). The worker's duty (``expiry_duty``) marks it ``expired`` and cancels its payment
intent; it also completes any session whose payment went through but whose customer never
came back to the page (a closed browser after 3-D Secure, a request that died). A session
with a payment in flight is left alone until the payment ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import EmailStr, Field
from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock
from mercato.database.engine import reading, writing
from mercato.gateway import catalog_records, payment_intents
from mercato.gateway import checkout_records as records
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.charges import created_filter
from mercato.gateway.checkout_records import Item
from mercato.gateway.checkout_tables import session_line_items, sessions
from mercato.gateway.cvc import CvcHolder
from mercato.gateway.errors import InvalidRequest
from mercato.gateway.events import Created
from mercato.gateway.ids import new_id
from mercato.gateway.intent_records import Outcome, Payments, Status
from mercato.gateway.merchants import Caller, KeyKind
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.gateway.payment_methods import Services
from mercato.gateway.payment_tables import payment_intents as intents_table
from mercato.outbox import Duty
from mercato.processor import Processor

EXPANDABLE = frozenset({"line_items", "payment_intent"})
LIFETIME = dt.timedelta(hours=24)
SHORTEST_LIFETIME = dt.timedelta(minutes=30)
EXPIRE_EVERY = dt.timedelta(minutes=1)

SubmitType = Literal["auto", "pay", "book", "donate"]


# Parameters -------------------------------------------------------------------------------------


class ProductData(Params):
    name: str = Field(min_length=1, max_length=250)
    description: str | None = Field(default=None, max_length=5000)
    metadata: dict[str, Any] | str | None = None
    tax_code: str | None = None


class PriceData(catalog_records.PriceAmount):
    product: str | None = None
    product_data: ProductData | None = None


class LineItem(Params):
    price: str | None = None
    price_data: PriceData | None = None
    quantity: int | None = None


class PaymentIntentData(Params):
    capture_method: Literal["automatic", "automatic_async", "manual"] | None = None
    description: str | None = Field(default=None, max_length=1000)
    metadata: dict[str, Any] | str | None = None


class CreateParams(Params):
    mode: str
    line_items: list[LineItem] | None = Field(default=None, max_length=records.MAX_LINE_ITEMS)
    success_url: str | None = Field(
        default=None, description="May contain {CHECKOUT_SESSION_ID}, replaced by the id."
    )
    cancel_url: str | None = None
    customer_email: EmailStr | None = None
    client_reference_id: str | None = Field(default=None, max_length=200)
    metadata: dict[str, Any] | str | None = None
    expires_at: int | None = Field(
        default=None, description="Unix time, 30 minutes to 24 hours from now (default 24 h)."
    )
    payment_intent_data: PaymentIntentData | None = None
    submit_type: SubmitType | None = None
    payment_method_types: list[Literal["card"]] | None = None
    ui_mode: Literal["hosted"] | None = None
    expand: list[str] = Field(default_factory=list)


class RetrieveParams(Params):
    expand: list[str] = Field(default_factory=list)


class ExpireParams(Params):
    expand: list[str] = Field(default_factory=list)


class SessionListParams(ListParams):
    status: Literal["open", "complete", "expired"] | None = None
    payment_intent: str | None = None
    payment_link: str | None = None
    created: int | Created | None = None


def intent_data(given: PaymentIntentData | None) -> dict[str, Any]:
    """What a session passes on to the payment intent it makes."""
    given = given or PaymentIntentData()
    return {
        "capture_method": "manual" if given.capture_method == "manual" else "automatic",
        "description": given.description,
        "metadata": metadata_rules.merged({}, given.metadata),
    }


# Creating ---------------------------------------------------------------------------------------


def acting_for(merchant_id: str) -> Caller:
    """The gateway itself, acting for a session's merchant: the hosted page and the
    worker call the payment intents' use cases as this caller."""
    return Caller(KeyKind.SECRET, merchant_id)


def _expires_at(given: int | None, now: dt.datetime) -> dt.datetime:
    if given is None:
        return now + LIFETIME
    made = int(now.timestamp())  # whole seconds, as the client reads ``created``
    if given < made + SHORTEST_LIFETIME.total_seconds():
        raise InvalidRequest(
            "The expires_at timestamp must be at least 30 minutes from Checkout Session creation.",
            param="expires_at",
        )
    if given > made + LIFETIME.total_seconds():
        raise InvalidRequest(
            "The expires_at timestamp must be less than 24 hours from Checkout Session creation.",
            param="expires_at",
        )
    return dt.datetime.fromtimestamp(given, dt.UTC)


def _inline_price(
    connection: Connection, caller: Caller, data: PriceData, clock: Clock, *, param: str
) -> Item:
    """A price made for this line alone (``price_data``), of a product of the merchant's
    or one made with it (``product_data``). Both are archived from the start, as Stripe
    does, so they never show among what the shop sells."""
    currency, unit_amount = catalog_records.unit_amount(data, prefix=param)
    if data.product is not None and data.product_data is not None:
        raise InvalidRequest(
            "You may only specify one of these parameters: product, product_data.",
            param=f"{param}[product_data]",
        )
    if data.product is not None:
        product = catalog_records.find_product(
            connection, caller, data.product, param=f"{param}[product]", lock=True
        )
    elif data.product_data is not None:
        made = data.product_data
        product = catalog_records.insert_product(
            connection,
            caller,
            clock,
            name=made.name,
            description=made.description,
            active=False,
            images=[],
            metadata=metadata_rules.merged({}, made.metadata),
            tax_code=catalog_records.tax_code(
                made.tax_code, param=f"{param}[product_data][tax_code]"
            ),
        )
        catalog_records.announce(
            connection,
            caller,
            "product.created",
            catalog_records.product_object(connection, product),
            clock,
        )
    else:
        raise InvalidRequest(
            f"Missing required param: {param}[product_data].",
            code="parameter_missing",
            param=f"{param}[product_data]",
        )
    price = catalog_records.insert_price(
        connection,
        caller,
        clock,
        product_id=product.id,
        currency=currency,
        unit_amount=unit_amount,
        tax_behavior=data.tax_behavior,
        active=False,
    )
    catalog_records.announce(
        connection, caller, "price.created", catalog_records.price_object(connection, price), clock
    )
    return Item(price, 1, product.name)


def _line_items(
    connection: Connection, caller: Caller, lines: list[LineItem] | None, clock: Clock
) -> list[Item]:
    if not lines:
        raise InvalidRequest(
            "Missing required param: line_items. A session in payment mode sells at least one "
            "line item.",
            code="parameter_missing",
            param="line_items",
        )
    items = []
    for index, line in enumerate(lines):
        param = f"line_items[{index}]"
        quantity = records.quantity(line.quantity, param=f"{param}[quantity]")
        if (line.price is None) == (line.price_data is None):
            raise InvalidRequest(
                "Each line item takes either price or price_data (one of them).",
                param=f"{param}[price]",
            )
        if line.price is not None:
            item = records.active_price(connection, caller, line.price, param=f"{param}[price]")
        else:
            assert line.price_data is not None
            item = _inline_price(
                connection, caller, line.price_data, clock, param=f"{param}[price_data]"
            )
        items.append(replace(item, quantity=quantity))
    return items


def insert_session(
    connection: Connection,
    *,
    merchant_id: str,
    items: list[Item],
    hosted_base: str,
    success_url: str,
    expires_at: dt.datetime,
    clock: Clock,
    payment_intent_data: dict[str, Any],
    metadata: dict[str, str],
    cancel_url: str | None = None,
    customer_email: str | None = None,
    client_reference_id: str | None = None,
    submit_type: str | None = None,
    payment_link_id: str | None = None,
) -> Any:
    """A new open session selling ``items``, with its hosted page under ``hosted_base``
    (the gateway's address as the caller reached it); returns its row."""
    currency, amount = records.total(items)
    session_id = new_id("cs")
    connection.execute(
        sa.insert(sessions).values(
            id=session_id,
            merchant_id=merchant_id,
            status="open",
            mode="payment",
            currency=currency,
            amount_subtotal=amount.minor,
            amount_total=amount.minor,
            url=f"{hosted_base.rstrip('/')}/pay/{session_id}",
            success_url=success_url,
            cancel_url=cancel_url,
            customer_email=customer_email,
            client_reference_id=client_reference_id,
            submit_type=submit_type,
            payment_intent_data=payment_intent_data,
            payment_link_id=payment_link_id,
            metadata=metadata,
            expires_at=expires_at,
            created_at=clock.now(),
        )
    )
    records.insert_items(connection, session_line_items, {"session_id": session_id}, items)
    return records.find_session(connection, session_id)


def create(
    connection: Connection,
    caller: Caller,
    params: dict[str, Any],
    clock: Clock,
    *,
    hosted_base: str,
) -> dict[str, Any]:
    given = parse(CreateParams, params)
    expand = catalog_records.expansions(given.expand, EXPANDABLE, listing=False)
    if given.mode != "payment":
        raise InvalidRequest(
            f"Mercato's Checkout takes one-time payments only (mode=payment); mode={given.mode} "
            "is not available.",
            param="mode",
        )
    success_url = catalog_records.web_url(given.success_url, param="success_url")
    if success_url is None:
        raise InvalidRequest(
            "Missing required param: success_url.", code="parameter_missing", param="success_url"
        )
    assert caller.merchant_id is not None
    session = insert_session(
        connection,
        merchant_id=caller.merchant_id,
        items=_line_items(connection, caller, given.line_items, clock),
        hosted_base=hosted_base,
        success_url=success_url,
        cancel_url=catalog_records.web_url(given.cancel_url, param="cancel_url"),
        expires_at=_expires_at(given.expires_at, clock.now()),
        clock=clock,
        payment_intent_data=intent_data(given.payment_intent_data),
        metadata=metadata_rules.merged({}, given.metadata),
        customer_email=given.customer_email or None,
        client_reference_id=given.client_reference_id or None,
        submit_type=given.submit_type,
    )
    return records.session_object(connection, session, expand)


# Reading ----------------------------------------------------------------------------------------


def retrieve(
    connection: Connection, caller: Caller, session_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(RetrieveParams, params)
    expand = catalog_records.expansions(given.expand, EXPANDABLE, listing=False)
    session = records.find_session(connection, session_id, merchant_id=caller.merchant_id)
    return records.session_object(connection, session, expand)


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's sessions, newest first, by ``status``, ``payment_intent``,
    ``payment_link`` and ``created``."""
    given = parse(SessionListParams, params)
    expand = catalog_records.expansions(given.expand, EXPANDABLE, listing=True)
    query = records.session_query().where(sessions.c.merchant_id == caller.merchant_id)
    if given.status is not None:
        query = query.where(sessions.c.status == given.status)
    if given.payment_intent is not None:
        query = query.where(sessions.c.payment_intent_id == given.payment_intent)
    if given.payment_link is not None:
        query = query.where(sessions.c.payment_link_id == given.payment_link)
    if given.created is not None:
        query = query.where(*created_filter(sessions.c.created_at, given.created))
    rows, has_more = page(query, sessions.c.id, given, lambda q: connection.execute(q).all())
    data = [records.session_object(connection, row, expand) for row in rows]
    return list_object("/v1/checkout/sessions", data, has_more)


def line_items(
    connection: Connection, caller: Caller, session_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    """The session's line items, in the order they were given."""
    given = parse(ListParams, params)
    records.find_session(connection, session_id, merchant_id=caller.merchant_id)
    items, has_more = records.page_of(records.session_items(connection, session_id), given)
    return list_object(f"/v1/checkout/sessions/{session_id}/line_items", items, has_more)


# Expiring ---------------------------------------------------------------------------------------


class Within:
    """``Steps`` for a payment-intent use case run inside a transaction the caller holds:
    only for those that never ask another party (a create without ``confirm``, a cancel
    before any authorisation), so that nothing waits on the network inside it."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def idempotency_key(self) -> str | None:
        return None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        yield self._connection

    def finish(self, connection: Connection, outcome: Outcome) -> None:
        pass


def _expire(connection: Connection, session: Any, payments: Payments) -> Any:
    """Expire an open session whose payment is not under way; its payment intent, which no
    authorisation holds, is canceled with it."""
    if session.payment_intent_id is not None and session.intent_status != Status.CANCELED:
        assert session.intent_status not in (*records.PAID, Status.PROCESSING)
        payment_intents.cancel(
            Within(connection),
            acting_for(session.merchant_id),
            session.payment_intent_id,
            {"cancellation_reason": "abandoned"},
            payments,
        )
    connection.execute(
        sa.update(sessions).where(sessions.c.id == session.id).values(status="expired")
    )
    return records.announce(connection, session.id, "checkout.session.expired", payments.clock)


def expire(
    connection: Connection,
    caller: Caller,
    session_id: str,
    params: dict[str, Any],
    payments: Payments,
) -> Outcome:
    """Expire an open session now, so its customer can no longer pay. One that was paid
    meanwhile is completed instead, and the refusal says so."""
    given = parse(ExpireParams, params)
    expand = catalog_records.expansions(given.expand, EXPANDABLE, listing=False)
    session = records.find_session(
        connection, session_id, merchant_id=caller.merchant_id, lock=True
    )
    session = records.settle(connection, session, payments.clock)
    if session.status != "open":
        refused = InvalidRequest(
            f"This Checkout Session is {session.status}; only an open session can be expired.",
            code="checkout_session_unexpected_state",
        )
        return refused.status, refused.body()  # a completion just made is kept
    if session.intent_status == Status.PROCESSING:
        raise InvalidRequest(
            "The customer's payment for this Checkout Session is being processed; try again "
            "in a moment.",
            code="checkout_session_unexpected_state",
        )
    return records.session_object(connection, _expire(connection, session, payments), expand)


def settle_due(engine: Engine, payments: Payments, *, batch: int = 500) -> int:
    """The worker's duty: complete the open sessions whose payment went through, and expire
    those past ``expires_at`` with no payment under way. Each in a transaction of its own
    under the session's lock, so several workers may run it at once; returns how many
    sessions changed."""
    now = payments.clock.now()
    with reading(engine) as connection:
        due = (
            connection.execute(
                sa.select(sessions.c.id)
                .select_from(
                    sessions.outerjoin(
                        intents_table, intents_table.c.id == sessions.c.payment_intent_id
                    )
                )
                .where(
                    sessions.c.status == "open",
                    sa.or_(sessions.c.expires_at <= now, intents_table.c.status.in_(records.PAID)),
                )
                .order_by(sessions.c.expires_at)
                .limit(batch)
            )
            .scalars()
            .all()
        )
    changed = 0
    for session_id in due:
        with writing(engine) as connection:
            session = records.find_session(connection, session_id, lock=True)
            settled = records.settle(connection, session, payments.clock)
            if (
                settled.status == "open"
                and settled.expires_at <= now
                and settled.intent_status != Status.PROCESSING
            ):
                settled = _expire(connection, settled, payments)
            changed += settled.status != session.status
    return changed


def expiry_duty(engine: Engine, clock: Clock, processor: Processor) -> Duty:
    """``settle_due`` every minute, for ``mercato worker`` and ``mercato demo``."""
    payments = Payments(Services(processor.vault, clock, CvcHolder()), processor)
    return Duty("checkout.settle_sessions", EXPIRE_EVERY, lambda: settle_due(engine, payments))
