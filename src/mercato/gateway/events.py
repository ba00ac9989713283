"""Events: what happened to a merchant's objects (Stripe's ``event`` object), and the
webhook deliveries each one causes.

``record`` is called by every use case that changes something a merchant may want to hear
about, in that use case's own transaction. It writes the event and, for each of the
merchant's enabled endpoints that wants the event's type, a delivery and the outbox job that
will send it. So an event exists, with its deliveries scheduled, if and only if the change
that caused it was committed; a change rolled back leaves neither event nor job.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato import outbox
from mercato.clock import Clock
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.gateway.tables import events, webhook_deliveries, webhook_endpoints
from mercato.mail.owed import owe_receipt

DELIVER = "webhook.deliver"
"""The outbox job kind that sends one delivery (``gateway.webhooks`` handles it)."""

EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
"""``charge.succeeded``, ``checkout.session.completed``: dotted lowercase words."""

# Deliveries that count in ``pending_webhooks``: as Stripe counts them, every one not (yet)
# delivered, given-up ones included; those cancelled with their endpoint do not count.
_UNDELIVERED = ("pending", "failed")


def wants(enabled_events: list[str], event_type: str) -> bool:
    """Whether an endpoint with these ``enabled_events`` is sent an event of this type."""
    return "*" in enabled_events or event_type in enabled_events


def record(
    connection: Connection,
    *,
    merchant_id: str,
    type: str,  # Stripe's name for it
    data_object: dict[str, Any],
    previous_attributes: dict[str, Any] | None = None,
    request_id: str | None = None,
    idempotency_key: str | None = None,
    clock: Clock,
) -> str:
    """Record an event in the caller's transaction and schedule its webhooks; returns its id."""
    if not EVENT_TYPE.match(type) or len(type) > 100:
        raise ValueError(f"not an event type: {type!r}")
    now = clock.now()
    event_id = new_id("evt")
    data: dict[str, Any] = {"object": data_object}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    connection.execute(
        sa.insert(events).values(
            id=event_id,
            merchant_id=merchant_id,
            type=type,
            api_version=None,
            data=data,
            request_id=request_id,
            idempotency_key=idempotency_key,
            created_at=now,
        )
    )
    e = webhook_endpoints.c
    endpoints = connection.execute(
        sa.select(e.id, e.enabled_events)
        .where(e.merchant_id == merchant_id, e.status == "enabled", e.deleted_at.is_(None))
        .order_by(e.id)
    ).all()
    for endpoint in endpoints:
        if not wants(endpoint.enabled_events, type):
            continue
        delivery_id = new_id("whd")
        connection.execute(
            sa.insert(webhook_deliveries).values(
                id=delivery_id,
                merchant_id=merchant_id,
                event_id=event_id,
                endpoint_id=endpoint.id,
                status="pending",
                attempt_count=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        outbox.enqueue(connection, DELIVER, {"delivery_id": delivery_id}, due_at=now)
    # The customer's receipt, owed by a payment's event, in the same transaction (mail.owed).
    owe_receipt(
        connection, merchant_id=merchant_id, event_type=type, data_object=data_object, now=now
    )
    return event_id


def _pending_webhooks() -> sa.ScalarSelect[int]:
    d = webhook_deliveries.c
    return (
        sa.select(sa.func.count())
        .select_from(webhook_deliveries)
        .where(d.event_id == events.c.id, d.status.in_(_UNDELIVERED))
        .correlate(events)
        .scalar_subquery()
    )


def query() -> sa.Select[Any]:
    """Events with their ``pending_webhooks``: the rows ``to_object`` expects."""
    return sa.select(events, _pending_webhooks().label("pending_webhooks"))


def to_object(row: Any) -> dict[str, Any]:
    """The event as the API shows it (and as webhooks carry it).

    ``pending_webhooks`` comes from rows of ``query()``; a bare row of the table shows 0."""
    return {
        "id": row.id,
        "object": "event",
        "api_version": row.api_version,
        "created": int(row.created_at.timestamp()),
        "data": row.data,
        "livemode": False,
        "pending_webhooks": getattr(row, "pending_webhooks", 0) or 0,
        "request": {"id": row.request_id, "idempotency_key": row.idempotency_key},
        "type": row.type,
    }


Seconds = Annotated[int, Field(ge=0, le=32_503_679_999)]  # Unix time, before the year 3000


class Created(Params):
    gt: Seconds | None = None
    gte: Seconds | None = None
    lt: Seconds | None = None
    lte: Seconds | None = None


class EventListParams(ListParams):
    type: str | None = Field(default=None, max_length=100)
    types: list[str] | None = Field(default=None, max_length=20)
    created: Seconds | Created | None = None
    delivery_success: bool | None = None


def _at(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _created_filter(created: int | Created) -> list[sa.ColumnElement[bool]]:
    at = events.c.created_at
    if isinstance(created, int):
        return [at >= _at(created), at < _at(created + 1)]
    bounds = []
    if created.gt is not None:
        bounds.append(at >= _at(created.gt + 1))  # whole seconds, as ``created`` shows them
    if created.gte is not None:
        bounds.append(at >= _at(created.gte))
    if created.lt is not None:
        bounds.append(at < _at(created.lt))
    if created.lte is not None:
        bounds.append(at < _at(created.lte + 1))
    return bounds


def _type_filter(pattern: str) -> sa.ColumnElement[bool]:
    """``charge.succeeded``, or a group with ``*`` as a wildcard: ``charge.*``."""
    if "*" not in pattern:
        return events.c.type == pattern
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return events.c.type.like(escaped.replace("*", "%"), escape="\\")


def retrieve(connection: Connection, caller: Caller, event_id: str) -> dict[str, Any]:
    row = connection.execute(
        query().where(events.c.id == event_id, events.c.merchant_id == caller.merchant_id)
    ).first()
    if row is None:
        raise ResourceMissing("event", event_id)
    return to_object(row)


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's events, newest first, by ``type`` (or ``types``), ``created`` and
    ``delivery_success``."""
    given = parse(EventListParams, params)
    if given.type is not None and given.types is not None:
        raise InvalidRequest(
            "You may only specify one of these parameters: type, types.", param="types"
        )
    selected = query().where(events.c.merchant_id == caller.merchant_id)
    if given.type is not None:
        selected = selected.where(_type_filter(given.type))
    if given.types is not None:
        selected = selected.where(events.c.type.in_(given.types))
    if given.created is not None:
        selected = selected.where(*_created_filter(given.created))
    if given.delivery_success is not None:
        pending = _pending_webhooks()
        selected = selected.where(pending == 0 if given.delivery_success else pending > 0)
    rows, has_more = page(selected, events.c.id, given, lambda q: connection.execute(q).all())
    return list_object("/v1/events", [to_object(row) for row in rows], has_more)
