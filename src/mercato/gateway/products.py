"""Products: what a merchant sells (Stripe's ``product`` object), the catalog's source of
truth. A product's prices are ``prices``; a variant of the shop (a size, a colour) is a
price or a product of its own, told apart by metadata. Each product belongs to one merchant;
another merchant's id is a 404, and so is a deleted product.

A product is deleted only while it has no prices, as Stripe allows; one with prices is
archived instead (``active=false``).
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from mercato.clock import Clock
from mercato.gateway import catalog_records as records
from mercato.gateway import metadata as metadata_rules
from mercato.gateway.catalog_tables import prices, products
from mercato.gateway.charges import created_filter
from mercato.gateway.errors import InvalidRequest
from mercato.gateway.events import Created
from mercato.gateway.merchants import Caller
from mercato.gateway.pagination import ListParams, list_object, page
from mercato.gateway.params import Params, parse

EXPANDABLE = frozenset({"default_price"})


class DefaultPriceData(records.PriceAmount):
    """The product's first price, made with it and set as its ``default_price``."""


class _Described(Params):
    description: str | None = Field(default=None, max_length=5000)
    images: list[str] | Literal[""] | None = None
    metadata: dict[str, Any] | str | None = None
    shippable: bool | None = None
    statement_descriptor: str | None = Field(default=None, max_length=22)
    tax_code: str | None = None
    unit_label: str | None = Field(default=None, max_length=12)
    url: str | None = Field(default=None, max_length=2048)
    expand: list[str] = Field(default_factory=list)


class CreateParams(_Described):
    name: str = Field(min_length=1, max_length=250)
    active: bool = True
    default_price_data: DefaultPriceData | None = None


class UpdateParams(_Described):
    name: str | None = Field(default=None, min_length=1, max_length=250)
    active: bool | None = None
    default_price: str | None = Field(
        default=None, description="One of this product's active prices; empty to unset."
    )


class RetrieveParams(Params):
    expand: list[str] = Field(default_factory=list)


class ProductListParams(ListParams):
    active: bool | None = None
    ids: list[str] | None = Field(default=None, max_length=100)
    created: int | Created | None = None
    shippable: bool | None = None
    url: str | None = None


def _described(given: _Described) -> dict[str, Any]:
    """The columns that the parameters set, checked, for a create or an update."""
    values: dict[str, Any] = {}
    fields = given.model_fields_set
    if "description" in fields:
        values["description"] = records.blank_to_none(given.description)
    if "images" in fields:
        values["images"] = records.images(given.images)
    if "shippable" in fields:
        values["shippable"] = given.shippable
    if "statement_descriptor" in fields:
        values["statement_descriptor"] = records.statement_descriptor(given.statement_descriptor)
    if "tax_code" in fields:
        values["tax_code"] = records.tax_code(given.tax_code)
    if "unit_label" in fields:
        values["unit_label"] = records.blank_to_none(given.unit_label)
    if "url" in fields:
        values["url"] = records.web_url(given.url, param="url")
    return values


def create(
    connection: Connection, caller: Caller, params: dict[str, Any], clock: Clock
) -> dict[str, Any]:
    given = parse(CreateParams, params)
    expand = records.expansions(given.expand, EXPANDABLE, listing=False)
    values = {"images": [], **_described(given)}
    amount = None
    if given.default_price_data is not None:
        amount = records.unit_amount(given.default_price_data, prefix="default_price_data")
    row = records.insert_product(
        connection,
        caller,
        clock,
        name=given.name,
        active=given.active,
        metadata=metadata_rules.merged({}, given.metadata),
        **values,
    )
    price = None
    if amount is not None:
        assert given.default_price_data is not None
        currency, unit_amount = amount
        price = records.insert_price(
            connection,
            caller,
            clock,
            product_id=row.id,
            currency=currency,
            unit_amount=unit_amount,
            tax_behavior=given.default_price_data.tax_behavior,
        )
        connection.execute(
            sa.update(products).where(products.c.id == row.id).values(default_price_id=price.id)
        )
        row = records.find_product(connection, caller, row.id)
    records.announce(
        connection, caller, "product.created", records.product_object(connection, row), clock
    )
    if price is not None:
        records.announce(
            connection, caller, "price.created", records.price_object(connection, price), clock
        )
    return records.product_object(connection, row, expand)


def retrieve(
    connection: Connection, caller: Caller, product_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    given = parse(RetrieveParams, params)
    expand = records.expansions(given.expand, EXPANDABLE, listing=False)
    return records.product_object(
        connection, records.find_product(connection, caller, product_id), expand
    )


def _default_price(connection: Connection, caller: Caller, product: Any, price_id: str) -> str:
    """``price_id`` checked as the product's default: one of its own prices, active."""
    price = records.find_price(connection, caller, price_id, param="default_price")
    if price.product_id != product.id:
        raise InvalidRequest(
            f"The price {price_id} belongs to another product, not to {product.id}.",
            param="default_price",
        )
    if not price.active:
        raise InvalidRequest(
            f"The price {price_id} is archived (active=false) and cannot be the default price.",
            param="default_price",
        )
    return str(price.id)


def update(
    connection: Connection,
    caller: Caller,
    product_id: str,
    params: dict[str, Any],
    clock: Clock,
) -> dict[str, Any]:
    given = parse(UpdateParams, params)
    expand = records.expansions(given.expand, EXPANDABLE, listing=False)
    row = records.find_product(connection, caller, product_id, lock=True)
    changes = _described(given)
    if given.name is not None:
        changes["name"] = given.name
    if given.active is not None:
        changes["active"] = given.active
    if "default_price" in given.model_fields_set:
        changes["default_price_id"] = (
            _default_price(connection, caller, row, given.default_price)
            if given.default_price
            else None
        )
    if "metadata" in given.model_fields_set:
        changes["metadata"] = metadata_rules.merged(row.metadata, given.metadata)
    changes = {name: value for name, value in changes.items() if row._mapping[name] != value}
    if changes:
        before = records.product_object(connection, row)
        connection.execute(
            sa.update(products)
            .where(products.c.id == row.id)
            .values(**changes, updated_at=clock.now())
        )
        row = records.find_product(connection, caller, product_id)
        after = records.product_object(connection, row)
        records.announce(
            connection,
            caller,
            "product.updated",
            after,
            clock,
            previous=records.changed(before, after),
        )
    return records.product_object(connection, row, expand)


def delete(connection: Connection, caller: Caller, product_id: str, clock: Clock) -> dict[str, Any]:
    """Delete a product that has no prices; one with prices can only be archived."""
    row = records.find_product(connection, caller, product_id, lock=True)
    has_prices = connection.execute(
        sa.select(prices.c.id).where(prices.c.product_id == row.id).limit(1)
    ).first()
    if has_prices is not None:
        raise InvalidRequest(
            "This product cannot be deleted because it has one or more user-created prices. "
            "Archive it instead by setting active to false."
        )
    before = records.product_object(connection, row)
    now = clock.now()
    connection.execute(
        sa.update(products).where(products.c.id == row.id).values(deleted_at=now, updated_at=now)
    )
    records.announce(connection, caller, "product.deleted", before, clock)
    return {"id": row.id, "object": "product", "deleted": True}


def list_(connection: Connection, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The merchant's products, newest first, by ``active``, ``ids``, ``created``,
    ``shippable`` and ``url``."""
    given = parse(ProductListParams, params)
    expand = records.expansions(given.expand, EXPANDABLE, listing=True)
    if given.ids is not None and (given.starting_after or given.ending_before):
        raise InvalidRequest(
            "ids cannot be used with starting_after or ending_before.", param="ids"
        )
    query = sa.select(products).where(
        products.c.merchant_id == caller.merchant_id, products.c.deleted_at.is_(None)
    )
    if given.active is not None:
        query = query.where(products.c.active == given.active)
    if given.ids is not None:
        query = query.where(products.c.id.in_(given.ids))
    if given.created is not None:
        query = query.where(*created_filter(products.c.created_at, given.created))
    if given.shippable is not None:
        query = query.where(products.c.shippable == given.shippable)
    if given.url is not None:
        query = query.where(products.c.url == given.url)
    rows, has_more = page(query, products.c.id, given, lambda q: connection.execute(q).all())
    data = [records.product_object(connection, row, expand) for row in rows]
    return list_object("/v1/products", data, has_more)
