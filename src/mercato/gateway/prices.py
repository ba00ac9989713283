"""Prices: how much a product costs, in one currency (Stripe's ``price`` object).

Mercato's prices are one-time (``type: one_time``), per unit, in whole minor units of an
ISO 4217 currency: ``recurring`` is refused, and so is a ``unit_amount_decimal`` with a
fraction of a minor unit. What a price costs never changes once it is made (as at Stripe);
a new price replaces it, and the old one is archived (``active=false``). A ``lookup_key``
names one price of a merchant's at a time; ``transfer_lookup_key`` moves it.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import catalog_records as records
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.catalog_tables import prices
from mercato.gateway.charges import created_filter
from mercato.gateway.errors import InvalidRequest
from mercato.gateway.events import Created
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse

EXPANDABLE = frozenset({"product"})


class CreateParams(records.PriceAmount):
    product: str | None = None
    product_data: records.ProductFields | None = None
    active: bool = True
    nickname: str | None = Field(default=None, max_length=250)
    lookup_key: str | None = Field(default=None, max_length=200)
    transfer_lookup_key: bool = False
    billing_scheme: Literal["per_unit"] | None = None
    metadata: dict[str, Any] | str | None = None
    expand: list[str] = Field(default_factory=list)


class UpdateParams(Params):
    active: bool | None = None
    nickname: str | None = Field(default=None, max_length=250)
    lookup_key: str | None = Field(default=None, max_length=200)
    transfer_lookup_key: bool = False
    tax_behavior: records.TaxBehavior | None = Field(
        default=None, description="May be set only while it is unspecified."
    )
    metadata: dict[str, Any] | str | None = None
    expand: list[str] = Field(default_factory=list)


class RetrieveParams(Params):
    expand: list[str] = Field(default_factory=list)


class PriceListParams(ListParams):
    active: bool | None = None
    product: str | None = None
    currency: str | None = None
    lookup_keys: list[str] | None = Field(default=None, max_length=10)
    type: Literal["one_time", "recurring"] | None = None
    created: int | Created | None = None


def _product(connection: Connection, caller: Caller, given: CreateParams, clock: Clock) -> Any:
    """The product the price is for, locked: the one named, or a new one from
    ``product_data``."""
    if given.product is not None and given.product_data is not None:
        raise InvalidRequest(
            "You may only specify one of these parameters: product, product_data.",
            param="product_data",
        )
    if given.product is not None:
        return records.find_product(connection, caller, given.product, param="product", lock=True)
    data = given.product_data
    if data is None:
        raise InvalidRequest(
            "Missing required param: product.", code="parameter_missing", param="product"
        )
    row = records.insert_product(
        connection,
        caller,
        clock,
        name=data.name,
        active=data.active,
        images=[],
        metadata=metadata_rules.merged({}, data.metadata),
        statement_descriptor=records.statement_descriptor(
            data.statement_descriptor, param="product_data[statement_descriptor]"
        ),
        tax_code=records.tax_code(data.tax_code, param="product_data[tax_code]"),
        unit_label=records.blank_to_none(data.unit_label),
    )
    records.announce(
        connection, caller, "product.created", records.product_object(connection, row), clock
    )
    return row


def create(
    connection: Connection, caller: Caller, params: dict[str, Any], clock: Clock
) -> dict[str, Any]:
    given = parse(CreateParams, params)
    expand = records.expansions(given.expand, EXPANDABLE, listing=False)
    currency, unit_amount = records.unit_amount(given)
    metadata = metadata_rules.merged({}, given.metadata)
    product = _product(connection, caller, given, clock)
    lookup_key = given.lookup_key or None
    if lookup_key is not None:
        records.make_room_for_lookup_key(
            connection, caller, clock, lookup_key, transfer=given.transfer_lookup_key
        )
    row = records.insert_price(
        connection,
        caller,
        clock,
        product_id=product.id,
        currency=currency,
        unit_amount=unit_amount,
        tax_behavior=given.tax_behavior,
        active=given.active,
        nickname=records.blank_to_none(given.nickname),
        lookup_key=lookup_key,
        metadata=metadata,
    )
    records.announce(
        connection, caller, "price.created", records.price_object(connection, row), clock
    )
    return records.price_object(connection, row, expand)


def retrieve(
    connection: Connection, caller: Caller, price_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(RetrieveParams, params)
    expand = records.expansions(given.expand, EXPANDABLE, listing=False)
    return records.price_object(
        connection, records.find_price(connection, caller, price_id), expand
    )


def update(
    connection: Connection,
    caller: Caller,
    price_id: str,
    params: dict[str, Any],
    clock: Clock,
) -> dict[str, Any]:
    """Change what may change about a price: never its amount, currency or product."""
    given = parse(UpdateParams, params)
    expand = records.expansions(given.expand, EXPANDABLE, listing=False)
    found = records.find_price(connection, caller, price_id)
    product = records.find_product(connection, caller, found.product_id, lock=True)
    row = records.find_price(connection, caller, price_id)  # as it is under the lock
    changes: dict[str, Any] = {}
    if given.active is not None:
        if not given.active and product.default_price_id == row.id:
            raise InvalidRequest(
                "This price cannot be archived because it is the default price of its product. "
                "Set another default_price on the product, or unset it, first.",
                param="active",
            )
        changes["active"] = given.active
    if "nickname" in given.model_fields_set:
        changes["nickname"] = records.blank_to_none(given.nickname)
    if "metadata" in given.model_fields_set:
        changes["metadata"] = metadata_rules.merged(row.metadata, given.metadata)
    if given.tax_behavior is not None and given.tax_behavior != row.tax_behavior:
        if row.tax_behavior != "unspecified":
            raise InvalidRequest(
                f"This price's tax_behavior is {row.tax_behavior}; once inclusive or "
                "exclusive, it cannot be changed. Create a new price instead.",
                param="tax_behavior",
            )
        changes["tax_behavior"] = given.tax_behavior
    if "lookup_key" in given.model_fields_set:
        lookup_key = given.lookup_key or None
        if lookup_key is not None:
            records.make_room_for_lookup_key(
                connection,
                caller,
                clock,
                lookup_key,
                transfer=given.transfer_lookup_key,
                keep=row.id,
            )
        changes["lookup_key"] = lookup_key
    before = records.price_object(connection, row)
    if changes:
        with records.claimed_lookup_key(changes.get("lookup_key")):
            connection.execute(sa.update(prices).where(prices.c.id == row.id).values(**changes))
        row = records.find_price(connection, caller, price_id)
    after = records.price_object(connection, row)
    previous = records.changed(before, after)
    if previous:
        records.announce(connection, caller, "price.updated", after, clock, previous=previous)
    return records.price_object(connection, row, expand)


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's prices, newest first, by ``active``, ``product``, ``currency``,
    ``lookup_keys``, ``type`` and ``created``."""
    given = parse(PriceListParams, params)
    expand = records.expansions(given.expand, EXPANDABLE, listing=True)
    query = sa.select(prices).where(prices.c.merchant_id == caller.merchant_id)
    if given.active is not None:
        query = query.where(prices.c.active == given.active)
    if given.product is not None:
        query = query.where(prices.c.product_id == given.product)
    if given.currency is not None:
        query = query.where(prices.c.currency == given.currency.lower())
    if given.lookup_keys is not None:
        query = query.where(prices.c.lookup_key.in_(given.lookup_keys))
    if given.type == "recurring":  # every price here is one-time
        query = query.where(sa.false())
    if given.created is not None:
        query = query.where(*created_filter(prices.c.created_at, given.created))
    rows, has_more = page(query, prices.c.id, given, lambda q: connection.execute(q).all())
    data = [records.price_object(connection, row, expand) for row in rows]
    return list_object("/v1/prices", data, has_more)
