"""The dashboard's errors.

DashboardError
├── SignInRefused      the e-mail and password do not match a user
├── Throttled          too many failed sign-ins for this e-mail: wait ``retry_after``
├── UserExists         a user with this e-mail exists already
├── UnknownMerchant    no merchant has this id
└── InvalidForm        a form's fields, each with what is wrong with it (``fields``)
"""

from __future__ import annotations

import datetime as dt


class DashboardError(Exception):
    """Anything the dashboard refuses."""


class SignInRefused(DashboardError):
    pass


class Throttled(DashboardError):
    def __init__(self, retry_after: dt.timedelta) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after}")
        self.retry_after = retry_after


class UserExists(DashboardError):
    pass


class UnknownMerchant(DashboardError):
    pass


class InvalidForm(DashboardError):
    """What is wrong with a form, field by field (name -> a sentence for people)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("Please check the highlighted fields.")
        self.message = "Please check the highlighted fields."
        self.fields = fields
