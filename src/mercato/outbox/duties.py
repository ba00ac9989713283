"""Periodic duties: housekeeping the worker runs every so often, beside its jobs.

    Duty("idempotency.forget_expired", dt.timedelta(hours=1), lambda: forget(engine, clock))

A duty is due when the worker starts, then ``every`` after each run, by the worker's clock
(so the sandbox's clock, moved forward, makes it due). It answers how many things it did.
One that raises is logged by its exception's type and tried again a period later; it never
stops the other duties or the jobs. Every worker runs its duties, so a duty must be safe to
run in several processes at once, as the jobs are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mercato.clock import Clock
from mercato.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Duty:
    """``run`` every ``every``; ``run`` returns how many things it did (for the log)."""

    name: str
    every: dt.timedelta
    run: Callable[[], int]

    def __post_init__(self) -> None:
        if self.every <= dt.timedelta(0):
            raise ValueError(f"duty {self.name!r} must have a positive period")


class Duties:
    """A worker's duties and when each is next due."""

    def __init__(self, duties: Iterable[Duty], clock: Clock) -> None:
        self.duties = list(duties)
        names = [duty.name for duty in self.duties]
        if len(set(names)) != len(names):
            raise ValueError(f"duty names must be unique: {names}")
        self.clock = clock
        start = clock.now()
        self._next_due = {duty.name: start for duty in self.duties}

    def run_due(self) -> int:
        """Run every duty that is due, one after another; returns how many ran."""
        ran = 0
        for duty in self.duties:
            now = self.clock.now()
            next_due = self._next_due[duty.name]
            # A wall clock stepped back would otherwise postpone the duty by the step.
            if now < next_due <= now + duty.every:
                continue
            self._next_due[duty.name] = now + duty.every
            ran += 1
            try:
                done = duty.run()
            except Exception as error:
                log.error("duty failed", duty=duty.name, error=type(error).__name__)
                continue
            if done:
                log.info("duty done", duty=duty.name, count=done)
        return ran
