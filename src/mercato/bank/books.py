"""The commercial bank's chart of accounts, in its own ledger (party ``bank``).

* Each customer's deposit account is one ledger account of kind **liability** (the bank
  owes its customers their deposits) that may never go below zero
  (``debits_must_not_exceed_credits``): the ledger refuses an overdraft in the same atomic
  step that books the payment, so "insufficient funds" is never a balance read and judged.
* Per currency, ``bank:central-bank:<CUR>`` is an **asset**: the bank's reserve account at
  the central bank, through which money arrives from outside (a deposit debits it and
  credits the customer).

A payout moves money between two customers of the bank (the platform's account to a
merchant's), and interbank settlement between two more (the issuer's to the platform's):
both are transfers between liabilities, so the bank's assets do not change.
"""

from __future__ import annotations

import uuid

from mercato.ledger import AccountKind, AccountSpec, Book
from mercato.money import Currency

PARTY = "bank"


def account_code(account_id: uuid.UUID) -> str:
    return f"bank:deposit:{account_id}"


def central_bank(currency: Currency) -> str:
    return f"bank:central-bank:{currency.code}"


def open_central_bank_account(book: Book, currency: Currency) -> str:
    """The reserve account in ``currency`` (opening it again changes nothing)."""
    code = central_bank(currency)
    book.open_account(
        AccountSpec(
            code,
            currency,
            AccountKind.ASSET,
            f"Reserve account at the central bank ({currency.code})",
            owner=PARTY,
        )
    )
    return code


def open_deposit_account(
    book: Book, account_id: uuid.UUID, customer_id: uuid.UUID, currency: Currency, name: str
) -> str:
    """The ledger account behind one customer deposit account; returns its code."""
    code = account_code(account_id)
    book.open_account(
        AccountSpec(
            code,
            currency,
            AccountKind.LIABILITY,
            name,
            owner=f"customer:{customer_id}",
            debits_must_not_exceed_credits=True,
        )
    )
    return code
