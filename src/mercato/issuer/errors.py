"""Why the issuing bank refuses an operator's command (issuing, funding, changing a card).

Authorisations are never refused with an exception: every request gets an ISO 8583
response code (``codes.py``). These errors are for the bank's own tools::

    IssuerError
    ├── CardNotFound         no card with that id or last four digits
    ├── AmbiguousCard        several cards end with those four digits
    ├── AccountNotFound      no account with that id
    ├── InvalidCommand       the command itself is wrong (a brand the bank does not issue...)
    └── SimulatedFault       a fault injected on purpose (a test card's processing error)
"""

from __future__ import annotations


class IssuerError(Exception):
    """The issuing bank refused a command."""

    code = "issuer_error"


class CardNotFound(IssuerError):
    code = "card_not_found"


class AmbiguousCard(IssuerError):
    code = "ambiguous_card"


class AccountNotFound(IssuerError):
    code = "account_not_found"


class InvalidCommand(IssuerError):
    code = "invalid_command"


class SimulatedFault(IssuerError):
    """Raised inside an authorisation on purpose; it takes the path of any internal error
    (nothing is written, the answer is 96)."""

    code = "simulated_fault"
