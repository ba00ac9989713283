"""An event is written with one delivery (and one outbox job) per endpoint that wants it,
in the same transaction as the change that caused it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from webhook_receiver import add_endpoint, record

from mercato.clock import ManualClock
from mercato.database.engine import reading, writing
from mercato.gateway import customers, events, webhooks
from mercato.gateway.merchants import Caller, KeyKind, create_merchant
from mercato.gateway.tables import events as event_rows
from mercato.gateway.tables import webhook_deliveries
from mercato.outbox.tables import jobs


def deliveries_by_endpoint(engine: Engine, event_id: str) -> set[str]:
    d = webhook_deliveries.c
    with reading(engine) as connection:
        return set(
            connection.execute(sa.select(d.endpoint_id).where(d.event_id == event_id)).scalars()
        )


def count(engine: Engine, table: sa.Table) -> int:
    with reading(engine) as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_each_endpoint_that_wants_the_event_gets_one_delivery_and_no_other_does(
    engine: Engine, clock: ManualClock, merchant: Caller
) -> None:
    everything = add_endpoint(engine, merchant, clock, enabled_events=["*"])
    customers_only = add_endpoint(engine, merchant, clock, enabled_events=["customer.created"])
    add_endpoint(engine, merchant, clock, enabled_events=["charge.succeeded"])
    paused = add_endpoint(engine, merchant, clock, enabled_events=["*"])
    removed = add_endpoint(engine, merchant, clock, enabled_events=["*"])
    with writing(engine) as connection:
        webhooks.update(connection, merchant, paused["id"], {"disabled": "true"}, clock)
        webhooks.delete(connection, merchant, removed["id"], clock)
        other = create_merchant(
            connection, name="Someone Else", country="US", currency="usd", clock=clock
        )
    add_endpoint(engine, Caller(KeyKind.SECRET, other.merchant.id), clock, enabled_events=["*"])

    event_id = record(engine, merchant, clock, "customer.created")

    assert deliveries_by_endpoint(engine, event_id) == {everything["id"], customers_only["id"]}
    assert count(engine, jobs) == 2
    with reading(engine) as connection:
        shown = events.retrieve(connection, merchant, event_id)
    assert shown["pending_webhooks"] == 2


def test_a_change_rolled_back_leaves_neither_event_nor_job(
    engine: Engine, clock: ManualClock, merchant: Caller
) -> None:
    add_endpoint(engine, merchant, clock, enabled_events=["*"])

    def a_change_that_fails_after_its_event_was_recorded() -> None:
        with writing(engine) as connection:
            customer = customers.create(connection, merchant, {"name": "Ada"}, clock)
            events.record(
                connection,
                merchant_id=str(merchant.merchant_id),
                type="customer.created",
                data_object=customer,
                clock=clock,
            )
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        a_change_that_fails_after_its_event_was_recorded()
    assert count(engine, event_rows) == 0
    assert count(engine, webhook_deliveries) == 0
    assert count(engine, jobs) == 0


def test_an_event_shows_in_stripes_shape(
    engine: Engine, clock: ManualClock, merchant: Caller
) -> None:
    with writing(engine) as connection:
        event_id = events.record(
            connection,
            merchant_id=str(merchant.merchant_id),
            type="customer.updated",
            data_object={"id": "cus_1", "object": "customer", "name": "Ada Lovelace"},
            previous_attributes={"name": "Ada"},
            request_id="req_1",
            idempotency_key="rename-1",
            clock=clock,
        )
    with reading(engine) as connection:
        shown = events.retrieve(connection, merchant, event_id)
    assert shown == {
        "id": event_id,
        "object": "event",
        "api_version": None,
        "created": int(clock.now().timestamp()),
        "data": {
            "object": {"id": "cus_1", "object": "customer", "name": "Ada Lovelace"},
            "previous_attributes": {"name": "Ada"},
        },
        "livemode": False,
        "pending_webhooks": 0,
        "request": {"id": "req_1", "idempotency_key": "rename-1"},
        "type": "customer.updated",
    }


def test_a_malformed_event_type_is_a_programming_error(
    engine: Engine, clock: ManualClock, merchant: Caller
) -> None:
    with pytest.raises(ValueError, match="not an event type"), writing(engine) as connection:
        events.record(
            connection,
            merchant_id=str(merchant.merchant_id),
            type="Customer Created",
            data_object={},
            clock=clock,
        )
