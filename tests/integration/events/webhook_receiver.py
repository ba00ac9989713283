"""A merchant's server receiving webhooks, and the steps the event tests repeat."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import stripe
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import reading, writing
from mercato.gateway import events, webhooks
from mercato.gateway.merchants import Caller
from mercato.gateway.tables import webhook_attempts, webhook_deliveries


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]
    event: stripe.Event | None  # None when the signature did not verify


@dataclass
class Receiver:
    """A merchant's webhook endpoint: an HTTP server on 127.0.0.1 in a thread. It verifies
    each request with ``stripe.Webhook.construct_event`` (answering 400 if that fails), then
    answers the next status of ``answers``, or ``usual_answer`` when they run out."""

    url: str = ""
    secret: str = ""
    answers: list[int] = field(default_factory=list)
    usual_answer: int = 200
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        try:
            event = stripe.Webhook.construct_event(
                body.decode(), headers.get("stripe-signature", ""), self.secret
            )
        except (stripe.SignatureVerificationError, ValueError):
            event = None
        with self.lock:
            self.received.append(Received(body, headers, event))
            if event is None:
                return 400
            return self.answers.pop(0) if self.answers else self.usual_answer

    def event_ids(self) -> list[str]:
        with self.lock:
            return [r.event.id for r in self.received if r.event is not None]


def add_endpoint(
    engine: Engine,
    merchant: Caller,
    clock: ManualClock,
    url: str = "https://example.com/hooks",
    enabled_events: list[str] | None = None,
) -> dict[str, Any]:
    params = {"url": url, "enabled_events": enabled_events or ["*"]}
    with writing(engine) as connection:
        return webhooks.create(connection, merchant, params, clock)


def record(engine: Engine, merchant: Caller, clock: ManualClock, type: str) -> str:
    with writing(engine) as connection:
        return events.record(
            connection,
            merchant_id=str(merchant.merchant_id),
            type=type,
            data_object={"id": "cus_1", "object": "customer", "name": "Ada"},
            clock=clock,
        )


def delivery_of(engine: Engine, event_id: str) -> Any:
    with reading(engine) as connection:
        return connection.execute(
            sa.select(webhook_deliveries).where(webhook_deliveries.c.event_id == event_id)
        ).one()


def attempts_of(engine: Engine, delivery_id: str) -> list[Any]:
    a = webhook_attempts.c
    with reading(engine) as connection:
        return list(
            connection.execute(
                sa.select(webhook_attempts).where(a.delivery_id == delivery_id).order_by(a.id)
            ).all()
        )
