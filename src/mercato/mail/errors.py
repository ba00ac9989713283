"""The mail component's errors.

MailError
├── TransportError        the SMTP server could not take the message
│   ├── TemporaryFailure  try again later (connection refused, 4xx)
│   └── PermanentFailure  it never will (5xx: no such mailbox, refused sender)
└── ReceiptUnavailable    the charge a receipt was owed for is not (or no longer) there
"""

from __future__ import annotations


class MailError(Exception):
    """Anything the mail component refuses or fails at."""


class TransportError(MailError):
    pass


class TemporaryFailure(TransportError):
    pass


class PermanentFailure(TransportError):
    pass


class ReceiptUnavailable(MailError):
    pass
