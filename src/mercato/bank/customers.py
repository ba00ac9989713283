"""Customers and their deposit accounts: opening, closing, money arriving from outside, and
the credentials customers use (an H2H token for file exchange, a demo password for
internet banking).

Each use case runs inside the caller's unit of work (a ledger ``Book``); none commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mercato.bank import books, business_days, identity, records
from mercato.bank.errors import AccountClosed, Forbidden, InvalidRequest
from mercato.bank.records import Account, AccountStatus, Customer, CustomerKind
from mercato.ids import uuid7
from mercato.ledger import Book, transfer
from mercato.money import Currency, Money

_hasher = PasswordHasher()


@dataclass(frozen=True)
class NewCustomer:
    """A customer just created, with the credentials shown this once only."""

    customer: Customer
    login: str | None
    password: str | None
    h2h_token: str | None


def token_digest(token: str) -> str:
    """How an H2H token is stored: its SHA-256 (tokens are long and random, not passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _login_for(book: Book, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "customer"
    login, n = base, 1
    while records.login_taken(book.connection, login):
        n += 1
        login = f"{base}-{n}"
    return login


def create_customer(
    book: Book,
    *,
    name: str,
    kind: CustomerKind,
    h2h_token: str | None = None,
    customer_id: uuid.UUID | None = None,
) -> NewCustomer:
    """A new customer. A business gets an internet-banking login and password; the platform
    and the issuer an H2H token (``h2h_token`` if given, else a new one)."""
    name = name.strip()
    if not name or len(name) > 140:
        raise InvalidRequest("a customer's name is 1 to 140 characters")
    login = password = token = None
    row: dict[str, object] = {
        "id": customer_id or uuid7(),
        "name": name,
        "kind": kind.value,
        "created_at": book.ledger.clock.now(),
        "h2h_token_digest": None,
        "login": None,
        "password_hash": None,
    }
    if kind is CustomerKind.BUSINESS:
        login, password = _login_for(book, name), secrets.token_urlsafe(9)
        row.update(login=login, password_hash=_hasher.hash(password))
    else:
        token = h2h_token or f"h2h_{secrets.token_urlsafe(32)}"
        row["h2h_token_digest"] = token_digest(token)
    records.add_customer(book.connection, row)
    customer = records.customer(book.connection, row["id"])  # type: ignore[arg-type]
    return NewCustomer(customer, login, password, token)


def reset_password(book: Book, customer: Customer) -> str:
    """A new internet-banking password for a business customer (shown once)."""
    if customer.kind is not CustomerKind.BUSINESS:
        raise InvalidRequest("only business customers sign in to internet banking")
    password = secrets.token_urlsafe(9)
    login = customer.login or _login_for(book, customer.name)
    records.set_customer(
        book.connection, customer.id, login=login, password_hash=_hasher.hash(password)
    )
    return password


def check_password(book: Book, login: str, password: str) -> uuid.UUID | None:
    """The customer whose login and password these are, or None."""
    found = records.password_hash(book.connection, login.strip().lower())
    if found is None:
        # Hash anyway, so an unknown login takes as long as a wrong password.
        _hasher.hash(password)
        return None
    customer_id, hashed = found
    try:
        _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return None
    return customer_id


def customer_for_token(book: Book, token: str) -> Customer | None:
    return records.customer_by_token_digest(book.connection, token_digest(token))


def open_account(
    book: Book, customer: Customer, currency: Currency, *, name: str | None = None
) -> Account:
    """A new deposit account with its own account number and IBAN."""
    if currency.code not in ("USD", "EUR"):
        raise InvalidRequest(f"the bank keeps USD and EUR accounts, not {currency.code}")
    number = identity.new_account_number()
    while records.account_number_taken(book.connection, number):
        number = identity.new_account_number()
    account_id = uuid7()
    label = name or f"{customer.name} {currency.code}"
    code = books.open_deposit_account(book, account_id, customer.id, currency, label)
    books.open_central_bank_account(book, currency)
    records.add_account(
        book.connection,
        {
            "id": account_id,
            "customer_id": customer.id,
            "currency": currency.code,
            "account_number": number,
            "iban": identity.iban_for(number),
            "name": label,
            "status": AccountStatus.OPEN.value,
            "ledger_code": code,
            "created_at": book.ledger.clock.now(),
            "closed_at": None,
        },
    )
    return records.account(book.connection, account_id)


def close_account(book: Book, account: Account) -> Account:
    """Close an account: it receives nothing more (payouts to it are returned). Its money
    stays where it is until paid out; closing an account is not refused for a balance."""
    if account.is_open:
        records.close_account(book.connection, account.id, book.ledger.clock.now())
    return records.account(book.connection, account.id)


def deposit(
    book: Book, account: Account, amount: Money, *, reference: str, counterparty: str = ""
) -> None:
    """Money arriving from outside the bank (through its central-bank reserve account),
    credited to ``account``; idempotent by ``reference``."""
    if not account.is_open:
        raise AccountClosed(f"account {account.account_number} is closed")
    if amount.currency != account.currency:
        raise InvalidRequest(f"account {account.account_number} keeps {account.currency.code}")
    if not amount.is_positive:
        raise InvalidRequest("a deposit must be above zero")
    now = book.ledger.clock.now()
    key = f"bank:deposit:{reference}"
    # No occurred_at: a retry at a later time must replay the deposit, not conflict with it.
    book.post(
        transfer(
            key,
            debit=books.open_central_bank_account(book, account.currency),
            credit=account.ledger_code,
            amount=amount,
            description=f"Deposit {reference}",
        )
    )
    day = business_days.processing_day_of(now)
    records.note_day(book.connection, day)
    records.add_entries(
        book.connection,
        [
            entry_row(
                account,
                day,
                direction="CRDT",
                amount=amount.minor,
                kind="deposit",
                ledger_key=key,
                at=now,
                remittance=reference[:140],
                counterparty=counterparty[:140] or None,
            )
        ],
    )


def owned_by(account: Account, customer: Customer) -> Account:
    if account.customer_id != customer.id:
        raise Forbidden(f"account {account.account_number} is not this customer's")
    return account


def entry_row(
    account: Account,
    day: dt.date,
    *,
    direction: str,
    amount: int,
    kind: str,
    ledger_key: str,
    at: dt.datetime,
    end_to_end_id: str | None = None,
    remittance: str | None = None,
    counterparty: str | None = None,
) -> dict[str, object]:
    """One statement line's record, for ``records.add_entries``."""
    return {
        "id": uuid7(),
        "account_id": account.id,
        "day": day,
        "direction": direction,
        "amount": amount,
        "currency": account.currency.code,
        "kind": kind,
        "ledger_key": ledger_key,
        "end_to_end_id": end_to_end_id,
        "remittance": remittance,
        "counterparty": counterparty,
        "created_at": at,
    }
