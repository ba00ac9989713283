"""The outbox: background work written in the same database transaction as the change that
causes it, and run by any number of worker processes.

    with writing(engine) as connection:
        ...  # the change
        outbox.enqueue(connection, "webhook.deliver", {"delivery_id": ...}, due_at=clock.now())

    Worker(engine, clock, {"webhook.deliver": deliver}).run_once()

See ``jobs`` for what a handler answers, ``queue`` for claiming and leases, ``worker`` for
the loop, ``duties`` for the housekeeping it runs every so often, and
docs/adr/0009-outbox-and-webhook-delivery.md for the reasons.
"""

from mercato.outbox.duties import Duty
from mercato.outbox.jobs import Done, GiveUp, Handler, Job, Outcome, Retry
from mercato.outbox.queue import enqueue
from mercato.outbox.worker import Worker, start_in_process

__all__ = [
    "Done",
    "Duty",
    "GiveUp",
    "Handler",
    "Job",
    "Outcome",
    "Retry",
    "Worker",
    "enqueue",
    "start_in_process",
]
