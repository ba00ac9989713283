"""A running worker does its housekeeping beside its jobs: an Idempotency-Key older than 24
hours is forgotten, and a duty that fails holds up neither the jobs nor the other duties."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato import outbox
from mercato.cli.worker import FORGET_KEYS_EVERY, housekeeping
from mercato.clock import ManualClock
from mercato.database.engine import reading, writing
from mercato.gateway import idempotency
from mercato.gateway.tables import idempotency_keys
from mercato.outbox.tables import jobs

SECRET = b"k" * 32


@contextmanager
def running(worker: outbox.Worker) -> Iterator[None]:
    """``worker.run_forever`` in a thread while the block runs."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop, 0.01), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.01)


def remember_key(engine: Engine, clock: ManualClock, key: str) -> None:
    """A request with ``Idempotency-Key: key`` that ran and answered."""
    claimed = idempotency.claim(
        engine,
        clock,
        owner="acct_1",
        key=key,
        method="POST",
        path="/v1/customers",
        params={"name": "Ada"},
        secret=SECRET,
    )
    assert isinstance(claimed, idempotency.Claim)
    with writing(engine) as connection:
        idempotency.finish(connection, claimed, 200, {"id": "cus_1"})


def keys(engine: Engine) -> set[str]:
    with reading(engine) as connection:
        return set(connection.execute(sa.select(idempotency_keys.c.key)).scalars())


def test_a_running_worker_forgets_idempotency_keys_older_than_24_hours(
    engine: Engine, clock: ManualClock
) -> None:
    worker = outbox.Worker(engine, clock, {}, duties=housekeeping(engine, clock))
    remember_key(engine, clock, "order-7")
    clock.advance(dt.timedelta(hours=23, minutes=30))
    remember_key(engine, clock, "order-8")

    with running(worker):
        time.sleep(0.2)  # the worker's first rounds: nothing is old enough yet
        assert keys(engine) == {"order-7", "order-8"}
        # The sandbox clock moves on: the duty is due again, and order-7 is past 24 hours.
        clock.advance(FORGET_KEYS_EVERY)
        eventually(lambda: keys(engine) == {"order-8"})


def test_a_failing_duty_stops_neither_the_jobs_nor_the_other_duties(
    engine: Engine, clock: ManualClock
) -> None:
    failures: list[dt.datetime] = []
    tidied = threading.Event()

    def broken() -> int:
        failures.append(clock.now())
        raise ConnectionError("the archive is away")

    def tidy() -> int:
        tidied.set()
        return 0

    ran: list[str] = []
    worker = outbox.Worker(
        engine,
        clock,
        {"test.echo": lambda job: ran.append(job.payload["order"])},
        duties=[
            outbox.Duty("broken", dt.timedelta(hours=1), broken),
            outbox.Duty("tidy", dt.timedelta(hours=1), tidy),
        ],
    )
    with running(worker):
        eventually(tidied.is_set)
        with writing(engine) as connection:
            outbox.enqueue(connection, "test.echo", {"order": "7"}, due_at=clock.now())
        eventually(lambda: ran == ["7"])
        clock.advance(dt.timedelta(hours=1))
        eventually(lambda: len(failures) == 2)  # tried again a period later
    with reading(engine) as connection:
        assert connection.execute(sa.select(jobs.c.status)).scalar_one() == "done"
