"""A worker POSTs each event to the merchant's server, signed so that the official stripe
package verifies it, and retries a failed delivery on the back-off until three days pass."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from webhook_receiver import Receiver, add_endpoint, attempts_of, delivery_of, record

from mercato.clock import ManualClock
from mercato.database.engine import reading, writing
from mercato.gateway import events, webhooks
from mercato.gateway.merchants import Caller
from mercato.outbox import Worker
from mercato.outbox.tables import jobs


def pending_webhooks(engine: Engine, merchant: Caller, event_id: str) -> int:
    with reading(engine) as connection:
        shown: int = events.retrieve(connection, merchant, event_id)["pending_webhooks"]
        return shown


def job_status(engine: Engine) -> str:
    with reading(engine) as connection:
        status: str = connection.execute(sa.select(jobs.c.status)).scalar_one()
        return status


def test_the_merchants_server_receives_the_event_and_verifies_its_signature(
    engine: Engine, clock: ManualClock, merchant: Caller, receiver: Receiver, worker: Worker
) -> None:
    endpoint = add_endpoint(engine, merchant, clock, url=receiver.url)
    receiver.secret = endpoint["secret"]
    event_id = record(engine, merchant, clock, "customer.created")

    assert worker.run_once() == 1

    [received] = receiver.received
    assert received.event is not None, "stripe.Webhook.construct_event refused the signature"
    assert received.event.id == event_id
    assert received.event.type == "customer.created"
    assert received.event.data.object.name == "Ada"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["user-agent"].startswith("Mercato/")
    timestamp, signature = received.headers["stripe-signature"].split(",")
    assert timestamp.startswith("t=")
    assert signature.startswith("v1=")
    assert json.loads(received.body)["object"] == "event"
    delivery = delivery_of(engine, event_id)
    assert (delivery.status, delivery.attempt_count) == ("succeeded", 1)
    [attempt] = attempts_of(engine, delivery.id)
    assert (attempt.status_code, attempt.error) == (200, None)
    assert attempt.duration_ms >= 0
    assert pending_webhooks(engine, merchant, event_id) == 0
    assert job_status(engine) == "done"
    assert worker.run_once() == 0


def test_a_failed_delivery_is_retried_after_a_minute_and_then_succeeds(
    engine: Engine, clock: ManualClock, merchant: Caller, receiver: Receiver, worker: Worker
) -> None:
    endpoint = add_endpoint(engine, merchant, clock, url=receiver.url)
    receiver.secret = endpoint["secret"]
    receiver.answers = [500]
    event_id = record(engine, merchant, clock, "customer.created")

    assert worker.run_once() == 1
    delivery = delivery_of(engine, event_id)
    assert delivery.status == "pending"
    assert delivery.next_attempt_at == clock.now() + dt.timedelta(minutes=1)
    assert pending_webhooks(engine, merchant, event_id) == 1

    clock.advance(dt.timedelta(seconds=59))
    assert worker.run_once() == 0, "not due before its minute has passed"
    clock.advance(dt.timedelta(seconds=1))
    assert worker.run_once() == 1

    delivery = delivery_of(engine, event_id)
    assert (delivery.status, delivery.attempt_count) == ("succeeded", 2)
    assert [a.status_code for a in attempts_of(engine, delivery.id)] == [500, 200]
    assert receiver.event_ids() == [event_id, event_id]
    assert pending_webhooks(engine, merchant, event_id) == 0


def test_a_delivery_that_keeps_failing_is_given_up_three_days_after_the_event(
    engine: Engine, clock: ManualClock, merchant: Caller, receiver: Receiver, worker: Worker
) -> None:
    endpoint = add_endpoint(engine, merchant, clock, url=receiver.url)
    receiver.secret = endpoint["secret"]
    receiver.usual_answer = 503
    created = clock.now()
    event_id = record(engine, merchant, clock, "customer.created")

    assert worker.run_once() == 1
    while (delivery := delivery_of(engine, event_id)).status == "pending":
        clock.advance(delivery.next_attempt_at - clock.now())
        assert worker.run_once() == 1

    tried_after = [a.attempted_at - created for a in attempts_of(engine, delivery.id)]
    minutes = dt.timedelta(minutes=1)
    assert tried_after == [
        step * minutes
        for step in (0, 1, 6, 36, 156, 456, 1056, 1776, 2496, 3216, 3936)  # +12 h each after 10 h
    ]
    assert tried_after[-1] < webhooks.GIVE_UP_AFTER
    assert delivery.status == "failed"
    assert delivery.finished_at == clock.now()
    assert job_status(engine) == "failed"
    # As Stripe counts them, a delivery given up is still one not delivered.
    assert pending_webhooks(engine, merchant, event_id) == 1
    clock.advance(dt.timedelta(days=30))
    assert worker.run_once() == 0


def test_a_server_that_is_down_is_an_attempt_with_an_error(
    engine: Engine, clock: ManualClock, merchant: Caller, worker: Worker
) -> None:
    add_endpoint(engine, merchant, clock, url="http://127.0.0.1:9/nobody-listens-here")
    event_id = record(engine, merchant, clock, "customer.created")

    assert worker.run_once() == 1

    delivery = delivery_of(engine, event_id)
    [attempt] = attempts_of(engine, delivery.id)
    assert attempt.status_code is None
    assert attempt.error.startswith("ConnectError")
    assert delivery.status == "pending"


def test_deleting_an_endpoint_stops_its_retries(
    engine: Engine, clock: ManualClock, merchant: Caller, receiver: Receiver, worker: Worker
) -> None:
    endpoint = add_endpoint(engine, merchant, clock, url=receiver.url)
    receiver.secret = endpoint["secret"]
    receiver.usual_answer = 500
    event_id = record(engine, merchant, clock, "customer.created")
    assert worker.run_once() == 1

    with writing(engine) as connection:
        webhooks.delete(connection, merchant, endpoint["id"], clock)
    clock.advance(dt.timedelta(minutes=1))
    assert worker.run_once() == 1  # the job runs, finds the delivery cancelled, and ends

    assert len(receiver.received) == 1
    assert delivery_of(engine, event_id).status == "cancelled"
    assert pending_webhooks(engine, merchant, event_id) == 0
    assert job_status(engine) == "done"
