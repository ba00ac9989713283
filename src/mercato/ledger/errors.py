"""Why the ledger refuses a write.

Every refusal leaves no trace in the books: the database transaction it happened in is
rolled back whole. Each error has a stable ``code`` for the API and the command line::

    LedgerError
    ├── InvalidTransaction            the request itself is wrong, before any account is read
    │   ├── TooFewPostings
    │   ├── NonPositiveAmount
    │   ├── UnbalancedTransaction
    │   └── WrongCurrency              a posting's currency is not its account's
    ├── AccountNotFound
    ├── AccountClosed
    ├── AccountConflict                an account code already exists with another definition
    ├── AccountNotEmpty                an account with money or holds on it cannot be closed
    ├── LimitExceeded                  the write would overdraw a limited account
    ├── IdempotencyConflict            the key was used before for different content
    ├── TransactionNotFound
    ├── AlreadyReversed
    ├── HoldError
    │   ├── HoldNotFound
    │   ├── HoldAlreadyResolved        posted, voided or expired already
    │   ├── HoldExpired
    │   ├── HoldNotExpired             an expiry run found the hold still in time
    │   └── HoldExceeded               posting more than was held
    └── BatchRejected                  one request of a batch failed; nothing of the batch is kept
"""

from __future__ import annotations


class LedgerError(Exception):
    """The ledger refused a write or a query."""

    code = "ledger_error"


class InvalidTransaction(LedgerError):
    code = "invalid_transaction"


class TooFewPostings(InvalidTransaction):
    code = "too_few_postings"


class NonPositiveAmount(InvalidTransaction):
    code = "non_positive_amount"


class UnbalancedTransaction(InvalidTransaction):
    code = "unbalanced_transaction"


class WrongCurrency(InvalidTransaction):
    code = "wrong_currency"


class AccountNotFound(LedgerError):
    code = "account_not_found"


class AccountClosed(LedgerError):
    code = "account_closed"


class AccountConflict(LedgerError):
    code = "account_conflict"


class AccountNotEmpty(LedgerError):
    code = "account_not_empty"


class LimitExceeded(LedgerError):
    code = "limit_exceeded"


class IdempotencyConflict(LedgerError):
    code = "idempotency_conflict"


class TransactionNotFound(LedgerError):
    code = "transaction_not_found"


class AlreadyReversed(LedgerError):
    code = "already_reversed"


class HoldError(LedgerError):
    code = "hold_error"


class HoldNotFound(HoldError):
    code = "hold_not_found"


class HoldAlreadyResolved(HoldError):
    code = "hold_already_resolved"


class HoldExpired(HoldError):
    code = "hold_expired"


class HoldNotExpired(HoldError):
    code = "hold_not_expired"


class HoldExceeded(HoldError):
    code = "hold_exceeded"


class BatchRejected(LedgerError):
    """Request ``index`` of a batch failed with ``cause``; the whole batch was rolled back."""

    code = "batch_rejected"

    def __init__(self, index: int, cause: LedgerError) -> None:
        super().__init__(f"request {index} of the batch was refused: {cause}")
        self.index = index
        self.cause = cause
