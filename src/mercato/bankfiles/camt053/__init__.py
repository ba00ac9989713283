"""ISO 20022 camt.053.001.02, the bank-to-customer end-of-day statement: write and read.

The simulated bank writes one with `write_camt053` at the end of each day; the platform
reads it with `read_camt053` and matches each entry's end-to-end id (SEPA) or remittance
text (ACH) and signed amount to a payout.
"""

from mercato.bankfiles.camt053.model import (
    DOMESTIC_CREDIT_TRANSFER_RECEIVED,
    DOMESTIC_CREDIT_TRANSFER_SENT,
    MESSAGE,
    SEPA_CREDIT_TRANSFER_RECEIVED,
    SEPA_CREDIT_TRANSFER_SENT,
    BankTransactionCode,
    CreditDebit,
    EntryTransaction,
    Statement,
    StatementEntry,
    StatementFile,
)
from mercato.bankfiles.camt053.reader import read_camt053
from mercato.bankfiles.camt053.writer import write_camt053

__all__ = [
    "DOMESTIC_CREDIT_TRANSFER_RECEIVED",
    "DOMESTIC_CREDIT_TRANSFER_SENT",
    "MESSAGE",
    "SEPA_CREDIT_TRANSFER_RECEIVED",
    "SEPA_CREDIT_TRANSFER_SENT",
    "BankTransactionCode",
    "CreditDebit",
    "EntryTransaction",
    "Statement",
    "StatementEntry",
    "StatementFile",
    "read_camt053",
    "write_camt053",
]
