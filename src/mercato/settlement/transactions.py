"""Balance transactions (Stripe's ``balance_transaction``): each movement of a merchant's
balance, written in the transaction of the change that causes it.

* A capture: ``charge``, the amount less the processor's fee, *pending* until
  ``available_on``, the start of the UTC day ``delay_days`` (the merchant's schedule) after
  it. The processor has already credited it to the merchant's pending balance.
* A refund: ``refund``, the amount negative, due at once (``available_on`` is its
  creation): the next run of ``availability.make_available`` takes it from the available
  balance. Until then it lowers the pending balance, where the processor debited it.
* A payout and its failure or cancellation: ``payout``, ``payout_failure``,
  ``payout_cancel``, available at once: they move the available balance itself.

The sum of the nets of a merchant's pending transactions in a currency is its pending
ledger account; of its available ones, its available account (``settlement.books``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.gateway.ids import new_id
from mercato.settlement import schedule
from mercato.settlement.tables import balance_transactions

REPORTING_CATEGORY = {
    "charge": "charge",
    "refund": "refund",
    "payout": "payout",
    "payout_cancel": "payout_reversal",
    "payout_failure": "payout_reversal",
}
PENDING, AVAILABLE = "pending", "available"


def record(
    connection: Connection,
    *,
    merchant_id: str,
    type: str,  # Stripe's name for it
    amount: int,
    fee: int,
    currency: str,
    source_id: str,
    description: str | None,
    created: dt.datetime,
    available_on: dt.datetime,
    status: str,
) -> str:
    """Write one balance transaction; returns its id (``txn_...``)."""
    transaction_id = new_id("txn")
    connection.execute(
        sa.insert(balance_transactions).values(
            id=transaction_id,
            merchant_id=merchant_id,
            type=type,
            reporting_category=REPORTING_CATEGORY[type],
            amount=amount,
            fee=fee,
            net=amount - fee,
            currency=currency.lower(),
            status=status,
            available_on=available_on,
            source_id=source_id,
            description=description,
            created_at=created,
        )
    )
    return transaction_id


def record_charge(
    connection: Connection,
    *,
    charge_id: str,
    merchant_id: str,
    amount: int,
    fee: int,
    currency: str,
    description: str | None,
    now: dt.datetime,
) -> str:
    """A capture's balance transaction, pending for the merchant's ``delay_days``."""
    delay = schedule.of(connection, merchant_id).delay_days
    return record(
        connection,
        merchant_id=merchant_id,
        type="charge",
        amount=amount,
        fee=fee,
        currency=currency,
        source_id=charge_id,
        description=description,
        created=now,
        available_on=schedule.available_on(now, delay),
        status=PENDING,
    )


def record_refund(
    connection: Connection,
    *,
    refund_id: str,
    merchant_id: str,
    amount: int,
    currency: str,
    now: dt.datetime,
) -> str:
    """A refund's balance transaction, due at once (see the module's docstring)."""
    return record(
        connection,
        merchant_id=merchant_id,
        type="refund",
        amount=-amount,
        fee=0,
        currency=currency,
        source_id=refund_id,
        description="REFUND FOR CHARGE",
        created=now,
        available_on=now,
        status=PENDING,
    )


def of_source(connection: Connection, source_id: str, type: str) -> str | None:
    """The id of the balance transaction ``source_id`` (a charge, a refund) made, if any."""
    found: str | None = connection.execute(
        sa.select(balance_transactions.c.id).where(
            balance_transactions.c.source_id == source_id, balance_transactions.c.type == type
        )
    ).scalar_one_or_none()
    return found


def fee_details(fee: int, currency: str) -> list[dict[str, Any]]:
    if fee == 0:
        return []
    return [
        {
            "amount": fee,
            "application": None,
            "currency": currency,
            "description": "Mercato processing fees",
            "type": "stripe_fee",
        }
    ]


def to_object(row: Any) -> dict[str, Any]:
    """The balance transaction as the API shows it."""
    return {
        "id": row.id,
        "object": "balance_transaction",
        "amount": row.amount,
        "available_on": int(row.available_on.timestamp()),
        "balance_type": "payments",
        "created": int(row.created_at.timestamp()),
        "currency": row.currency,
        "description": row.description,
        "exchange_rate": None,
        "fee": row.fee,
        "fee_details": fee_details(row.fee, row.currency),
        "net": row.net,
        "reporting_category": row.reporting_category,
        "source": row.source_id,
        "status": row.status,
        "type": row.type,
    }


def charge_captured(connection: Connection, charge: Any, now: dt.datetime) -> str:
    """The hook of every capture (a charge row, captured, with its fee)."""
    return record_charge(
        connection,
        charge_id=charge.id,
        merchant_id=charge.merchant_id,
        amount=charge.amount_captured,
        fee=charge.fee,
        currency=charge.currency,
        description=charge.description,
        now=now,
    )


def refunded(connection: Connection, refund: Any, now: dt.datetime) -> str:
    """The hook of every refund (a refund row)."""
    return record_refund(
        connection,
        refund_id=refund.id,
        merchant_id=refund.merchant_id,
        amount=refund.amount,
        currency=refund.currency,
        now=now,
    )
