"""One authorisation as a dialogue with the issuer: the 0100, and at most one 3-D Secure
step around it.

``request_three_d_secure`` ``automatic`` (Stripe's default) asks the issuer's ACS only when
the issuer answers 1A (authentication required); ``any`` asks it first. The ACS answers "Y"
(authenticated: authorise at once with its result), "C" (the customer must answer a
challenge: the dialogue stops there, and resumes when the browser comes back) or "N"
(not authenticated: authorise without, and let the issuer decide).

Each 0100 is recorded before it is sent, in a transaction the caller opens (``fenced``):
the caller checks there that it still owns the payment, so that a recovered payment is
never authorised again. No transaction is open while the issuer or its ACS think.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from mercato.logs import get_logger
from mercato.money import Money
from mercato.network.messages import ResponseCode, ThreeDSResult
from mercato.processor.service import Answer, Card, IssuerLink, Prepared, Processor
from mercato.processor.threeds import AcsUnavailable, Authentication

log = get_logger(__name__)

Fenced = Callable[[], AbstractContextManager[Connection]]


@dataclass(frozen=True)
class Order:
    """What to authorise: ``amount`` on ``card`` for a merchant's payment ``reference``."""

    link: IssuerLink
    merchant_id: str
    merchant_name: str
    reference: str
    card: Card
    number: Any  # the vault's CardNumber (masked in every repr), for the ACS
    amount: Money
    return_url: str  # where the ACS sends the browser back after a challenge


@dataclass(frozen=True)
class Authenticated:
    """A 3-D Secure result to present, and how it was reached (Stripe's
    ``authentication_flow``: ``frictionless`` or ``challenge``)."""

    result: ThreeDSResult
    flow: str


@dataclass(frozen=True)
class Answered:
    """The issuer answered (or could not): record ``answer`` for ``prepared``."""

    prepared: Prepared
    answer: Answer
    authenticated: Authenticated | None


@dataclass(frozen=True)
class Challenged:
    """The customer must answer the issuer's challenge. ``declined`` is the 1A that asked
    for it, to record with it."""

    authentication: Authentication
    declined: tuple[Prepared, Answer] | None = None


def authenticate(order: Order) -> Authentication | None:
    """Ask the issuer's ACS to authenticate the cardholder (None: it cannot be asked)."""
    acs = order.link.acs
    if acs is None:
        return None
    try:
        return acs.begin(
            pan=order.number.digits,
            amount=order.amount,
            merchant_name=order.merchant_name,
            return_url=order.return_url,
        )
    except AcsUnavailable as error:
        log.warning("processor.acs_unavailable", reference=order.reference, error=str(error))
        return None


def _frictionless(found: Authentication | None) -> Authenticated | None:
    if found is None or found.status != "Y" or found.result is None:
        return None
    return Authenticated(found.result, "frictionless")


def authorise(
    processor: Processor,
    order: Order,
    *,
    fenced: Fenced,
    cvc: str | None,
    ask_first: bool = False,
    authenticated: Authenticated | None = None,
) -> Answered | Challenged:
    """Authorise ``order``, with 3-D Secure first if ``ask_first``, or on a 1A; a result
    already in hand (``authenticated``, after a challenge) is presented and no other step
    is taken."""
    step_up = authenticated is None
    if ask_first and authenticated is None:
        step_up = False
        found = authenticate(order)
        if found is not None and found.status == "C":
            return Challenged(found)
        authenticated = _frictionless(found)
    while True:
        # Before the transaction: a process's first STAN of a block is taken from the
        # database in a transaction of its own.
        stan = processor.next_stan(order.link)
        with fenced() as connection:
            prepared = processor.prepare(
                connection,
                stan=stan,
                link=order.link,
                merchant_id=order.merchant_id,
                merchant_name=order.merchant_name,
                reference=order.reference,
                card=order.card,
                amount=order.amount,
            )
        three_ds = None if authenticated is None else authenticated.result
        answer = processor.send(prepared, cvc=cvc, three_ds=three_ds)
        if not (step_up and answer.verdict.response_code == ResponseCode.AUTHENTICATION_REQUIRED):
            return Answered(prepared, answer, authenticated)
        step_up = False
        found = authenticate(order)
        if found is not None and found.status == "C":
            return Challenged(found, (prepared, answer))
        authenticated = _frictionless(found)
        if authenticated is None:
            return Answered(prepared, answer, None)
        with fenced() as connection:
            processor.settle(connection, prepared, answer)  # the 1A, before the next 0100
