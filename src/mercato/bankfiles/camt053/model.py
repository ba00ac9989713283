"""What a bank statement says, as immutable values, and the rule that makes it a statement.

A statement covers one account over one day: the opening booked balance, every booked entry,
and the closing booked balance. The closing balance is the opening balance plus the credits
minus the debits; an entry booking several transactions at once (a batch) is the sum of
their amounts. Amounts are ints of the currency's minor units; balances are signed
(negative: overdrawn), entry amounts positive with a credit/debit direction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mercato.bankfiles.accounts import SepaAccount, UsBankAccount

MESSAGE = "camt.053.001.02"


class CreditDebit(StrEnum):
    """Which way an entry moves money, seen from the account holder."""

    CREDIT = "CRDT"
    DEBIT = "DBIT"


@dataclass(frozen=True, slots=True)
class BankTransactionCode:
    """The ISO bank transaction code: domain, family, sub-family (e.g. PMNT RCDT ESCT)."""

    domain: str
    family: str
    subfamily: str


SEPA_CREDIT_TRANSFER_RECEIVED = BankTransactionCode("PMNT", "RCDT", "ESCT")
SEPA_CREDIT_TRANSFER_SENT = BankTransactionCode("PMNT", "ICDT", "ESCT")
DOMESTIC_CREDIT_TRANSFER_RECEIVED = BankTransactionCode("PMNT", "RCDT", "DMCT")
DOMESTIC_CREDIT_TRANSFER_SENT = BankTransactionCode("PMNT", "ICDT", "DMCT")


@dataclass(frozen=True, slots=True)
class EntryTransaction:
    """One transaction booked in an entry: what ties it to a payout.

    `amount` (minor units) is needed only when the entry books several transactions.
    `return_reason` is the code a returned payment came back with (``AC01``, ``R03``).
    """

    end_to_end_id: str | None = None
    remittance: str | None = None
    counterparty_name: str | None = None
    return_reason: str | None = None
    amount: int | None = None


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One booked entry: a positive amount in minor units, credited or debited."""

    amount: int
    direction: CreditDebit
    booking_date: dt.date
    value_date: dt.date
    account_servicer_reference: str
    transactions: tuple[EntryTransaction, ...] = ()
    bank_transaction_code: BankTransactionCode | None = None

    @property
    def signed_amount(self) -> int:
        """The entry's effect on the balance: positive for a credit, negative for a debit."""
        return self.amount if self.direction is CreditDebit.CREDIT else -self.amount

    @property
    def end_to_end_id(self) -> str | None:
        """The end-to-end id of an entry booking a single transaction."""
        return self.transactions[0].end_to_end_id if len(self.transactions) == 1 else None


@dataclass(frozen=True, slots=True)
class Statement:
    """One account's booked day: balances are signed minor units of `currency`."""

    statement_id: str
    created_at: dt.datetime
    account: SepaAccount | UsBankAccount
    currency: str
    opening_balance: int
    opening_date: dt.date
    closing_balance: int
    closing_date: dt.date
    entries: tuple[StatementEntry, ...] = ()
    owner_name: str | None = None
    sequence_number: int | None = None

    def expected_closing_balance(self) -> int:
        """The opening balance plus the credits minus the debits, in minor units."""
        return self.opening_balance + sum(entry.signed_amount for entry in self.entries)


@dataclass(frozen=True, slots=True)
class StatementFile:
    """A camt.053 message: its id, when it was made, and the statements it carries."""

    message_id: str
    created_at: dt.datetime
    statements: tuple[Statement, ...]
