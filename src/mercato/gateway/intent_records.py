"""What payment intents' use cases share: the states and what each allows, what the use
cases are given (``Steps``, ``Payments``), and the intent's row, API object and events.

    requires_payment_method ──payment method──> requires_confirmation ──confirm──> processing
    processing ──approved──> succeeded (captured at once), or requires_capture ──capture──>
               succeeded
    processing ──challenge──> requires_action ──customer back from the issuer──> processing
    processing ──declined──> requires_payment_method (the failed charge kept)
    requires_* ──cancel──> canceled

Both ``payment_intents`` (create, read, update, list, confirm, capture, cancel) and
``confirmations`` (claiming an intent, recording the issuer's answer, 3-D Secure, recovery)
import this module; it imports neither.
"""

from __future__ import annotations

import datetime as dt
import enum
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import charges, events, payment_methods
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.payment_methods import Services
from mercato.gateway.payment_tables import payment_intents
from mercato.gateway.payment_tables import payment_methods as methods_table
from mercato.logs import get_logger
from mercato.processor import Processor

log = get_logger(__name__)

Outcome = dict[str, Any] | tuple[int, dict[str, Any]]


# The states and what may be done in each (pure) ---------------------------------------------


class Status(enum.StrEnum):
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"


class Action(enum.StrEnum):
    UPDATE = "update"
    CONFIRM = "confirm"
    CAPTURE = "capture"
    CANCEL = "cancel"


ALLOWED: dict[Action, tuple[Status, ...]] = {
    Action.UPDATE: (
        Status.REQUIRES_PAYMENT_METHOD,
        Status.REQUIRES_CONFIRMATION,
        Status.REQUIRES_ACTION,
    ),
    Action.CONFIRM: (Status.REQUIRES_PAYMENT_METHOD, Status.REQUIRES_CONFIRMATION),
    Action.CAPTURE: (Status.REQUIRES_CAPTURE,),
    Action.CANCEL: (
        Status.REQUIRES_PAYMENT_METHOD,
        Status.REQUIRES_CAPTURE,
        Status.REQUIRES_CONFIRMATION,
        Status.REQUIRES_ACTION,
    ),
}
"""Which statuses allow each action, in the order Stripe lists them in its errors."""


_DONE = {
    Action.UPDATE: "updated",
    Action.CONFIRM: "confirmed",
    Action.CAPTURE: "captured",
    Action.CANCEL: "canceled",
}


def check(status: str, action: Action) -> None:
    """Refuse ``action`` on an intent in ``status``, with Stripe's code and message."""
    allowed = ALLOWED[action]
    if Status(status) in allowed:
        return
    raise InvalidRequest(
        f"You cannot {action} this PaymentIntent because it has a status of {status}. Only a "
        f"PaymentIntent with one of the following statuses may be {_DONE[action]}: "
        f"{', '.join(allowed)}.",
        code="payment_intent_unexpected_state",
    )


def status_with_method(has_method: bool) -> Status:
    """The status of an unconfirmed intent: waiting for a payment method, or to confirm."""
    return Status.REQUIRES_CONFIRMATION if has_method else Status.REQUIRES_PAYMENT_METHOD


def redirect_status(status: str) -> str:
    """``redirect_status`` on the merchant's ``return_url`` after 3-D Secure."""
    if status in (Status.SUCCEEDED, Status.REQUIRES_CAPTURE):
        return "succeeded"
    return "processing" if status == Status.PROCESSING else "failed"


# What the use cases are given ------------------------------------------------------------------


class Steps(Protocol):
    """Transactions for a use case that talks to another party between them (the API's
    ``requests.Steps``): each ``transaction()`` commits on its own; ``finish`` stores the
    response for ``Idempotency-Key`` replays in the use case's last one."""

    @property
    def idempotency_key(self) -> str | None: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def finish(self, connection: Connection, outcome: Outcome) -> None: ...


@dataclass(frozen=True)
class Payments:
    """What payment intents work with besides the database."""

    services: Services  # the vault, the clock and the CVCs waiting for their authorisation
    processor: Processor

    @property
    def clock(self) -> Clock:
        return self.services.clock


# Rows, objects and events -------------------------------------------------------------------------


def to_object(
    connection: Connection, intent: Any, expand: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The payment intent as the API shows it; ``latest_charge`` and ``payment_method``
    as objects when expanded."""
    latest_charge: Any = intent.latest_charge_id
    if "latest_charge" in expand and latest_charge is not None:
        latest_charge = charges.to_object(connection, charges.row(connection, latest_charge))
    payment_method: Any = intent.payment_method_id
    if "payment_method" in expand and payment_method is not None:
        payment_method = payment_methods.to_object(method(connection, payment_method))
    return {
        "id": intent.id,
        "object": "payment_intent",
        "amount": intent.amount,
        "amount_capturable": intent.amount_capturable,
        "amount_details": {"tip": {}},
        "amount_received": intent.amount_received,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": None if intent.canceled_at is None else int(intent.canceled_at.timestamp()),
        "cancellation_reason": intent.cancellation_reason,
        "capture_method": intent.capture_method,
        "client_secret": intent.client_secret,
        "confirmation_method": "automatic",
        "created": int(intent.created_at.timestamp()),
        "currency": intent.currency,
        "customer": intent.customer_id,
        "description": intent.description,
        "last_payment_error": intent.last_payment_error,
        "latest_charge": latest_charge,
        "livemode": False,
        "metadata": intent.metadata,
        "next_action": intent.next_action,
        "on_behalf_of": None,
        "payment_method": payment_method,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": intent.request_three_d_secure,
            }
        },
        "payment_method_types": ["card"],
        "processing": None,
        "receipt_email": intent.receipt_email,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": intent.status,
        "transfer_data": None,
        "transfer_group": None,
    }


def method(connection: Connection, payment_method_id: str) -> Any:
    return connection.execute(
        sa.select(methods_table).where(methods_table.c.id == payment_method_id)
    ).one()


def row(
    connection: Connection, intent_id: str, *, merchant_id: str | None = None, lock: bool = False
) -> Any:
    query = sa.select(payment_intents).where(payment_intents.c.id == intent_id)
    if merchant_id is not None:
        query = query.where(payment_intents.c.merchant_id == merchant_id)
    if lock:
        query = query.with_for_update()
    found = connection.execute(query).first()
    if found is None:
        raise ResourceMissing("payment_intent", intent_id)
    return found


def update(connection: Connection, intent_id: str, now: dt.datetime, **values: Any) -> Any:
    """Change an intent; returns it as it now is (one round trip)."""
    found = connection.execute(
        sa.update(payment_intents)
        .where(payment_intents.c.id == intent_id)
        .values(updated_at=now, **values)
        .returning(payment_intents)
    ).first()
    if found is None:
        raise ResourceMissing("payment_intent", intent_id)
    return found


def announce(
    connection: Connection,
    payments: Payments,
    key: str | None,
    intent: Any,
    kind: str,
    *,
    charge: Any = None,
) -> None:
    """Record one event of ``intent``'s merchant: about ``charge`` when one is given, else
    about the intent as it now is."""
    events.record(
        connection,
        merchant_id=intent.merchant_id,
        type=kind,
        data_object=to_object(connection, intent)
        if charge is None
        else charges.to_object(connection, charge),
        idempotency_key=key,
        clock=payments.clock,
    )


def tell_issuer(payments: Payments, authorisation_id: Any) -> None:
    """Send the 0220 or 0400 now; if it does not go through, its job keeps trying."""
    try:
        payments.processor.follow_up(authorisation_id)
    except Exception as error:
        log.warning("payments.follow_up_deferred", error=type(error).__name__)
