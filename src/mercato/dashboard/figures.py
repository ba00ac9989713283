"""What the dashboard's pages show, read from the gateway's records for one merchant: its
payments, the volume of the last days, its balance, catalog, webhook endpoints and payouts.

Where the gateway has a use case that answers the question (a balance, a list of products),
it is called as the merchant would call it over the API; the rest are reads of its tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.gateway import balance_transactions, payouts, prices, products, webhooks
from mercato.gateway.merchants import Caller, KeyKind
from mercato.gateway.payment_tables import charges, payment_intents
from mercato.ledger import Ledger
from mercato.money import Money

VOLUME_DAYS = 14


def caller(merchant_id: str) -> Caller:
    return Caller(KeyKind.SECRET, merchant_id)


@dataclass(frozen=True)
class Payment:
    id: str
    amount: Money
    refunded: Money
    status: str
    description: str | None
    email: str | None
    card: str | None  # "Visa •••• 4242"
    created_at: dt.datetime

    @property
    def refundable(self) -> bool:
        return self.status == "succeeded" and self.refunded < self.amount

    @property
    def shown_status(self) -> str:
        if self.status == "succeeded" and self.refunded.is_positive:
            return "refunded" if self.refunded == self.amount else "partially refunded"
        return self.status.replace("_", " ")


def _payment(row: Any) -> Payment:
    card = row.card or {}
    masked = (
        f"{str(card.get('brand', 'card')).title()} •••• {card['last4']}"
        if card.get("last4")
        else None
    )
    return Payment(
        id=row.id,
        amount=Money.of_minor(row.amount, row.currency),
        refunded=Money.of_minor(row.amount_refunded or 0, row.currency),
        status=row.status,
        description=row.description,
        email=row.receipt_email,
        card=masked,
        created_at=row.created_at,
    )


def _payments_query() -> sa.Select[Any]:
    i = payment_intents.c
    return sa.select(
        i.id,
        i.amount,
        i.currency,
        i.status,
        i.description,
        i.receipt_email,
        i.created_at,
        charges.c.amount_refunded,
        charges.c.card,
    ).outerjoin(charges, charges.c.id == i.latest_charge_id)


def payments_of(connection: Connection, merchant_id: str, *, limit: int = 50) -> list[Payment]:
    """The merchant's payments, newest first."""
    i = payment_intents.c
    rows = connection.execute(
        _payments_query().where(i.merchant_id == merchant_id).order_by(i.id.desc()).limit(limit)
    ).all()
    return [_payment(row) for row in rows]


def payment(connection: Connection, merchant_id: str, intent_id: str) -> Payment | None:
    i = payment_intents.c
    row = connection.execute(
        _payments_query().where(i.merchant_id == merchant_id, i.id == intent_id)
    ).first()
    return None if row is None else _payment(row)


def volume_by_day(
    connection: Connection, merchant_id: str, currency: str, today: dt.date
) -> list[tuple[dt.date, Money]]:
    """Captured payments per day (UTC) of the last ``VOLUME_DAYS`` days, today included."""
    first = today - dt.timedelta(days=VOLUME_DAYS - 1)
    since = dt.datetime.combine(first, dt.time(), dt.UTC)
    c = charges.c
    rows = connection.execute(
        sa.select(c.created_at, c.amount_captured).where(
            c.merchant_id == merchant_id,
            c.currency == currency,
            c.status == "succeeded",
            c.created_at >= since,
        )
    ).all()
    totals = {first + dt.timedelta(days=n): 0 for n in range(VOLUME_DAYS)}
    for row in rows:
        day = row.created_at.astimezone(dt.UTC).date()
        if day in totals:
            totals[day] += row.amount_captured
    return [(day, Money.of_minor(minor, currency)) for day, minor in sorted(totals.items())]


def balance(connection: Connection, merchant_id: str, ledger: Ledger) -> dict[str, Any]:
    return balance_transactions.balance(connection, caller(merchant_id), {}, ledger=ledger)


def products_with_prices(connection: Connection, merchant_id: str) -> list[dict[str, Any]]:
    listed = products.list_(connection, caller(merchant_id), {"limit": 100})["data"]
    all_prices = prices.list_(connection, caller(merchant_id), {"limit": 100})["data"]
    for product in listed:
        product["prices"] = [p for p in all_prices if p["product"] == product["id"]]
    return list(listed)


def webhook_endpoints(connection: Connection, merchant_id: str) -> list[dict[str, Any]]:
    return list(webhooks.list_(connection, caller(merchant_id), {"limit": 100})["data"])


def payouts_of(connection: Connection, merchant_id: str) -> list[dict[str, Any]]:
    return list(payouts.list_(connection, caller(merchant_id), {"limit": 100})["data"])
