"""Customers: the people a merchant charges, saved with their details (Stripe's
``customer`` object). Each belongs to one merchant; another merchant's id is a 404."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import EmailStr, Field
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import events
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.errors import ResourceMissing
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse
from mercato.gateway.tables import customers


class Address(Params):
    city: str | None = None
    country: str | None = Field(default=None, max_length=2)
    line1: str | None = None
    line2: str | None = None
    postal_code: str | None = None
    state: str | None = None


class Shipping(Params):
    address: Address
    name: str
    phone: str | None = None


class CustomerParams(Params):
    email: EmailStr | None = None
    name: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=350)
    phone: str | None = Field(default=None, max_length=40)
    address: Address | None = None
    shipping: Shipping | None = None
    metadata: dict[str, Any] | str | None = None
    expand: list[str] = Field(default_factory=list)


class CustomerListParams(ListParams):
    email: str | None = None


def to_object(row: Any) -> dict[str, Any]:
    """The customer as the API shows it."""
    if row.deleted_at is not None:
        return {"id": row.id, "object": "customer", "deleted": True}
    return {
        "id": row.id,
        "object": "customer",
        "address": row.address,
        "balance": 0,
        "created": int(row.created_at.timestamp()),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": row.description,
        "email": row.email,
        "invoice_prefix": None,
        "livemode": False,
        "metadata": row.metadata,
        "name": row.name,
        "phone": row.phone,
        "preferred_locales": [],
        "shipping": row.shipping,
        "tax_exempt": "none",
        "test_clock": None,
    }


def _blank_to_none(value: str | None) -> str | None:
    return value or None


def _find(connection: Connection, caller: Caller, customer_id: str) -> Any:
    row = connection.execute(
        sa.select(customers).where(
            customers.c.id == customer_id, customers.c.merchant_id == caller.merchant_id
        )
    ).first()
    if row is None:
        raise ResourceMissing("customer", customer_id)
    return row


def create(
    connection: Connection, caller: Caller, params: dict[str, Any], clock: Clock
) -> dict[str, Any]:
    given = parse(CustomerParams, params)
    customer_id = new_id("cus")
    connection.execute(
        sa.insert(customers).values(
            id=customer_id,
            merchant_id=caller.merchant_id,
            email=_blank_to_none(given.email),
            name=_blank_to_none(given.name),
            description=_blank_to_none(given.description),
            phone=_blank_to_none(given.phone),
            address=given.address.model_dump() if given.address else None,
            shipping=given.shipping.model_dump() if given.shipping else None,
            metadata=metadata_rules.merged({}, given.metadata),
            created_at=clock.now(),
        )
    )
    created = to_object(_find(connection, caller, customer_id))
    _announce(connection, caller, "customer.created", created, clock)
    return created


def _announce(
    connection: Connection,
    caller: Caller,
    kind: str,
    customer: dict[str, Any],
    clock: Clock,
    *,
    previous: dict[str, Any] | None = None,
) -> None:
    assert caller.merchant_id is not None
    events.record(
        connection,
        merchant_id=caller.merchant_id,
        type=kind,
        data_object=customer,
        previous_attributes=previous,
        clock=clock,
    )


def retrieve(connection: Connection, caller: Caller, customer_id: str) -> dict[str, Any]:
    return to_object(_find(connection, caller, customer_id))


def update(
    connection: Connection,
    caller: Caller,
    customer_id: str,
    params: dict[str, Any],
    clock: Clock,
) -> dict[str, Any]:
    given = parse(CustomerParams, params)
    row = _find(connection, caller, customer_id)
    if row.deleted_at is not None:
        raise ResourceMissing("customer", customer_id)
    changes: dict[str, Any] = {}
    for name in ("email", "name", "description", "phone"):
        if name in given.model_fields_set:
            changes[name] = _blank_to_none(getattr(given, name))
    for name in ("address", "shipping"):
        if name in given.model_fields_set:
            value = getattr(given, name)
            changes[name] = value.model_dump() if value else None
    if "metadata" in given.model_fields_set:
        changes["metadata"] = metadata_rules.merged(row.metadata, given.metadata)
    if not changes:
        return to_object(row)
    before = to_object(row)
    connection.execute(sa.update(customers).where(customers.c.id == row.id).values(**changes))
    after = to_object(_find(connection, caller, customer_id))
    previous = {key: before[key] for key in after if after[key] != before.get(key)}
    _announce(connection, caller, "customer.updated", after, clock, previous=previous)
    return after


def delete(
    connection: Connection, caller: Caller, customer_id: str, clock: Clock
) -> dict[str, Any]:
    row = _find(connection, caller, customer_id)
    if row.deleted_at is None:
        before = to_object(row)
        connection.execute(
            sa.update(customers).where(customers.c.id == row.id).values(deleted_at=clock.now())
        )
        _announce(connection, caller, "customer.deleted", before, clock)
    return {"id": customer_id, "object": "customer", "deleted": True}


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    given = parse(CustomerListParams, params)
    query = sa.select(customers).where(
        customers.c.merchant_id == caller.merchant_id, customers.c.deleted_at.is_(None)
    )
    if given.email:
        query = query.where(customers.c.email == given.email)
    rows, has_more = page(query, customers.c.id, given, lambda q: connection.execute(q).all())
    return list_object("/v1/customers", [to_object(row) for row in rows], has_more)
