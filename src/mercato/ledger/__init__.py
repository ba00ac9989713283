"""A double-entry ledger that every party keeps in its own database.

Start at ``domain`` for the values and rules, ``book`` for how a write is made safe, and
``verify`` for how the books are proven. ``errors`` lists every refusal.
"""

from mercato.ledger.book import Book, Ledger
from mercato.ledger.domain import (
    AccountKind,
    AccountSpec,
    Balance,
    ExpireHold,
    Hold,
    HoldStatus,
    NewTransaction,
    PostHold,
    Posting,
    Request,
    Reverse,
    Side,
    Statement,
    Transaction,
    TransactionType,
    VoidHold,
    hold,
    transfer,
)
from mercato.ledger.verify import Report, verify

__all__ = [
    "AccountKind",
    "AccountSpec",
    "Balance",
    "Book",
    "ExpireHold",
    "Hold",
    "HoldStatus",
    "Ledger",
    "NewTransaction",
    "PostHold",
    "Posting",
    "Report",
    "Request",
    "Reverse",
    "Side",
    "Statement",
    "Transaction",
    "TransactionType",
    "VoidHold",
    "hold",
    "transfer",
    "verify",
]
