"""Merchants' bank accounts, where payouts land (Stripe's external ``bank_account``).

A US account in USD (ABA routing number, checked with python-stdnum, and account number)
or an IBAN account in EUR (and the BIC, when given or derivable), checked by
``mercato.bankfiles.accounts`` when made. The account number (or IBAN) is sealed with
AES-256-GCM under a key derived (HKDF-SHA256) from the platform's current vault master key,
with the account's id as associated data; only its last four digits, the routing number and
a fingerprint (HMAC under the vault's fingerprint key) are kept in clear. It is opened only
to write a payout file.

The first account of a currency is the default for it; a newer one may be made the default
(``default_for_currency``); the default cannot be deleted while another account of its
currency exists, as Stripe refuses it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import Connection

from mercato.bankfiles.accounts import HolderType, SepaAccount, UsBankAccount
from mercato.bankfiles.errors import InvalidAccount
from mercato.gateway.ids import new_id
from mercato.settlement.errors import InvalidBankAccount
from mercato.settlement.tables import external_accounts
from mercato.vault import KeyRing
from mercato.vault.envelope import open_sealed, seal

_PURPOSE = b"mercato.settlement.bank-account.v1"
BankAccount = UsBankAccount | SepaAccount


@dataclass(frozen=True)
class NewBankAccount:
    """What a merchant gives for an account (the number in clear, only in memory)."""

    country: str
    currency: str
    account_number: str
    routing_number: str | None = None
    account_holder_name: str | None = None
    account_holder_type: str = "company"
    account_type: str = "checking"
    default_for_currency: bool = False
    metadata: dict[str, Any] | None = None

    def checked(self) -> BankAccount:
        """The account as ``bankfiles`` knows it, or ``InvalidBankAccount`` saying why."""
        country, currency = self.country.upper(), self.currency.lower()
        try:
            if country == "US" and currency == "usd":
                if not self.routing_number:
                    raise InvalidBankAccount(
                        "A US bank account needs a routing_number.",
                        param="external_account[routing_number]",
                    )
                return UsBankAccount(
                    self.routing_number,
                    self.account_number,
                    self.account_type,  # type: ignore[arg-type]  # checked by the value
                    self.account_holder_type,  # type: ignore[arg-type]
                )
            if currency == "eur":
                account = SepaAccount(self.account_number, self.routing_number or None)
                if account.country != country:
                    raise InvalidBankAccount(
                        f"The IBAN is from {account.country}, not {country}.",
                        param="external_account[country]",
                    )
                return account
        except InvalidAccount as error:
            param = "routing_number" if "routing" in error.code or "bic" in error.code else None
            raise InvalidBankAccount(
                str(error), param=f"external_account[{param or 'account_number'}]"
            ) from None
        except ValueError as error:  # an account or holder type outside the choices
            raise InvalidBankAccount(str(error), param="external_account") from None
        raise InvalidBankAccount(
            f"Mercato pays out in USD to US accounts and in EUR to IBAN accounts, not "
            f"{currency.upper()} to {country}.",
            param="external_account[currency]",
        )


def _key(keyring: KeyRing, key_id: str) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=_PURPOSE).derive(keyring.master_key(key_id))


def _number(account: BankAccount) -> str:
    return account.account_number if isinstance(account, UsBankAccount) else account.iban


def add(
    connection: Connection,
    merchant_id: str,
    given: NewBankAccount,
    *,
    keyring: KeyRing,
    now: dt.datetime,
) -> Any:
    """Check, seal and keep a merchant's bank account; returns its row."""
    account = given.checked()
    account_id = new_id("ba")
    number = _number(account)
    currency = given.currency.lower()
    sealed = seal(_key(keyring, keyring.current_id), number.encode(), account_id.encode())
    fingerprint = hmac.new(
        keyring.fingerprint_key, f"{given.routing_number}:{number}".encode(), hashlib.sha256
    ).hexdigest()[:16]
    first = default_for(connection, merchant_id, currency) is None
    default = first or given.default_for_currency
    if default:
        _clear_default(connection, merchant_id, currency)
    routing: str | None
    kind: str | None
    if isinstance(account, UsBankAccount):
        routing, kind = account.routing_number, account.account_type.value
        holder = account.holder_type.value
    else:
        routing, kind, holder = account.bic, None, given.account_holder_type
    connection.execute(
        sa.insert(external_accounts).values(
            id=account_id,
            merchant_id=merchant_id,
            country=account.country,
            currency=currency,
            routing_number=routing,
            last4=account.last4,
            bank_name=account.bank_name,
            account_holder_name=given.account_holder_name,
            account_holder_type=holder,
            account_type=kind,
            fingerprint=fingerprint,
            sealed_number=sealed,
            key_id=keyring.current_id,
            status="new",
            default_for_currency=default,
            metadata=dict(given.metadata or {}),
            created_at=now,
        )
    )
    return row(connection, account_id)


def _clear_default(connection: Connection, merchant_id: str, currency: str) -> None:
    e = external_accounts.c
    connection.execute(
        sa.update(external_accounts)
        .where(e.merchant_id == merchant_id, e.currency == currency, e.default_for_currency)
        .values(default_for_currency=False)
    )


def row(connection: Connection, account_id: str) -> Any:
    return connection.execute(
        sa.select(external_accounts).where(external_accounts.c.id == account_id)
    ).one()


def default_for(connection: Connection, merchant_id: str, currency: str) -> Any | None:
    """The merchant's default account for ``currency`` (None: it has none)."""
    e = external_accounts.c
    return connection.execute(
        sa.select(external_accounts).where(
            e.merchant_id == merchant_id,
            e.currency == currency.lower(),
            e.default_for_currency,
            e.deleted_at.is_(None),
        )
    ).first()


def remove(connection: Connection, found: Any, now: dt.datetime) -> None:
    """Delete an account (kept for the payouts that name it, marked deleted)."""
    e = external_accounts.c
    if found.default_for_currency:
        others = connection.execute(
            sa.select(sa.func.count())
            .select_from(external_accounts)
            .where(
                e.merchant_id == found.merchant_id,
                e.currency == found.currency,
                e.id != found.id,
                e.deleted_at.is_(None),
            )
        ).scalar_one()
        if others:
            raise InvalidBankAccount(
                "You cannot delete the default bank account for your default currency. Make "
                "another bank account the default and try again.",
                param="id",
            )
    connection.execute(
        sa.update(external_accounts)
        .where(e.id == found.id)
        .values(deleted_at=now, default_for_currency=False)
    )


def mark_errored(connection: Connection, account_id: str) -> None:
    """A payout to the account came back (no account, closed, invalid number)."""
    connection.execute(
        sa.update(external_accounts)
        .where(external_accounts.c.id == account_id)
        .values(status="errored")
    )


def opened(found: Any, keyring: KeyRing) -> BankAccount:
    """The account, its number unsealed, to write a payout file."""
    number = open_sealed(
        _key(keyring, found.key_id), found.sealed_number, found.id.encode()
    ).decode()
    if found.currency == "usd":
        return UsBankAccount(
            found.routing_number,
            number,
            found.account_type,
            HolderType(found.account_holder_type),
        )
    return SepaAccount(number, found.routing_number)


def to_object(found: Any) -> dict[str, Any]:
    """The account as the API shows it: never the whole number."""
    if found.deleted_at is not None:
        return {"id": found.id, "object": "bank_account", "deleted": True}
    return {
        "id": found.id,
        "object": "bank_account",
        "account": found.merchant_id,
        "account_holder_name": found.account_holder_name,
        "account_holder_type": found.account_holder_type,
        "account_type": found.account_type,
        "available_payout_methods": ["standard"],
        "bank_name": found.bank_name,
        "country": found.country,
        "currency": found.currency,
        "customer": None,
        "default_for_currency": found.default_for_currency,
        "fingerprint": found.fingerprint,
        "last4": found.last4,
        "metadata": found.metadata,
        "routing_number": found.routing_number,
        "status": found.status,
    }
