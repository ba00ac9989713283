"""The one clock every component reads time from.

Production reads the wall clock; the sandbox reads a clock an operator moves forward, so a
payment can walk from authorisation to payout in seconds. All times are timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Tells the time."""

    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class ManualClock:
    """A clock that stands still until it is moved: for tests and the sandbox."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Move the clock forward (never back) and return the new time."""
        if delta < dt.timedelta(0):
            raise ValueError("the clock only moves forward")
        self._now += delta
        return self._now
