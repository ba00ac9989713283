"""The bank's chart of accounts, in its own ledger (party ``issuer``).

Per cardholder account, one ledger account of kind liability, limited so that it can never
go below zero (``debits_must_not_exceed_credits``):

* a **debit** account holds the cardholder's money. A deposit credits it from the bank's
  reserves; a card payment debits it.
* a **credit** account holds the cardholder's *available credit*. Granting the line credits
  it with the limit (from ``credit-lines``, the bank's lending); a card payment debits it;
  a repayment credits it again. What the cardholder owes is the limit less this balance.

Either way a card hold debits this account and credits the bank's ``network-payable`` in
the account's currency: what the bank owes the card network, and through it the acquirer,
for the cardholder's purchases until settlement. The ledger checks the limit in the atomic
step that places the hold, so "insufficient funds" is never a balance read and then
judged. Per currency the bank also keeps ``reserves`` (its cash), ``credit-lines`` (credit
it has extended) and ``settlement`` (its money at the commercial bank, which
pays the network what each clearing file makes it owe: issuer/clearing.py).
"""

from __future__ import annotations

import uuid

from mercato.ledger import AccountKind, AccountSpec, Book
from mercato.money import Currency

PARTY = "issuer"


def account_code(account_id: uuid.UUID) -> str:
    return f"issuer:account:{account_id}"


def reserves(currency: Currency) -> str:
    return f"issuer:reserves:{currency.code}"


def credit_lines(currency: Currency) -> str:
    return f"issuer:credit-lines:{currency.code}"


def network_payable(currency: Currency) -> str:
    return f"issuer:network-payable:{currency.code}"


def settlement(currency: Currency) -> str:
    return f"issuer:settlement:{currency.code}"


def open_house_accounts(book: Book, currency: Currency) -> None:
    """The bank's own accounts in ``currency`` (opening them again changes nothing)."""
    for spec in (
        AccountSpec(reserves(currency), currency, AccountKind.ASSET, "Reserves", owner=PARTY),
        AccountSpec(
            credit_lines(currency),
            currency,
            AccountKind.ASSET,
            "Credit extended to cardholders",
            owner=PARTY,
        ),
        AccountSpec(
            network_payable(currency),
            currency,
            AccountKind.LIABILITY,
            "Owed to the card network for card purchases",
            owner=PARTY,
        ),
        AccountSpec(
            settlement(currency),
            currency,
            AccountKind.ASSET,
            "Settlement account with the card network",
            owner=PARTY,
        ),
    ):
        book.open_account(spec)


def open_cardholder_account(
    book: Book, account_id: uuid.UUID, cardholder_id: uuid.UUID, currency: Currency, name: str
) -> str:
    """The ledger account behind one cardholder account; returns its code."""
    code = account_code(account_id)
    book.open_account(
        AccountSpec(
            code,
            currency,
            AccountKind.LIABILITY,
            name,
            owner=f"cardholder:{cardholder_id}",
            debits_must_not_exceed_credits=True,
        )
    )
    return code
