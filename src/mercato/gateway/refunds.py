"""Refunds: money returned to the cardholder out of a captured charge (Stripe's ``refund``).

A refund names a charge, or a payment intent (its latest charge), and an amount: the rest
of the captured amount by default; several partial refunds may follow one another up to
it, never beyond. Each is one transaction: the charge locked (after its payment intent, the
lock order every payment use case keeps), the books moved (``Processor.refund``: out of
the merchant's balance; the fee is kept, as Stripe keeps it), the refund and the charge
written, and the events recorded.

The issuer is not told here: ISO 8583 as Mercato speaks it has no credit message, so the
cardholder's money goes back with clearing (later work), not as an authorisation.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import charges, events
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.events import Created
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import MinorUnits, Params, parse
from mercato.gateway.payment_tables import payment_intents, refunds
from mercato.money import Money
from mercato.processor import Processor
from mercato.settlement import transactions as balance_transactions


class CreateParams(Params):
    charge: str | None = None
    payment_intent: str | None = None
    amount: MinorUnits | None = Field(default=None, ge=1)
    reason: Literal["duplicate", "fraudulent", "requested_by_customer"] | None = None
    metadata: dict[str, Any] | str | None = None
    expand: list[str] = Field(default_factory=list)


class UpdateParams(Params):
    metadata: dict[str, Any] | str | None = None
    expand: list[str] = Field(default_factory=list)


class RefundListParams(ListParams):
    charge: str | None = None
    payment_intent: str | None = None
    created: int | Created | None = None


def to_object(refund: Any) -> dict[str, Any]:
    return {
        "id": refund.id,
        "object": "refund",
        "amount": refund.amount,
        "balance_transaction": None,
        "charge": refund.charge_id,
        "created": int(refund.created_at.timestamp()),
        "currency": refund.currency,
        "destination_details": {"card": {"type": "refund"}, "type": "card"},
        "metadata": refund.metadata,
        "payment_intent": refund.payment_intent_id,
        "reason": refund.reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": refund.status,
        "transfer_reversal": None,
    }


def _charge_to_refund(connection: Connection, caller: Caller, given: CreateParams) -> str:
    if (given.charge is None) == (given.payment_intent is None):
        raise InvalidRequest(
            "You must pass either a charge or a payment_intent, and not both.",
            code="parameter_missing" if given.charge is None else "parameter_invalid",
            param="charge",
        )
    if given.charge is not None:
        return str(charges.find(connection, caller, given.charge, param="charge").id)
    intent = connection.execute(
        sa.select(payment_intents.c.latest_charge_id, payment_intents.c.status).where(
            payment_intents.c.id == given.payment_intent,
            payment_intents.c.merchant_id == caller.merchant_id,
        )
    ).first()
    if intent is None:
        raise ResourceMissing("payment_intent", str(given.payment_intent), param="payment_intent")
    if intent.status != "succeeded" or intent.latest_charge_id is None:
        raise InvalidRequest(
            f"This PaymentIntent ({given.payment_intent}) does not have a successful charge "
            "to refund.",
            code="charge_not_refundable",
            param="payment_intent",
        )
    return str(intent.latest_charge_id)


def create(
    connection: Connection,
    caller: Caller,
    params: dict[str, Any],
    *,
    processor: Processor,
    clock: Clock,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Refund all or part of what is left of a captured charge."""
    given = parse(CreateParams, params)
    charge_id = _charge_to_refund(connection, caller, given)
    first = charges.row(connection, charge_id)
    # The lock order of every payment use case: the payment intent, then its charge.
    connection.execute(
        sa.select(payment_intents.c.id)
        .where(payment_intents.c.id == first.payment_intent_id)
        .with_for_update()
    ).one()
    charge = charges.row(connection, charge_id, lock=True)
    if charge.status != "succeeded" or not charge.captured:
        raise InvalidRequest(
            f"Charge {charge.id} has not been captured; cancel its PaymentIntent to release it.",
            code="charge_not_refundable",
            param="charge",
        )
    left = charge.amount_captured - charge.amount_refunded
    if left <= 0:
        raise InvalidRequest(
            f"Charge {charge.id} has already been refunded.",
            code="charge_already_refunded",
            param="charge",
        )
    amount = left if given.amount is None else given.amount
    if amount > left:
        unrefunded = Money.of_minor(left, charge.currency)
        asked = Money.of_minor(amount, charge.currency)
        raise InvalidRequest(
            f"Refund amount ({asked.format()}) is greater than unrefunded amount on charge "
            f"({unrefunded.format()})",
            code="amount_too_large",
            param="amount",
        )
    now = clock.now()
    refund_id = new_id("re")
    processor.refund(
        connection,
        refund_id=refund_id,
        charge_id=charge.id,
        merchant_id=charge.merchant_id,
        amount=Money.of_minor(amount, charge.currency),
        authorisation_id=charge.authorisation_id,
    )
    connection.execute(
        sa.insert(refunds).values(
            id=refund_id,
            merchant_id=charge.merchant_id,
            charge_id=charge.id,
            payment_intent_id=charge.payment_intent_id,
            amount=amount,
            currency=charge.currency,
            status="succeeded",
            reason=given.reason,
            metadata=metadata_rules.merged({}, given.metadata),
            created_at=now,
        )
    )
    refunded = charges.update(
        connection, charge.id, amount_refunded=charge.amount_refunded + amount
    )
    refund = _row(connection, refund_id)
    balance_transactions.refunded(connection, refund, now)
    shown = to_object(refund)
    for kind, data, previous in (
        ("refund.created", shown, None),
        (
            "charge.refunded",
            charges.to_object(connection, refunded),
            {"amount_refunded": charge.amount_refunded},
        ),
    ):
        events.record(
            connection,
            merchant_id=charge.merchant_id,
            type=kind,
            data_object=data,
            previous_attributes=previous,
            idempotency_key=idempotency_key,
            clock=clock,
        )
    return shown


def _row(connection: Connection, refund_id: str) -> Any:
    return connection.execute(sa.select(refunds).where(refunds.c.id == refund_id)).one()


def _find(connection: Connection, caller: Caller, refund_id: str) -> Any:
    found = connection.execute(
        sa.select(refunds).where(
            refunds.c.id == refund_id, refunds.c.merchant_id == caller.merchant_id
        )
    ).first()
    if found is None:
        raise ResourceMissing("refund", refund_id)
    return found


def retrieve(connection: Connection, caller: Caller, refund_id: str) -> dict[str, Any]:
    return to_object(_find(connection, caller, refund_id))


def update(
    connection: Connection, caller: Caller, refund_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(UpdateParams, params)
    found = _find(connection, caller, refund_id)
    if given.metadata is not None:
        connection.execute(
            sa.update(refunds)
            .where(refunds.c.id == found.id)
            .values(metadata=metadata_rules.merged(found.metadata, given.metadata))
        )
    return to_object(_row(connection, found.id))


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's refunds, newest first, by ``charge``, ``payment_intent``, ``created``."""
    given = parse(RefundListParams, params)
    query = sa.select(refunds).where(refunds.c.merchant_id == caller.merchant_id)
    if given.charge:
        query = query.where(refunds.c.charge_id == given.charge)
    if given.payment_intent:
        query = query.where(refunds.c.payment_intent_id == given.payment_intent)
    if given.created is not None:
        query = query.where(*charges.created_filter(refunds.c.created_at, given.created))
    rows, has_more = page(query, refunds.c.id, given, lambda q: connection.execute(q).all())
    return list_object("/v1/refunds", [to_object(r) for r in rows], has_more)
