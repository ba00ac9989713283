"""What a job is to the code that runs it, and what that code answers.

A handler is a function of a ``Job`` that does the work (an HTTP call, a file to write)
*outside* any database transaction, and says how it went:

- ``Done``: finished; the job is not run again.
- ``Retry(at, error)``: not this time; run it again at ``at``.
- ``GiveUp(error)``: never; the job is kept as ``failed``.

Each may carry ``record``, a function of a connection that writes what the attempt found
(a delivery's status, an attempt row) in the same transaction that finishes the job, so the
job's state and the handler's records never disagree. An exception from a handler is a
``Retry`` on the outbox's own back-off (``default_retry``) until ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

Record = Callable[[Connection], None]

MAX_ATTEMPTS = 20
"""Claims after which a job whose handler keeps raising is given up."""


@dataclass(frozen=True)
class Job:
    id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    attempts: int  # claims so far, this one included
    due_at: dt.datetime


@dataclass(frozen=True)
class Done:
    record: Record | None = None


@dataclass(frozen=True)
class Retry:
    at: dt.datetime
    error: str
    record: Record | None = None


@dataclass(frozen=True)
class GiveUp:
    error: str
    record: Record | None = None


Outcome = Done | Retry | GiveUp
Handler = Callable[[Job], Outcome | None]
"""Runs one job; ``None`` means ``Done()``."""


def default_retry(job: Job, now: dt.datetime, error: str) -> Outcome:
    """After an unexpected failure: 30 s, 1 min, 2 min, ... at most an hour apart, then give up."""
    if job.attempts >= MAX_ATTEMPTS:
        return GiveUp(error)
    delay = min(dt.timedelta(seconds=30) * 2 ** (job.attempts - 1), dt.timedelta(hours=1))
    return Retry(now + delay, error)
