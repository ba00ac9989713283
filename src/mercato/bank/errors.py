"""Why the commercial bank refuses a request, designed once for the whole bank::

    BankError                       bank_error
    ├── NotFound                    not_found
    │   ├── CustomerNotFound        customer_not_found
    │   ├── AccountNotFound         account_not_found
    │   └── FileNotFound            file_not_found
    ├── InvalidRequest              invalid_request         the request itself is wrong
    │   ├── UnreadableFile          unreadable_file         bankfiles could not parse it
    │   └── AccountClosed           account_closed
    ├── Conflict                    conflict                an id reused for other content
    │   ├── FileNameReused          file_name_reused
    │   └── SettlementIdReused      settlement_id_reused
    ├── InsufficientFunds           insufficient_funds      the payer cannot pay
    ├── Forbidden                   forbidden               not this customer's to do
    └── NotAuthenticated            not_authenticated       no or a wrong credential

Entries of a payout file the bank cannot apply are never errors: they are returned in a
NACHA returns file or a pain.002 report. The H2H service turns these classes into HTTP
answers at its edge (``h2h.STATUS``), the command line into messages.
"""

from __future__ import annotations


class BankError(Exception):
    """The commercial bank refused a request."""

    code = "bank_error"


class NotFound(BankError):
    code = "not_found"


class CustomerNotFound(NotFound):
    code = "customer_not_found"


class AccountNotFound(NotFound):
    code = "account_not_found"


class FileNotFound(NotFound):
    code = "file_not_found"


class InvalidRequest(BankError):
    code = "invalid_request"


class UnreadableFile(InvalidRequest):
    """A file bankfiles could not read; the message names the line or element."""

    code = "unreadable_file"


class AccountClosed(InvalidRequest):
    code = "account_closed"


class Conflict(BankError):
    code = "conflict"


class FileNameReused(Conflict):
    code = "file_name_reused"


class SettlementIdReused(Conflict):
    code = "settlement_id_reused"


class InsufficientFunds(BankError):
    code = "insufficient_funds"


class Forbidden(BankError):
    code = "forbidden"


class NotAuthenticated(BankError):
    code = "not_authenticated"
