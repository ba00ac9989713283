"""Authorisations never captured: after seven days (``HOLD_LIFETIME``, the issuer's own
hold lifetime), a payment intent still ``requires_capture`` is canceled with
``cancellation_reason`` ``automatic``, as Stripe does. Its charge's hold is released in the
platform's books as expired, the issuer is sent the 0400 (its own hold has run out by
then; the reversal frees anything it still keeps), and the merchant is told with the events
``charge.expired`` and ``payment_intent.canceled``.

A capture that comes after the hold ran out and before this duty is refused with
``charge_expired_for_capture`` (``payment_intents.capture``). Each intent is its own
database transaction, locked and checked again inside it, so a capture or cancel racing
the duty either wins or finds the intent canceled.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.database.engine import reading, writing
from mercato.gateway import charges
from mercato.gateway import intent_records as records
from mercato.gateway.cvc import CvcHolder
from mercato.gateway.intent_records import Payments, Status
from mercato.gateway.payment_methods import Services
from mercato.gateway.payment_tables import charges as charges_table
from mercato.gateway.payment_tables import payment_intents
from mercato.logs import get_logger
from mercato.outbox import Duty
from mercato.processor import Processor
from mercato.processor.service import HOLD_LIFETIME

log = get_logger(__name__)

DUTY = "payments.expire_authorisations"
EVERY = dt.timedelta(hours=1)
BATCH = 200


def _due(engine: Engine, cutoff: dt.datetime, batch: int, skipped: set[str]) -> list[str]:
    """Payment intents awaiting capture whose charge was authorised before ``cutoff``, but
    for ``skipped``."""
    i, c = payment_intents.c, charges_table.c
    with reading(engine) as connection:
        return list(
            connection.execute(
                sa.select(i.id)
                .join(charges_table, c.id == i.latest_charge_id)
                .where(
                    i.status == Status.REQUIRES_CAPTURE.value,
                    i.created_at <= cutoff,
                    c.created_at <= cutoff,
                    i.id.not_in(skipped),
                )
                .order_by(i.created_at, i.id)
                .limit(batch)
            ).scalars()
        )


def cancel_expired(engine: Engine, payments: Payments, *, batch: int = BATCH) -> int:
    """Cancel every payment intent whose uncaptured authorisation has run out; returns how
    many were."""
    canceled, skipped = 0, set[str]()
    while True:
        now = payments.clock.now()
        due = _due(engine, now - HOLD_LIFETIME, batch, skipped)
        for intent_id in due:
            try:
                released = _cancel(engine, payments, intent_id, now)
            except Exception:  # one intent's trouble must not stop the others
                log.exception("payments.authorisation_expiry_failed", payment_intent=intent_id)
                skipped.add(intent_id)
                continue
            if released is not None:
                records.tell_issuer(payments, released)
                canceled += 1
                log.info("payments.authorisation_expired", payment_intent=intent_id)
        if len(due) < batch:
            return canceled


def _cancel(engine: Engine, payments: Payments, intent_id: str, now: dt.datetime) -> Any:
    """Cancel one intent as expired; returns its authorisation, or None if it no longer
    awaits capture."""
    with writing(engine) as connection:
        intent = records.row(connection, intent_id, lock=True)
        if intent.status != Status.REQUIRES_CAPTURE.value:
            return None  # captured or canceled since it was found
        charge = charges.row(connection, intent.latest_charge_id, lock=True)
        payments.processor.expire(
            connection,
            authorisation_id=charge.authorisation_id,
            charge_id=charge.id,
            hold_id=charge.ledger_hold_id,
        )
        intent = records.update(
            connection,
            intent.id,
            now,
            status=Status.CANCELED.value,
            cancellation_reason="automatic",
            canceled_at=now,
            amount_capturable=0,
        )
        records.announce(connection, payments, None, intent, "charge.expired", charge=charge)
        records.announce(connection, payments, None, intent, "payment_intent.canceled")
        return charge.authorisation_id


def duty(engine: Engine, clock: Clock, processor: Processor) -> Duty:
    """``cancel_expired`` every hour, for ``mercato worker``, ``mercato demo`` and the
    sandbox's timeline."""
    payments = Payments(Services(processor.vault, clock, CvcHolder()), processor)
    return Duty(DUTY, EVERY, lambda: cancel_expired(engine, payments))
