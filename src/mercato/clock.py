"""The one clock every component reads time from.

Production reads the wall clock; the sandbox reads a clock an operator moves forward, so a
payment can walk from authorisation to payout in seconds. All times are timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mercato.settings import Settings

SANDBOX_CLOCK_FILE = "sandbox-clock.json"


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


class SandboxClock:
    """The sandbox's clock: the wall clock plus an offset that only grows, kept in a file so
    that every process of one installation (API, worker, the banks) reads the same time.

    ``mercato clock advance`` and ``POST /v1/test_helpers/clock/advance`` move it forward;
    nothing moves it back. The file is read again only when it changes (one ``stat`` per
    reading), and written whole under a lock, so a reader never sees half an offset.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: int | None = None  # the mtime (ns) of the file last read
        self._offset = dt.timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset()

    def offset(self) -> dt.timedelta:
        """How far ahead of the wall clock this clock runs."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return dt.timedelta(0)
        with self._lock:
            if self._seen != stat.st_mtime_ns:
                self._offset = _read_offset(self.path)
                self._seen = stat.st_mtime_ns
            return self._offset

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Move the clock forward by ``delta`` and return the new time."""
        if delta < dt.timedelta(0):
            raise ValueError("the clock only moves forward")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.with_suffix(".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # two advances at once add up, never race
            offset = _read_offset(self.path) + delta
            written = self.path.with_suffix(".tmp")
            written.write_text(json.dumps({"offset_microseconds": offset // _MICROSECOND}) + "\n")
            # Readers notice a change by the file's mtime: make it strictly later than the
            # last one, even for two advances within the filesystem's timestamp granularity.
            previous = self.path.stat().st_mtime_ns if self.path.exists() else 0
            stamp = max(time.time_ns(), previous + 1)
            os.utime(written, ns=(stamp, stamp))
            os.replace(written, self.path)
        return dt.datetime.now(dt.UTC) + offset

    def advance_to(self, moment: dt.datetime) -> dt.datetime:
        """Move the clock forward to ``moment`` (a moment already past changes nothing)."""
        return self.advance(max(moment - self.now(), dt.timedelta(0)))


_MICROSECOND = dt.timedelta(microseconds=1)


def _read_offset(path: Path) -> dt.timedelta:
    try:
        microseconds = int(json.loads(path.read_text())["offset_microseconds"])
    except FileNotFoundError:
        return dt.timedelta(0)
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a sandbox clock file: {error}") from None
    return microseconds * _MICROSECOND


def sandbox_clock_of(settings: Settings) -> SandboxClock | None:
    """The installation's sandbox clock: when the settings ask for one, or when its file is
    in the data directory (``mercato demo`` makes it). None: the wall clock."""
    path = settings.data_dir / SANDBOX_CLOCK_FILE
    if settings.clock == "sandbox" or path.exists():
        return SandboxClock(path)
    return None


def clock_for(settings: Settings) -> Clock:
    """The clock every component of this installation reads."""
    return sandbox_clock_of(settings) or SystemClock()
