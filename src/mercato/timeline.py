"""Moving the sandbox's clock forward, and running what falls due on the way, in order.

A jump of two days is walked an hour at a time: at each step the clock is set, the outbox's
due jobs run until none is left, then every duty runs (holds expiring, funds becoming
available, payouts, the banks' processing days, ...). So a payment captured now is cleared,
made available and paid out in the order the days would have brought, in seconds.

Every duty must be idempotent and safe beside the workers that run it too (outbox/duties.py
says the same): the timeline runs them whenever it steps, not only when their period says.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mercato.clock import SandboxClock
from mercato.logs import get_logger
from mercato.outbox import Duty, Worker

log = get_logger(__name__)

STEP = dt.timedelta(hours=1)
JOBS_PER_ROUND = 100


@dataclass
class Walked:
    """What an advance did: where the clock ended, and how many things each duty did."""

    began: dt.datetime
    ended: dt.datetime
    steps: int = 0
    jobs: int = 0
    done: Counter[str] = field(default_factory=Counter)


class Timeline:
    """The sandbox clock with what runs as it moves: a worker's jobs and the duties."""

    def __init__(
        self,
        clock: SandboxClock,
        *,
        worker: Worker | None = None,
        duties: Sequence[Duty] = (),
        step: dt.timedelta = STEP,
    ) -> None:
        if step <= dt.timedelta(0):
            raise ValueError("a step must move the clock forward")
        self.clock, self.worker, self.duties, self.step = clock, worker, list(duties), step

    def advance(
        self, delta: dt.timedelta, *, on_step: Callable[[Walked], None] | None = None
    ) -> Walked:
        """Move the clock forward by ``delta``, a step at a time, running what fell due."""
        if delta < dt.timedelta(0):
            raise ValueError("the clock only moves forward")
        began = self.clock.now()
        walked = Walked(began, began)
        left = delta
        while True:
            # Exactly ``delta`` is added to the clock, however long the steps' work takes.
            move = min(self.step, left)
            self.clock.advance(move)
            left -= move
            self._run_due(walked)
            walked.steps += 1
            walked.ended = self.clock.now()
            if on_step is not None:
                on_step(walked)
            if left <= dt.timedelta(0):
                break
        log.info(
            "clock.advanced",
            to=walked.ended.isoformat(timespec="seconds"),
            steps=walked.steps,
            jobs=walked.jobs,
            **{name.replace(".", "_"): n for name, n in walked.done.items() if n},
        )
        return walked

    def _run_due(self, walked: Walked) -> None:
        if self.worker is not None:
            while ran := self.worker.run_once(JOBS_PER_ROUND):
                walked.jobs += ran
        for duty in self.duties:
            try:
                walked.done[duty.name] += duty.run()
            except Exception as error:
                # As in the worker: one duty's failure neither hides nor stops the others.
                log.error("duty failed", duty=duty.name, error=type(error).__name__)
