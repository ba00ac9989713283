"""End-of-day statements: one camt.053 per account and processing day, offered to its owner.

A statement is written for every account with entries that day, and for every open
account of a customer that exchanges files (its H2H token), even on a quiet day: the
platform reconciles each day's balance. Balances come from the ledger (the postings in the
day's window, from the previous business day's cut-off to this one's); entries from the
bank's records of each booking. bankfiles refuses a statement whose closing balance is not
its opening balance plus its entries, so the two can never drift apart unnoticed.
"""

from __future__ import annotations

import datetime as dt

from mercato.bank import business_days, identity, inbox, records
from mercato.bank.records import Account, BankFile, Entry, FileKind
from mercato.bankfiles.accounts import SepaAccount, UsBankAccount
from mercato.bankfiles.camt053 import (
    DOMESTIC_CREDIT_TRANSFER_RECEIVED,
    DOMESTIC_CREDIT_TRANSFER_SENT,
    SEPA_CREDIT_TRANSFER_RECEIVED,
    SEPA_CREDIT_TRANSFER_SENT,
    CreditDebit,
    EntryTransaction,
    Statement,
    StatementEntry,
    write_camt053,
)
from mercato.ledger import Book


def statement_name(account: Account, day: dt.date) -> str:
    return f"camt053-{account.account_number}-{day:%Y%m%d}.xml"


def bank_account(account: Account) -> SepaAccount | UsBankAccount:
    """How a statement names the account: IBAN and BIC for EUR, routing and number for USD."""
    if account.currency.code == "EUR":
        return SepaAccount(account.iban, identity.BIC)
    return UsBankAccount(identity.ROUTING_NUMBER, account.account_number)


def _entry(account: Account, entry: Entry) -> StatementEntry:
    credit = entry.direction == CreditDebit.CREDIT.value
    sepa = account.currency.code == "EUR"
    if sepa:
        code = SEPA_CREDIT_TRANSFER_RECEIVED if credit else SEPA_CREDIT_TRANSFER_SENT
    else:
        code = DOMESTIC_CREDIT_TRANSFER_RECEIVED if credit else DOMESTIC_CREDIT_TRANSFER_SENT
    return StatementEntry(
        amount=entry.amount.minor,
        direction=CreditDebit(entry.direction),
        booking_date=entry.day,
        value_date=entry.day,
        account_servicer_reference=entry.id.hex,
        transactions=(
            EntryTransaction(
                end_to_end_id=entry.end_to_end_id,
                remittance=entry.remittance,
                counterparty_name=entry.counterparty,
            ),
        ),
        bank_transaction_code=code,
    )


def statement_of(book: Book, account: Account, day: dt.date) -> Statement:
    """The account's booked day, as camt.053 carries it."""
    window = book.statement(
        account.ledger_code, start=business_days.opens(day), end=business_days.cutoff(day)
    )
    owner = records.customer(book.connection, account.customer_id)
    return Statement(
        statement_id=f"{account.account_number}-{day:%Y%m%d}",
        created_at=business_days.cutoff(day),
        account=bank_account(account),
        currency=account.currency.code,
        opening_balance=window.opening.minor,
        opening_date=business_days.previous_business_day(day),
        closing_balance=window.closing.minor,
        closing_date=day,
        entries=tuple(
            _entry(account, e) for e in records.entries(book.connection, account.id, day)
        ),
        owner_name=owner.name,
    )


def write_statement(book: Book, account: Account, day: dt.date) -> BankFile:
    """Make (once) and offer the account's camt.053 for ``day``."""
    document = write_camt053(
        [statement_of(book, account, day)],
        message_id=f"STMT-{account.account_number}-{day:%Y%m%d}",
        created_at=business_days.cutoff(day),
    )
    return inbox.produce(
        book, account.customer_id, statement_name(account, day), FileKind.CAMT053, document
    )


def write_end_of_day(book: Book, day: dt.date) -> list[BankFile]:
    """Every statement ``day`` calls for (see the module's docstring)."""
    active = records.accounts_with_entries(book.connection, day)
    exchanging = {c.id for c in records.customers(book.connection) if c.has_h2h_token}
    written = []
    for account in records.accounts(book.connection):
        quiet_but_wanted = (
            account.is_open
            and account.customer_id in exchanging
            and account.created_at < business_days.cutoff(day)
        )
        if account.id in active or quiet_but_wanted:
            written.append(write_statement(book, account, day))
    return written
