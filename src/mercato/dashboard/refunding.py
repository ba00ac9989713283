"""The Refund button: what is left of a payment (or a part of it, from an order's page)
returned, through the gateway's own use case (``gateway.refunds.create``), once.

Once, even when the button is pressed twice or the form sent again: the confirmation page
carries an idempotency key made when it was shown, and the refund claims it exactly as an
API request with ``Idempotency-Key`` does (``gateway.idempotency``), in the merchant's own
key space; a second submission gets the first refund back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.database.engine import writing
from mercato.gateway import idempotency, refunds
from mercato.gateway.merchants import Caller, KeyKind
from mercato.processor import Processor

KEY_PREFIX = "dashboard-refund-"


@dataclass(frozen=True)
class Refunded:
    refund: dict[str, Any]
    replayed: bool


def refund_payment(
    engine: Engine,
    clock: Clock,
    processor: Processor,
    *,
    secret: bytes,
    merchant_id: str,
    intent_id: str,
    key: str,
    amount: int | None = None,
) -> Refunded:
    """Refund ``amount`` (minor units), or what is left, of ``intent_id``; raises the
    gateway's ``ApiError`` when it cannot be (already refunded, more than is left, not
    captured, a refund of it still under way)."""
    caller = Caller(KeyKind.SECRET, merchant_id)
    params: dict[str, Any] = {"payment_intent": intent_id}
    if amount is not None:
        params["amount"] = amount
    claimed = idempotency.claim(
        engine,
        clock,
        owner=caller.owner,
        key=f"{KEY_PREFIX}{key}"[: idempotency.MAX_KEY_LENGTH],
        method="POST",
        path="/v1/refunds",
        params=params,
        secret=secret,
    )
    if isinstance(claimed, idempotency.Replay):
        return Refunded(claimed.body, replayed=True)
    try:
        with writing(engine) as connection:
            refund = refunds.create(
                connection,
                caller,
                params,
                processor=processor,
                clock=clock,
                idempotency_key=claimed.key,
            )
            idempotency.finish(connection, claimed, 200, refund)
    except Exception:
        idempotency.release(engine, claimed)
        raise
    return Refunded(refund, replayed=False)
