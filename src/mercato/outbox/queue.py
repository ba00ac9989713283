"""The outbox's writes: ``enqueue`` in the caller's transaction; ``claim`` and ``finish``,
each its own short transaction, for the worker.

Claiming takes due jobs with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers never
wait on each other and never take the same job; on SQLite the claim runs under
``BEGIN IMMEDIATE`` (``database.engine.writing``), one writer at a time, with the same
result. A claim sets a lease (``locked_until``): a worker that dies leaves its jobs locked
until the lease passes, and then any worker may take them again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock
from mercato.database.engine import writing
from mercato.ids import uuid7
from mercato.outbox.jobs import Done, GiveUp, Job, Outcome, Retry
from mercato.outbox.tables import jobs

MAX_ERROR_LENGTH = 1000


def enqueue(connection: Connection, kind: str, payload: dict[str, Any], due_at: dt.datetime) -> str:
    """Write a job in the caller's transaction: it exists if, and only if, the caller commits."""
    json.dumps(payload)  # refuse what the database could not store, here and not later
    job_id = uuid7()
    connection.execute(
        sa.insert(jobs).values(
            id=job_id,
            kind=kind,
            payload=payload,
            status="pending",
            due_at=due_at,
            attempts=0,
        )
    )
    return str(job_id)


def claim(
    engine: Engine,
    clock: Clock,
    *,
    kinds: Iterable[str],
    limit: int,
    worker: str,
    lease: dt.timedelta,
) -> list[Job]:
    """Lock up to ``limit`` due jobs of these kinds for ``worker`` until ``now + lease``."""
    now = clock.now()
    t = jobs.c
    due = (
        sa.select(t.id)
        .where(
            t.status == "pending",
            t.due_at <= now,
            t.kind.in_(list(kinds)),
            sa.or_(t.locked_until.is_(None), t.locked_until <= now),
        )
        .order_by(t.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)  # SQLite renders nothing: BEGIN IMMEDIATE serialises
    )
    with writing(engine) as connection:
        rows = connection.execute(
            sa.update(jobs)
            .where(t.id.in_(due.scalar_subquery()))
            .values(locked_until=now + lease, locked_by=worker, attempts=t.attempts + 1)
            .returning(t.id, t.kind, t.payload, t.attempts, t.due_at)
        ).all()
    claimed = [Job(r.id, r.kind, r.payload, r.attempts, r.due_at) for r in rows]
    return sorted(claimed, key=lambda job: (job.due_at, job.id))


def finish(engine: Engine, clock: Clock, job: Job, worker: str, outcome: Outcome) -> bool:
    """Store how the job went; returns False if the job was no longer this worker's.

    The handler's ``record`` is written in any case: the attempt it describes happened.
    """
    now = clock.now()
    t = jobs.c
    values: dict[str, Any] = {"locked_until": None, "locked_by": None}
    if isinstance(outcome, Done):
        values.update(status="done", done_at=now)
    elif isinstance(outcome, Retry):
        values.update(due_at=outcome.at, last_error=outcome.error[:MAX_ERROR_LENGTH])
    elif isinstance(outcome, GiveUp):
        values.update(status="failed", done_at=now, last_error=outcome.error[:MAX_ERROR_LENGTH])
    with writing(engine) as connection:
        if outcome.record is not None:
            outcome.record(connection)
        still_mine = connection.execute(
            sa.update(jobs)
            .where(
                t.id == job.id,
                t.status == "pending",
                t.locked_by == worker,
                t.attempts == job.attempts,
            )
            .values(**values)
            .returning(t.id)
        ).first()
    return still_mine is not None


def release(engine: Engine, claimed: Iterable[Job], worker: str) -> None:
    """Give back jobs claimed but not run (the lease would not have covered them), as if
    they had never been claimed."""
    t = jobs.c
    with writing(engine) as connection:
        for job in claimed:
            connection.execute(
                sa.update(jobs)
                .where(t.id == job.id, t.locked_by == worker, t.attempts == job.attempts)
                .values(locked_until=None, locked_by=None, attempts=t.attempts - 1)
            )


def purge_finished(
    engine: Engine, clock: Clock, *, older_than: dt.timedelta, batch: int = 1000
) -> int:
    """Delete jobs finished more than ``older_than`` ago, ``batch`` at a time; returns how
    many."""
    cutoff = clock.now() - older_than
    t = jobs.c
    removed = 0
    while True:
        old = (
            sa.select(t.id)
            .where(t.status != "pending", t.done_at < cutoff)
            .limit(batch)
            .scalar_subquery()
        )
        with writing(engine) as connection:
            deleted = len(
                connection.execute(sa.delete(jobs).where(t.id.in_(old)).returning(t.id)).all()
            )
        removed += deleted
        if deleted < batch:
            return removed
