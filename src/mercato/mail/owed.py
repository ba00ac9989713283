"""Which events owe the customer a receipt, and the record that it is owed.

Called by ``gateway.events.record`` in the transaction that records the event, so a receipt
is owed (and its outbox job exists) if and only if the payment was committed. A receipt is
owed once per charge: ``charge.succeeded`` of a charge with a ``receipt_email`` and
``checkout.session.completed`` of the same payment both name it, and the second finds the
first's row and adds nothing. Inserting with ON CONFLICT DO NOTHING, never a plain insert
that could fail: a receipt must never roll a payment back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from mercato import outbox
from mercato.gateway.payment_tables import payment_intents
from mercato.mail.tables import receipts

SEND_RECEIPT = "mail.receipt"
"""The outbox job kind that sends one receipt (``mail.sending`` handles it)."""

RECEIPT_EVENTS = frozenset({"charge.succeeded", "checkout.session.completed"})


def receipt_number(charge_id: str) -> str:
    """The receipt's number as the customer sees it (``1234-5678``): the same for a charge
    every time it is shown, and unlike any other in practice."""
    digits = int.from_bytes(hashlib.sha256(charge_id.encode()).digest()[:8], "big") % 10**8
    return f"{digits // 10**4:04d}-{digits % 10**4:04d}"


def _charge_and_email(
    connection: Connection, event_type: str, data_object: dict[str, Any]
) -> tuple[str, str] | None:
    if event_type == "charge.succeeded":
        email = data_object.get("receipt_email")
        return (str(data_object["id"]), str(email)) if email else None
    if event_type == "checkout.session.completed":
        email = (data_object.get("customer_details") or {}).get("email")
        intent_id = data_object.get("payment_intent")
        if not email or not intent_id:
            return None
        charge_id = connection.execute(
            sa.select(payment_intents.c.latest_charge_id).where(payment_intents.c.id == intent_id)
        ).scalar_one_or_none()
        return (str(charge_id), str(email)) if charge_id else None
    return None


def owe_receipt(
    connection: Connection,
    *,
    merchant_id: str,
    event_type: str,
    data_object: dict[str, Any],
    now: dt.datetime,
) -> bool:
    """If this event owes a receipt not yet owed, record it and enqueue its sending."""
    if event_type not in RECEIPT_EVENTS:
        return False
    found = _charge_and_email(connection, event_type, data_object)
    if found is None:
        return False
    charge_id, email = found
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    inserted = connection.execute(
        dialect.insert(receipts)
        .values(
            charge_id=charge_id,
            merchant_id=merchant_id,
            email=email[:800],
            number=receipt_number(charge_id),
            status="pending",
            cause=event_type,
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(receipts.c.charge_id)
    ).first()
    if inserted is None:
        return False
    outbox.enqueue(connection, SEND_RECEIPT, {"charge_id": charge_id}, due_at=now)
    return True
