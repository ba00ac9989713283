"""Interbank settlement: moving the net amount of card clearing between two settlement
accounts at this bank (the issuer's to the platform's), idempotent by the caller's id.

Only the card scheme's parties (customers of kind platform or issuer) may ask, and only
between accounts of such customers: a merchant's business account is never debited this
way. No account may be overdrawn, the issuer's settlement account included: the issuer
prefunds it (in the sandbox, at first start), and a settlement it cannot cover is refused
(``InsufficientFunds``) with nothing booked, to be sent again once the money is there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from mercato.bank import business_days, records
from mercato.bank.customers import entry_row
from mercato.bank.errors import (
    AccountClosed,
    Forbidden,
    InsufficientFunds,
    InvalidRequest,
    SettlementIdReused,
)
from mercato.bank.records import Account, Customer, CustomerKind
from mercato.ledger import Book, transfer
from mercato.ledger.errors import LimitExceeded
from mercato.money import Money

SCHEME_PARTIES = (CustomerKind.PLATFORM, CustomerKind.ISSUER)
MAX_ID = 100


@dataclass(frozen=True)
class Settlement:
    id: str
    from_account: Account
    to_account: Account
    amount: Money
    reference: str
    day: dt.date
    created_at: dt.datetime


def _digest(from_account: Account, to_account: Account, amount: Money, reference: str) -> str:
    document = [
        str(from_account.id),
        str(to_account.id),
        amount.minor,
        amount.currency.code,
        reference,
    ]
    return hashlib.sha256(json.dumps(document).encode()).hexdigest()


def _settlement_account(book: Book, reference: str) -> Account:
    account = records.account_by_reference(book.connection, reference)
    owner = records.customer(book.connection, account.customer_id)
    if owner.kind not in SCHEME_PARTIES:
        raise Forbidden(f"account {account.account_number} is not a settlement account")
    if not account.is_open:
        raise AccountClosed(f"account {account.account_number} is closed")
    return account


def settle(
    book: Book,
    requester: Customer,
    *,
    settlement_id: str,
    from_account: str,
    to_account: str,
    amount: Money,
    reference: str,
) -> Settlement:
    """Move ``amount`` from one settlement account to another, once per ``settlement_id``."""
    if requester.kind not in SCHEME_PARTIES:
        raise Forbidden("only the card scheme's parties settle between accounts")
    if not settlement_id or len(settlement_id) > MAX_ID:
        raise InvalidRequest(f"a settlement id is 1 to {MAX_ID} characters")
    if not amount.is_positive:
        raise InvalidRequest("a settlement amount must be above zero")
    reference = reference.strip()[:140] or settlement_id
    payer = _settlement_account(book, from_account)
    payee = _settlement_account(book, to_account)
    if payer.id == payee.id:
        raise InvalidRequest("a settlement moves money between two different accounts")
    for account in (payer, payee):
        if account.currency != amount.currency:
            raise InvalidRequest(
                f"account {account.account_number} keeps {account.currency.code}, "
                f"not {amount.currency.code}"
            )
    digest = _digest(payer, payee, amount, reference)
    existing = records.settlement(book.connection, settlement_id)
    if existing is not None:
        if existing["digest"] != digest:
            raise SettlementIdReused(
                f"settlement {settlement_id!r} was made before with other details"
            )
        return _settlement(book, settlement_id)
    now = book.ledger.clock.now()
    day = business_days.processing_day_of(now)
    key = f"bank:settlement:{settlement_id}"
    try:
        with book.connection.begin_nested():
            claimed = records.claim_settlement(
                book.connection,
                {
                    "id": settlement_id,
                    "customer_id": requester.id,
                    "from_account_id": payer.id,
                    "to_account_id": payee.id,
                    "amount": amount.minor,
                    "currency": amount.currency.code,
                    "reference": reference,
                    "digest": digest,
                    "day": day,
                    "created_at": now,
                },
            )
            if claimed:
                book.post(
                    transfer(
                        key,
                        debit=payer.ledger_code,
                        credit=payee.ledger_code,
                        amount=amount,
                        description=f"Interbank settlement {settlement_id}",
                    )
                )
    except LimitExceeded:
        raise InsufficientFunds(
            f"account {payer.account_number} holds less than {amount.format()}"
        ) from None
    if not claimed:  # a concurrent request with this id won the race
        return settle(
            book,
            requester,
            settlement_id=settlement_id,
            from_account=from_account,
            to_account=to_account,
            amount=amount,
            reference=reference,
        )
    records.note_day(book.connection, day)
    end_to_end = settlement_id[:35]
    records.add_entries(
        book.connection,
        [
            entry_row(
                payer,
                day,
                direction="DBIT",
                amount=amount.minor,
                kind="settlement",
                ledger_key=key,
                at=now,
                end_to_end_id=end_to_end,
                remittance=reference,
                counterparty=records.customer(book.connection, payee.customer_id).name,
            ),
            entry_row(
                payee,
                day,
                direction="CRDT",
                amount=amount.minor,
                kind="settlement",
                ledger_key=key,
                at=now,
                end_to_end_id=end_to_end,
                remittance=reference,
                counterparty=records.customer(book.connection, payer.customer_id).name,
            ),
        ],
    )
    return _settlement(book, settlement_id)


def _settlement(book: Book, settlement_id: str) -> Settlement:
    row = records.settlement(book.connection, settlement_id)
    assert row is not None
    return Settlement(
        id=row["id"],
        from_account=records.account(book.connection, row["from_account_id"]),
        to_account=records.account(book.connection, row["to_account_id"]),
        amount=Money.of_minor(row["amount"], row["currency"]),
        reference=row["reference"],
        day=row["day"],
        created_at=row["created_at"],
    )
