"""3-D Secure at the bank's access control server: authentications and their challenges.

The processor asks the bank to authenticate a cardholder for one amount at one merchant.
A card that does not require a challenge is authenticated at once ("Y", frictionless); one
that does gets a challenge ("C") that the cardholder completes or fails in the browser; a
number the bank does not know is not authenticated ("N"). A successful result carries an
ECI and an authentication value, a keyed HMAC that binds the authentication to the card,
the amount and the currency: the authorisation request presents it, and the bank checks it
(``authorisations._three_ds``) without trusting anything the processor says.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from mercato.ids import uuid7
from mercato.issuer import records, tables
from mercato.issuer.domain.secrets import BankKeys, authentication_value
from mercato.money import Currency, Money
from mercato.vault.errors import CardError
from mercato.vault.numbers import CardNumber
from mercato.vault.vault import Vault

BRAND_NAMES = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "diners": "Diners Club",
    "jcb": "JCB",
    "unionpay": "UnionPay",
}


class Status(enum.StrEnum):
    """The transaction status of EMV 3-D Secure."""

    AUTHENTICATED = "Y"
    CHALLENGE = "C"
    NOT_AUTHENTICATED = "N"


def eci_for(brand: str, status: Status) -> str | None:
    """The electronic commerce indicator of a result: 05 authenticated, 07 not (Mastercard:
    02 and 00); none while a challenge is open."""
    if status is Status.CHALLENGE:
        return None
    mastercard = brand == "mastercard"
    if status is Status.AUTHENTICATED:
        return "02" if mastercard else "05"
    return "00" if mastercard else "07"


@dataclass(frozen=True)
class Authentication:
    id: uuid.UUID
    card_id: uuid.UUID | None
    brand: str
    last4: str
    amount: Money
    merchant_name: str
    return_url: str
    status: Status
    eci: str | None
    authentication_value: str | None

    @property
    def card_shown(self) -> str:
        """The card as the challenge page shows it: brand and last four digits."""
        if self.card_id is None:
            return "unknown card"
        return f"{BRAND_NAMES.get(self.brand, self.brand.title())} •••• {self.last4}"


def _from_row(row: RowMapping, card: records.Card | None) -> Authentication:
    return Authentication(
        id=row["id"],
        card_id=row["card_id"],
        brand="" if card is None else card.brand,
        last4="" if card is None else card.last4,
        amount=Money.of_minor(row["amount"], Currency.of(row["currency"])),
        merchant_name=row["merchant_name"],
        return_url=row["return_url"],
        status=Status(row["status"]),
        eci=row["eci"],
        authentication_value=row["authentication_value"],
    )


def _result(
    keys: BankKeys, authentication_id: uuid.UUID, card: records.Card, amount: Money, status: Status
) -> dict[str, Any]:
    value = None
    if status is Status.AUTHENTICATED:
        value = authentication_value(keys, str(authentication_id), card.id, amount)
    return {
        "status": status.value,
        "eci": eci_for(card.brand, status),
        "authentication_value": value,
    }


def begin(
    connection: Connection,
    vault: Vault,
    keys: BankKeys,
    *,
    pan: str,
    amount: Money,
    merchant_name: str,
    return_url: str,
    now: dt.datetime,
) -> Authentication:
    """Start authenticating the holder of ``pan`` for ``amount`` at ``merchant_name``."""
    card = None
    try:
        stored = vault.find(connection, CardNumber(pan))
    except CardError:
        stored = None
    if stored is not None:
        card = records.card_by_vault_id(connection, stored.id)
    authentication_id = uuid7()
    if card is None:
        values: dict[str, Any] = {"status": Status.NOT_AUTHENTICATED.value}
    elif card.requires_3ds:
        values = {"status": Status.CHALLENGE.value}
    else:
        values = _result(keys, authentication_id, card, amount, Status.AUTHENTICATED)
    row = {
        "id": authentication_id,
        "card_id": None if card is None else card.id,
        "amount": amount.minor,
        "currency": amount.currency.code,
        "merchant_name": merchant_name,
        "return_url": return_url,
        "created_at": now,
        "completed_at": None if values["status"] == Status.CHALLENGE.value else now,
        "eci": None,
        "authentication_value": None,
        **values,
    }
    connection.execute(tables.authentications.insert().values(**row))
    return _from_row(row, card)  # type: ignore[arg-type]


def find(connection: Connection, authentication_id: uuid.UUID) -> Authentication | None:
    row = (
        connection.execute(
            sa.select(tables.authentications).where(
                tables.authentications.c.id == authentication_id
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    card = None if row["card_id"] is None else records.card(connection, row["card_id"])
    return _from_row(row, card)


def finish_challenge(
    connection: Connection,
    keys: BankKeys,
    authentication_id: uuid.UUID,
    *,
    passed: bool,
    now: dt.datetime,
) -> Authentication | None:
    """The cardholder completed (``passed``) or failed the challenge. A challenge is answered
    once: answering it again changes nothing and returns the first outcome."""
    found = find(connection, authentication_id)
    if found is None or found.card_id is None:
        return found
    if found.status is not Status.CHALLENGE:
        return found
    card = records.card(connection, found.card_id)
    assert card is not None
    status = Status.AUTHENTICATED if passed else Status.NOT_AUTHENTICATED
    values = _result(keys, authentication_id, card, found.amount, status)
    connection.execute(
        sa.update(tables.authentications)
        .where(
            tables.authentications.c.id == authentication_id,
            tables.authentications.c.status == Status.CHALLENGE.value,
        )
        .values(completed_at=now, **values)
    )
    return find(connection, authentication_id)
