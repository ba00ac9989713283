"""The payment processor (the acquirer): routes each card to its issuing bank by its BIN,
speaks ISO 8583 to it, and books each step in the platform's ledger.

Start at ``service.Processor`` (authorise in three steps, capture, cancel, refund, and the
follow-up messages owed to issuers); ``codes`` turns response codes into Stripe's decline
codes; ``fees`` prices a capture; ``books`` is the platform's chart of accounts for cards;
``acceptors`` is each merchant as the network knows it; ``records`` the authorisations
sent; ``threeds`` the issuers' 3-D Secure servers; ``bins`` the card ranges.
docs/adr/0010-authorisation-capture-and-the-platform-books.md gives the reasons.
"""

from mercato.processor.service import (
    FOLLOW_UP_JOB,
    Answer,
    Card,
    Delivery,
    IssuerLink,
    Prepared,
    Processor,
    build_processor,
)

__all__ = [
    "FOLLOW_UP_JOB",
    "Answer",
    "Card",
    "Delivery",
    "IssuerLink",
    "Prepared",
    "Processor",
    "build_processor",
]
