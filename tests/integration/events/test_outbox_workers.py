"""The outbox's promises: a job runs in one worker at a time; a job whose worker died runs
again once its lease has passed; a handler that raises is retried on the outbox's back-off;
many workers together run each job exactly once."""

from __future__ import annotations

import collections
import datetime as dt
import threading
import time
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from webhook_receiver import Receiver, add_endpoint, record

from mercato import outbox
from mercato.clock import ManualClock
from mercato.database.engine import reading, writing
from mercato.gateway import events, webhooks
from mercato.gateway.merchants import Caller
from mercato.gateway.tables import webhook_deliveries
from mercato.outbox import queue
from mercato.outbox.tables import jobs
from mercato.outbox.tables import metadata as outbox_metadata
from mercato.outbox.worker import MAX_CLAIMS


def enqueue(engine: Engine, clock: ManualClock, kind: str = "test.echo", **payload: Any) -> str:
    with writing(engine) as connection:
        return outbox.enqueue(connection, kind, payload, due_at=clock.now())


def job(engine: Engine) -> Any:
    with reading(engine) as connection:
        return connection.execute(sa.select(jobs)).one()


def test_the_migration_builds_the_outbox_table_the_code_maps(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            difference
            for difference in compare_metadata(context, outbox_metadata)
            if difference[0] not in ("remove_table", "remove_index")
        ]
    assert differences == []


def test_a_job_whose_worker_died_runs_again_once_its_lease_has_passed(
    engine: Engine, clock: ManualClock
) -> None:
    ran: list[str] = []
    enqueue(engine, clock, order="7")
    lease = dt.timedelta(minutes=5)
    [claimed] = queue.claim(
        engine, clock, kinds=["test.echo"], limit=10, worker="the one that dies", lease=lease
    )
    survivor = outbox.Worker(engine, clock, {"test.echo": lambda j: ran.append(j.payload["order"])})

    assert survivor.run_once() == 0, "locked by the first worker"
    clock.advance(lease)
    assert survivor.run_once() == 1
    assert ran == ["7"]
    assert (job(engine).status, job(engine).attempts) == ("done", 2)
    # The first worker comes back to life: the job is no longer its own to finish.
    assert queue.finish(engine, clock, claimed, "the one that dies", outbox.Done()) is False


def test_a_handler_that_raises_is_retried_on_the_outbox_back_off(
    engine: Engine, clock: ManualClock
) -> None:
    calls: list[int] = []

    def flaky(j: outbox.Job) -> None:
        calls.append(j.attempts)
        if len(calls) < 3:
            raise ConnectionError("the bank's file server is away")

    enqueue(engine, clock)
    worker = outbox.Worker(engine, clock, {"test.echo": flaky})
    assert worker.run_once() == 1
    assert job(engine).last_error == "ConnectionError: the bank's file server is away"
    assert job(engine).due_at == clock.now() + dt.timedelta(seconds=30)
    clock.advance(dt.timedelta(seconds=30))
    assert worker.run_once() == 1
    clock.advance(dt.timedelta(seconds=59))
    assert worker.run_once() == 0
    clock.advance(dt.timedelta(seconds=1))
    assert worker.run_once() == 1
    assert calls == [1, 2, 3]
    assert job(engine).status == "done"


def test_a_worker_leaves_alone_the_kinds_it_has_no_handler_for(
    engine: Engine, clock: ManualClock
) -> None:
    enqueue(engine, clock, kind="settlement.payout")
    assert outbox.Worker(engine, clock, {"test.echo": lambda j: None}).run_once() == 0
    assert job(engine).attempts == 0


def test_a_job_due_later_waits(engine: Engine, clock: ManualClock) -> None:
    with writing(engine) as connection:
        outbox.enqueue(connection, "test.echo", {}, due_at=clock.now() + dt.timedelta(hours=2))
    worker = outbox.Worker(engine, clock, {"test.echo": lambda j: None})
    assert worker.run_once() == 0
    clock.advance(dt.timedelta(hours=2))
    assert worker.run_once() == 1


def test_jobs_the_lease_would_not_cover_are_given_back_unrun(
    engine: Engine, clock: ManualClock
) -> None:
    for order in ("1", "2", "3"):
        enqueue(engine, clock, order=order)
    ran: list[str] = []

    def slow(j: outbox.Job) -> None:
        ran.append(j.payload["order"])
        time.sleep(0.3)

    hurried = outbox.Worker(
        engine,
        clock,
        {"test.echo": slow},
        lease=dt.timedelta(seconds=1),
        job_budget=dt.timedelta(seconds=0.8),
    )
    assert hurried.run_once(limit=3) == 1
    with reading(engine) as connection:
        rows = connection.execute(sa.select(jobs).order_by(jobs.c.id)).all()
    assert [(r.status, r.attempts, r.locked_by) for r in rows] == [
        ("done", 1, None),
        ("pending", 0, None),
        ("pending", 0, None),
    ]
    other = outbox.Worker(engine, clock, {"test.echo": lambda j: ran.append(j.payload["order"])})
    assert other.run_once() == 2, "the rest can be run at once by anyone"
    assert sorted(ran) == ["1", "2", "3"]


def test_a_stopping_worker_gives_back_the_jobs_it_has_not_started(
    engine: Engine, clock: ManualClock
) -> None:
    stop = threading.Event()
    for _ in range(3):
        enqueue(engine, clock)
    worker = outbox.Worker(engine, clock, {"test.echo": lambda j: stop.set()})
    assert worker.run_once(limit=3, stop=stop) == 1
    assert worker.run_once(limit=3) == 2, "given back, not left locked"


def test_a_job_that_never_finishes_is_given_up_after_many_claims(
    engine: Engine, clock: ManualClock
) -> None:
    enqueue(engine, clock)
    lease = dt.timedelta(minutes=5)
    for _ in range(MAX_CLAIMS):
        queue.claim(engine, clock, kinds=["test.echo"], limit=1, worker="dies", lease=lease)
        clock.advance(lease)
    ran: list[outbox.Job] = []
    assert outbox.Worker(engine, clock, {"test.echo": ran.append}).run_once() == 1
    assert ran == []
    assert (job(engine).status, job(engine).last_error) == (
        "failed",
        f"claimed {MAX_CLAIMS + 1} times without finishing",
    )


def test_finished_jobs_are_purged_after_a_week(engine: Engine, clock: ManualClock) -> None:
    for _ in range(3):
        enqueue(engine, clock)
    outbox.Worker(engine, clock, {"test.echo": lambda j: None}).run_once(limit=2)
    clock.advance(dt.timedelta(days=7, seconds=1))
    assert queue.purge_finished(engine, clock, older_than=dt.timedelta(days=7), batch=1) == 2
    assert job(engine).status == "pending"


def test_a_worker_started_in_process_runs_jobs_until_stopped(
    engine: Engine, clock: ManualClock
) -> None:
    done = threading.Event()
    stop = outbox.start_in_process(
        engine, clock, {"test.echo": lambda j: done.set()}, poll_interval=0.05
    )
    try:
        enqueue(engine, clock)
        assert done.wait(timeout=10), "the in-process worker did not run the job"
    finally:
        stop()
    assert "mercato-outbox-worker" not in [t.name for t in threading.enumerate()]


def test_two_workers_deliver_200_webhooks_each_exactly_once(
    engine: Engine, clock: ManualClock, merchant: Caller, receiver: Receiver
) -> None:
    endpoint = add_endpoint(engine, merchant, clock, url=receiver.url)
    receiver.secret = endpoint["secret"]
    recorded = {record(engine, merchant, clock, "customer.created") for _ in range(200)}
    ran_by: collections.Counter[str] = collections.Counter()
    start = threading.Barrier(2)

    def work(name: str) -> None:
        sender = webhooks.Sender(timeout=5)
        try:
            worker = outbox.Worker(
                engine,
                clock,
                {events.DELIVER: webhooks.Deliverer(engine, clock, sender)},
                name=name,
            )
            start.wait()
            while ran := worker.run_once(limit=5):
                ran_by[name] += ran
        finally:
            sender.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    delivered = collections.Counter(receiver.event_ids())
    assert set(delivered) == recorded
    assert set(delivered.values()) == {1}, "an event was delivered twice"
    assert sum(ran_by.values()) == 200
    assert set(ran_by) == {"left", "right"}, "both workers should have had a share"
    with reading(engine) as connection:
        statuses = connection.execute(
            sa.select(webhook_deliveries.c.status, sa.func.count()).group_by(
                webhook_deliveries.c.status
            )
        ).all()
        assert [tuple(row) for row in statuses] == [("succeeded", 200)]
        assert connection.execute(sa.select(jobs.c.status, jobs.c.attempts).distinct()).all() == [
            ("done", 1)
        ]
