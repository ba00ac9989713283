"""The dashboard's errors.

DashboardError
├── SignInRefused      the e-mail and password do not match a user
├── Throttled          too many failed sign-ins for this e-mail: wait ``retry_after``
├── UserExists         a user with this e-mail exists already
└── UnknownMerchant    no merchant has this id
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
