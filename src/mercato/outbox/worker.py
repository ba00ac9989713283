"""The loop that runs the outbox's jobs: claim, run outside the claiming transaction, finish.

Run as many workers as you like, in as many processes: a job is claimed by one worker at a
time (``queue.claim``), and a worker finishes only jobs still its own. The lease must outlast
the longest batch: ``limit`` jobs run one after another within it. A job whose worker died
is taken again once its lease has passed, so handlers must be safe to run twice (a webhook
may arrive twice; its receiver deduplicates by event id, as with Stripe).

Between rounds of jobs, ``run_forever`` runs the worker's duties that are due (``duties``):
its own purge of old finished jobs, and whatever housekeeping its caller gives it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping

from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.ids import uuid7
from mercato.logs import get_logger
from mercato.outbox import queue
from mercato.outbox.duties import Duties, Duty
from mercato.outbox.jobs import Done, GiveUp, Handler, Job, Outcome, default_retry

log = get_logger(__name__)

DEFAULT_LEASE = dt.timedelta(minutes=5)
DEFAULT_JOB_BUDGET = dt.timedelta(minutes=1)
"""The longest one job may take (a webhook: well under a minute, see ``gateway.webhooks``)."""
MAX_CLAIMS = 50
"""Claims after which a job that never finishes (its worker dies, or its result cannot be
stored) is given up without running it again."""
KEEP_FINISHED = dt.timedelta(days=7)
PURGE_EVERY = dt.timedelta(hours=1)


class Worker:
    """Runs the jobs whose kinds ``handlers`` knows (others are left to workers that do),
    and, in ``run_forever``, its ``duties`` when they are due."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        handlers: Mapping[str, Handler],
        *,
        lease: dt.timedelta = DEFAULT_LEASE,
        job_budget: dt.timedelta = DEFAULT_JOB_BUDGET,
        name: str | None = None,
        duties: Iterable[Duty] = (),
    ) -> None:
        if job_budget >= lease:
            raise ValueError("the lease must outlast at least one job")
        self.engine = engine
        self.clock = clock
        self.handlers = dict(handlers)
        self.lease = lease
        self.job_budget = job_budget
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid7().hex[-8:]}"
        purge = Duty("outbox.purge_finished", PURGE_EVERY, self._purge_finished)
        self.duties = Duties([purge, *duties], clock)

    def _purge_finished(self) -> int:
        return queue.purge_finished(self.engine, self.clock, older_than=KEEP_FINISHED)

    def run_once(self, limit: int = 10, stop: threading.Event | None = None) -> int:
        """Claim up to ``limit`` due jobs and run them; returns how many were run.

        Jobs run one after another under one lease. Before each, the worker checks (on the
        wall clock) that the lease still covers a whole job; if not, or if ``stop`` is set,
        it gives the rest back, so no other worker can take a job while this one runs it."""
        if not self.handlers:
            return 0
        claimed_at = time.monotonic()
        claimed = queue.claim(
            self.engine,
            self.clock,
            kinds=self.handlers,
            limit=limit,
            worker=self.name,
            lease=self.lease,
        )
        lease_left = (self.lease - self.job_budget).total_seconds()
        for position, job in enumerate(claimed):
            if time.monotonic() - claimed_at > lease_left or (stop and stop.is_set()):
                queue.release(self.engine, claimed[position:], self.name)
                return position
            outcome = self._run(job)
            try:
                if not queue.finish(self.engine, self.clock, job, self.name, outcome):
                    log.warning("job no longer ours when finished", job=str(job.id), kind=job.kind)
            except Exception as error:
                # The job stays locked until its lease passes, then runs again.
                log.error("could not finish job", job=str(job.id), error=type(error).__name__)
        return len(claimed)

    def _run(self, job: Job) -> Outcome:
        if job.attempts > MAX_CLAIMS:
            return GiveUp(f"claimed {job.attempts} times without finishing")
        try:
            outcome = self.handlers[job.kind](job)
        except Exception as error:
            log.warning("job failed", job=str(job.id), kind=job.kind, error=type(error).__name__)
            return default_retry(job, self.clock.now(), f"{type(error).__name__}: {error}")
        return Done() if outcome is None else outcome

    def run_forever(
        self, stop: threading.Event, poll_interval: float = 1.0, *, limit: int = 10
    ) -> None:
        """Run jobs, and duties when due, until ``stop`` is set, resting ``poll_interval``
        seconds when no job is due."""
        log.info(
            "outbox worker started",
            worker=self.name,
            kinds=sorted(self.handlers),
            duties=[duty.name for duty in self.duties.duties],
        )
        while not stop.is_set():
            try:
                ran = self.run_once(limit, stop)
            except Exception as error:  # the database is away: rest, then try again
                log.error("outbox worker round failed", error=type(error).__name__)
                ran = 0
            if not stop.is_set():
                self.duties.run_due()  # never raises: each duty's failure is logged
            if ran == 0:
                stop.wait(poll_interval)
        log.info("outbox worker stopped", worker=self.name)


def start_in_process(
    engine: Engine,
    clock: Clock,
    handlers: Mapping[str, Handler],
    *,
    duties: Iterable[Duty] = (),
    poll_interval: float = 1.0,
) -> Callable[[], None]:
    """Run a worker, with its ``duties``, in a daemon thread of this process (``mercato
    demo``); returns ``stop``, which ends the loop after its current job and waits for it."""
    stop = threading.Event()
    worker = Worker(engine, clock, handlers, duties=duties)
    thread = threading.Thread(
        target=worker.run_forever,
        args=(stop, poll_interval),
        name="mercato-outbox-worker",
        daemon=True,
    )
    thread.start()

    def stop_worker() -> None:
        stop.set()
        thread.join(timeout=30)

    return stop_worker
