"""What a receipt shows, read from the gateway's records when it is sent.

A ``Receipt`` is plain values: amounts as ``Money`` (integer minor units), the card as its
brand and last four digits only (the gateway never holds more outside its vault). Read at
send time, not when the receipt became owed, so a receipt for a Checkout Session shows its
line items whichever of the payment's events owed it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.gateway import checkout_records
from mercato.gateway.checkout_tables import sessions
from mercato.gateway.payment_tables import charges
from mercato.gateway.tables import merchants
from mercato.mail.errors import ReceiptUnavailable
from mercato.mail.tables import receipts
from mercato.money import Money

BRANDS = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "diners": "Diners Club",
    "jcb": "JCB",
    "unionpay": "UnionPay",
}


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int | None
    amount: Money


@dataclass(frozen=True)
class Receipt:
    number: str
    charge_id: str
    merchant_id: str
    merchant_name: str
    merchant_country: str
    email: str
    paid_at: dt.datetime
    lines: tuple[Line, ...]
    taxes: tuple[Line, ...]
    subtotal: Money
    total: Money
    card_brand: str
    card_last4: str

    @property
    def masked_card(self) -> str:
        """``Visa •••• 4242``: the brand and last four digits, never more."""
        return f"{self.card_brand} •••• {self.card_last4}"


def _session_lines(
    connection: Connection, intent_id: str, currency: str
) -> tuple[list[Line], list[Line]] | None:
    session_id = connection.execute(
        sa.select(sessions.c.id).where(sessions.c.payment_intent_id == intent_id)
    ).scalar_one_or_none()
    if session_id is None:
        return None
    lines: list[Line] = []
    taxes: dict[str, int] = {}
    for item in checkout_records.session_items(connection, session_id):
        amount = Money.of_minor(item["amount_subtotal"], currency)
        lines.append(Line(item["description"], item["quantity"], amount))
        for tax in item.get("taxes") or []:
            name = str((tax.get("rate") or {}).get("display_name") or "Tax")
            taxes[name] = taxes.get(name, 0) + int(tax["amount"])
        if item.get("amount_tax") and not item.get("taxes"):
            taxes["Tax"] = taxes.get("Tax", 0) + int(item["amount_tax"])
    tax_lines = [Line(name, None, Money.of_minor(minor, currency)) for name, minor in taxes.items()]
    return lines, tax_lines


def _charge_lines(charge: Any) -> tuple[list[Line], list[Line]]:
    description = charge.description or "Payment"
    return [Line(description, None, Money.of_minor(charge.amount, charge.currency))], []


def receipt_of(connection: Connection, charge_id: str) -> Receipt:
    """The receipt owed for ``charge_id``, as it is to be sent."""
    row = connection.execute(
        sa.select(
            receipts.c.charge_id,
            receipts.c.merchant_id,
            receipts.c.email,
            receipts.c.number,
            charges.c.payment_intent_id,
            charges.c.amount,
            charges.c.currency,
            charges.c.description,
            charges.c.card,
            charges.c.created_at.label("paid_at"),
            merchants.c.name.label("merchant_name"),
            merchants.c.country.label("merchant_country"),
        )
        .join(charges, charges.c.id == receipts.c.charge_id)
        .join(merchants, merchants.c.id == receipts.c.merchant_id)
        .where(receipts.c.charge_id == charge_id)
    ).first()
    if row is None:
        raise ReceiptUnavailable(f"no receipt is owed for charge {charge_id}")
    currency = row.currency
    from_session = _session_lines(connection, row.payment_intent_id, currency)
    lines, taxes = from_session if from_session is not None else _charge_lines(row)
    total = Money.of_minor(row.amount, currency)
    tax_total = sum((tax.amount for tax in taxes), Money.zero(currency))
    card = row.card or {}
    return Receipt(
        number=row.number,
        charge_id=row.charge_id,
        merchant_id=row.merchant_id,
        merchant_name=row.merchant_name,
        merchant_country=row.merchant_country,
        email=row.email,
        paid_at=row.paid_at,
        lines=tuple(lines),
        taxes=tuple(taxes),
        subtotal=total - tax_total,
        total=total,
        card_brand=BRANDS.get(str(card.get("brand")), str(card.get("brand") or "Card").title()),
        card_last4=str(card.get("last4") or "????")[-4:],
    )
