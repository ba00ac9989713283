"""The hosted payment page's use cases: what a customer sees of a Checkout Session, and
paying for it with a card typed into the page.

Paying reuses the payment intents' own use cases, exactly as a merchant's server would call
them: the session's intent is made (``payment_intents.create``) the first time the customer
presses Pay, and each attempt confirms it with the card (``payment_intents.confirm``, which
makes the payment method and authorises through ``confirmations``). There is no second way
to confirm a payment.

One charge per session, however often Pay is pressed: the attempt takes the session's row
lock to make or find the session's one intent, and the intent's own state then admits one
confirmation at a time (a second finds it ``processing`` and is told to wait). A session
completes (``checkout_records.settle``) wherever its paid intent is first seen: here after
an attempt, when the customer's browser comes back from 3-D Secure, or by the worker's duty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock
from mercato.database.engine import reading, writing
from mercato.gateway import checkout_records as records
from mercato.gateway import intent_records as intents
from mercato.gateway import payment_intents
from mercato.gateway.checkout_sessions import Within, acting_for
from mercato.gateway.checkout_tables import sessions
from mercato.gateway.errors import CardError, InvalidRequest
from mercato.gateway.intent_records import Payments, Status, Steps
from mercato.gateway.merchants import Caller, get_merchant
from mercato.money import Money

AUTHENTICATION_FAILED = (
    "Your bank could not confirm that it is you making this payment, so it was not made. "
    "Try again, or use another card."
)


@dataclass(frozen=True)
class Card:
    """A card as the customer typed it into the page. Its number and security code are
    never shown, in a repr or anywhere else."""

    email: str
    name: str
    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)


# What the page shows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_amount: Money
    amount: Money


@dataclass(frozen=True)
class View:
    """A session as its hosted page shows it."""

    session_id: str
    state: str  # open, processing, complete, expired, unpayable
    merchant_name: str
    lines: list[Line]
    total: Money
    email: str | None
    submit_type: str | None
    url: str  # this page
    cancel_url: str | None
    success_url: str
    custom_message: str | None
    problem: str | None  # why the last attempt did not go through, in plain words


def _state(session: Any, clock: Clock) -> str:
    if session.status != "open":
        return str(session.status)
    if records.expired(session, clock.now()):
        return "expired"
    if session.intent_status == Status.PROCESSING:
        return "processing"
    if session.intent_status == Status.CANCELED:  # the merchant canceled it through the API
        return "unpayable"
    return "open"


def _problem(connection: Connection, session: Any) -> str | None:
    """The last attempt's failure, for the customer: the decline's own message (Stripe's
    words for the cardholder), or a failed 3-D Secure check."""
    if session.payment_intent_id is None or session.intent_status != Status.REQUIRES_PAYMENT_METHOD:
        return None
    error = intents.row(connection, session.payment_intent_id).last_payment_error
    if not error:
        return None
    if error.get("type") == "card_error":
        return str(error["message"])
    return AUTHENTICATION_FAILED


def _custom_message(connection: Connection, session: Any) -> str | None:
    if session.payment_link_id is None:
        return None
    after = records.find_link(connection, session.payment_link_id).after_completion
    confirmation = after.get("hosted_confirmation") or {}
    message = confirmation.get("custom_message")
    return None if message is None else str(message)


def _view(connection: Connection, session: Any, clock: Clock, *, with_problem: bool) -> View:
    merchant = get_merchant(connection, session.merchant_id)
    lines = [
        Line(
            description=item["description"],
            quantity=item["quantity"],
            unit_amount=Money.of_minor(item["price"]["unit_amount"], session.currency),
            amount=Money.of_minor(item["amount_total"], session.currency),
        )
        for item in records.session_items(connection, session.id)
    ]
    return View(
        session_id=session.id,
        state=_state(session, clock),
        merchant_name=merchant.name if merchant else "",
        lines=lines,
        total=Money.of_minor(session.amount_total, session.currency),
        email=(session.customer_details or {}).get("email") or session.customer_email,
        submit_type=session.submit_type,
        url=session.url,
        cancel_url=session.cancel_url,
        success_url=records.success_url(session),
        custom_message=_custom_message(connection, session),
        problem=_problem(connection, session) if with_problem else None,
    )


def look(engine: Engine, session_id: str, clock: Clock, *, with_problem: bool = False) -> View:
    """The session as its page shows it now; completed first if its payment has gone
    through (the customer is back from 3-D Secure, or a request died after paying)."""
    with reading(engine) as connection:
        session = records.find_session(connection, session_id)
        if not (session.status == "open" and session.intent_status in records.PAID):
            return _view(connection, session, clock, with_problem=with_problem)
    with writing(engine) as connection:
        session = records.find_session(connection, session_id, lock=True)
        session = records.settle(connection, session, clock)
        return _view(connection, session, clock, with_problem=with_problem)


# Paying -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paid:
    """Paid: send the customer to the merchant's ``success_url``."""

    url: str


@dataclass(frozen=True)
class Challenged:
    """The card's bank wants to check it is them: send the customer to its challenge."""

    url: str


@dataclass(frozen=True)
class Declined:
    message: str


@dataclass(frozen=True)
class Refused:
    """The card as typed cannot be used (a wrong number, a past expiry): ``field`` of the
    form, and why."""

    field: str
    message: str


@dataclass(frozen=True)
class Unpayable:
    """Nothing to pay now (complete, expired, or an attempt under way): show the page."""


Attempt = Paid | Challenged | Declined | Refused | Unpayable

_FIELDS = {"number": "number", "exp_month": "expiry", "exp_year": "expiry", "cvc": "cvc"}


def _refused(error: CardError) -> Refused:
    name = (error.param or "").rsplit("[", 1)[-1].rstrip("]")
    return Refused(_FIELDS.get(name, "number"), error.message)


def _make_intent(connection: Connection, session: Any, payments: Payments, return_base: str) -> str:
    """The session's payment intent, made now in the session's own transaction."""
    data = session.payment_intent_data
    made = payment_intents.create(
        Within(connection),
        acting_for(session.merchant_id),
        {
            "amount": session.amount_total,
            "currency": session.currency,
            "capture_method": data["capture_method"],
            "description": data["description"],
            "metadata": data["metadata"],
            # Back from 3-D Secure, the customer lands on the hosted page again.
            "return_url": f"{session.url}/return",
        },
        payments,
        return_base=return_base,
    )
    assert isinstance(made, dict)
    connection.execute(
        sa.update(sessions).where(sessions.c.id == session.id).values(payment_intent_id=made["id"])
    )
    return str(made["id"])


def _begin(
    connection: Connection, session_id: str, confirm: dict[str, Any], payments: Payments, base: str
) -> tuple[Caller, str, dict[str, Any]] | Unpayable:
    """Under the session's lock: who pays (the session's merchant), its intent (made now,
    on the first press of Pay) and what to confirm it with; or ``Unpayable``."""
    session = records.find_session(connection, session_id, lock=True)
    session = records.settle(connection, session, payments.clock)
    if _state(session, payments.clock) != "open":
        return Unpayable()
    caller = acting_for(session.merchant_id)
    if session.payment_intent_id is None:
        return caller, _make_intent(connection, session, payments, base), confirm
    if session.intent_status == Status.REQUIRES_ACTION:
        # The customer left their bank's check for another card: it replaces the one
        # waiting there, and the intent is confirmed afresh.
        payment_intents.update(connection, caller, session.payment_intent_id, confirm, payments)
        return caller, session.payment_intent_id, {}
    return caller, session.payment_intent_id, confirm


def pay(
    steps: Steps, session_id: str, card: Card, payments: Payments, *, return_base: str
) -> Attempt:
    """One press of Pay: authorise ``card`` for the session, through its payment intent."""
    confirm: dict[str, Any] = {
        "payment_method_data": {
            "type": "card",
            "card": {
                "number": card.number,
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
                "cvc": card.cvc,
            },
            "billing_details": {"name": card.name, "email": card.email},
        },
        "receipt_email": card.email,
    }
    try:
        with steps.transaction() as connection:
            begun = _begin(connection, session_id, confirm, payments, return_base)
        if isinstance(begun, Unpayable):
            return begun
        caller, intent_id, confirm = begun
        outcome = payment_intents.confirm(
            steps, caller, intent_id, confirm, payments, return_base=return_base
        )
    except CardError as error:
        return _refused(error)
    except InvalidRequest as error:
        if error.code == "payment_intent_unexpected_state":
            return Unpayable()  # another press of Pay holds the intent, or it has ended
        raise
    return _after(steps, session_id, outcome, payments.clock)


def _after(steps: Steps, session_id: str, outcome: intents.Outcome, clock: Clock) -> Attempt:
    """What the confirmation came to, for the customer; a paid session is completed."""
    status, body = (200, outcome) if isinstance(outcome, dict) else outcome
    if status == 402:
        return Declined(str(body["error"]["message"]))
    if body["status"] == Status.REQUIRES_ACTION:
        return Challenged(str(body["next_action"]["redirect_to_url"]["url"]))
    if body["status"] not in records.PAID:
        return Unpayable()
    with steps.transaction() as connection:
        session = records.find_session(connection, session_id, lock=True)
        session = records.settle(connection, session, clock)
    return Paid(records.success_url(session))
