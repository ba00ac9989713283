"""What products' and prices' use cases share: their rows and API objects, the rules a
price's amount obeys, lookup keys, and their events.

Both ``products`` and ``prices`` import this module; it imports neither. Products and prices
refer to each other (a price's ``product``, a product's ``default_price``), so every write
that touches a product and its prices takes the product's row lock first
(``find_product(..., lock=True)``) and only then changes prices. Under that lock a product
is never deleted while a price is being added to it, and a price is never archived while it
is being made its product's default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from mercato.clock import Clock
from mercato.gateway import events
from mercato.gateway.catalog_tables import prices, products
from mercato.gateway.errors import InvalidRequest, ResourceMissing
from mercato.gateway.ids import new_id
from mercato.gateway.merchants import Caller
from mercato.gateway.params import MinorUnits, Params
from mercato.gateway.payment_intents import MAX_AMOUNT
from mercato.money import Currency, Money, UnknownCurrency

TaxBehavior = Literal["inclusive", "exclusive", "unspecified"]

MAX_IMAGES = 8
MAX_URL_LENGTH = 2048
_TAX_CODE = re.compile(r"txcd_[0-9]{8}", re.ASCII)
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
_DESCRIPTOR_FORBIDDEN = set("<>\\'\"*")


# Parameters both use cases take -------------------------------------------------------------


class PriceAmount(Params):
    """What a price costs: ``price`` create, ``default_price_data`` of a product."""

    currency: str
    unit_amount: MinorUnits | None = Field(
        default=None, description="In the currency's minor unit: 2500 is 25.00 EUR."
    )
    unit_amount_decimal: str | None = Field(
        default=None, description="unit_amount as text; whole minor units only."
    )
    tax_behavior: TaxBehavior | None = None
    recurring: Any = Field(
        default=None, description="Refused: Mercato supports only one-time prices."
    )


class ProductFields(Params):
    """What a product created in passing says about itself (``product_data`` of a price)."""

    name: str = Field(min_length=1, max_length=250)
    active: bool = True
    metadata: dict[str, Any] | str | None = None
    statement_descriptor: str | None = Field(default=None, max_length=22)
    tax_code: str | None = None
    unit_label: str | None = Field(default=None, max_length=12)


# Checking values ------------------------------------------------------------------------------


def blank_to_none(value: str | None) -> str | None:
    return value or None


def currency_code(currency: str, *, param: str = "currency") -> Currency:
    try:
        return Currency.of(currency)
    except UnknownCurrency:
        raise InvalidRequest(f"Invalid currency: {currency}.", param=param) from None


def unit_amount(given: PriceAmount, *, prefix: str = "") -> tuple[str, int]:
    """The price's currency (lower case) and amount in whole minor units, or an error that
    names the parameter as the client wrote it (``default_price_data[unit_amount]``)."""

    def name(param: str) -> str:
        return f"{prefix}[{param}]" if prefix else param

    if given.recurring is not None:
        raise InvalidRequest(
            "Mercato supports only one-time prices: recurring prices (subscriptions) are not "
            "available. Leave out recurring.",
            param=name("recurring"),
        )
    currency = currency_code(given.currency, param=name("currency"))
    if given.unit_amount is not None and given.unit_amount_decimal is not None:
        raise InvalidRequest(
            "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
            param=name("unit_amount_decimal"),
        )
    if given.unit_amount is not None:
        amount, param = given.unit_amount, name("unit_amount")
    elif given.unit_amount_decimal is not None:
        amount, param = _whole_minor_units(given.unit_amount_decimal, currency, name)
    else:
        raise InvalidRequest(
            "Missing required param: unit_amount.",
            code="parameter_missing",
            param=name("unit_amount"),
        )
    if amount < 0:
        raise InvalidRequest(
            "This value must be greater than or equal to 0.",
            code="parameter_invalid_integer",
            param=param,
        )
    if amount > MAX_AMOUNT:
        most = Money.of_minor(MAX_AMOUNT, currency)
        raise InvalidRequest(
            f"Amount must be no more than {MAX_AMOUNT} (that is {most}).",
            code="amount_too_large",
            param=param,
        )
    return currency.code.lower(), amount


def _whole_minor_units(text: str, currency: Currency, name: Any) -> tuple[int, str]:
    """``unit_amount_decimal`` as an integer. Stripe allows fractions of a minor unit here;
    Mercato keeps every amount in whole minor units, so "2500" and "2500.00" are 2500, and
    "2500.5" is refused rather than rounded behind the merchant's back."""
    param = name("unit_amount_decimal")
    # Plain digits only: an exponent ("1e999999999") would make a number of a billion digits.
    if len(text) > 40 or not _PLAIN_DECIMAL.fullmatch(text.strip()):
        raise InvalidRequest(f"Invalid decimal: {text:.40}", param=param)
    value = Decimal(text.strip())
    if value != value.to_integral_value():
        raise InvalidRequest(
            f"unit_amount_decimal is in the currency's minor unit ({currency.code} has "
            f"{currency.exponent} decimals), and Mercato prices only in whole minor units: "
            f"{text} has a fraction.",
            param=param,
        )
    return int(value), param


def web_url(value: str | None, *, param: str) -> str | None:
    """An absolute http(s) URL (``url``, an image), or None for a blank one."""
    if not value:
        return None
    if (
        len(value) > MAX_URL_LENGTH
        or not value.startswith(("https://", "http://"))
        or any(char.isspace() or not char.isprintable() for char in value)
    ):
        raise InvalidRequest(f"Not a valid URL: {value:.80}", code="url_invalid", param=param)
    return value


def images(value: list[str] | str | None) -> list[str]:
    if not value:
        return []
    assert isinstance(value, list)
    if len(value) > MAX_IMAGES:
        raise InvalidRequest(f"A product has at most {MAX_IMAGES} images.", param="images")
    for n, url in enumerate(value):
        if web_url(url, param=f"images[{n}]") is None:
            raise InvalidRequest("An image URL cannot be blank.", param=f"images[{n}]")
    return list(value)


def tax_code(value: str | None, *, param: str = "tax_code") -> str | None:
    if not value:
        return None
    if not _TAX_CODE.fullmatch(value):
        raise InvalidRequest(
            f"Invalid tax code: {value:.40}. A tax code is 'txcd_' and 8 digits.", param=param
        )
    return value


def statement_descriptor(value: str | None, *, param: str = "statement_descriptor") -> str | None:
    if not value:
        return None
    if _DESCRIPTOR_FORBIDDEN & set(value) or not any(char.isalpha() for char in value):
        raise InvalidRequest(
            "The statement descriptor needs a letter and may not contain < > \\ ' \" *.",
            param=param,
        )
    return value


def expansions(expand: list[str], allowed: frozenset[str], *, listing: bool) -> frozenset[str]:
    """The paths to expand (``data.`` stripped from a list's), or an error for any other."""
    wanted = set()
    for path in expand:
        bare = path.removeprefix("data.") if listing else path
        if bare not in allowed or (listing and not path.startswith("data.")):
            raise InvalidRequest(f"This property cannot be expanded ({path}).", param="expand")
        wanted.add(bare)
    return frozenset(wanted)


# Rows ----------------------------------------------------------------------------------------


def find_product(
    connection: Connection,
    caller: Caller,
    product_id: str,
    *,
    param: str = "id",
    lock: bool = False,
) -> Any:
    """The merchant's product, or 404 (another merchant's, deleted, or none)."""
    query = sa.select(products).where(
        products.c.id == product_id,
        products.c.merchant_id == caller.merchant_id,
        products.c.deleted_at.is_(None),
    )
    row = connection.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise ResourceMissing("product", product_id, param=param)
    return row


def find_price(connection: Connection, caller: Caller, price_id: str, *, param: str = "id") -> Any:
    row = connection.execute(
        sa.select(prices).where(prices.c.id == price_id, prices.c.merchant_id == caller.merchant_id)
    ).first()
    if row is None:
        raise ResourceMissing("price", price_id, param=param)
    return row


def insert_product(connection: Connection, caller: Caller, clock: Clock, **values: Any) -> Any:
    product_id = new_id("prod")
    now = clock.now()
    connection.execute(
        sa.insert(products).values(
            id=product_id,
            merchant_id=caller.merchant_id,
            created_at=now,
            updated_at=now,
            **values,
        )
    )
    return find_product(connection, caller, product_id)


def insert_price(
    connection: Connection,
    caller: Caller,
    clock: Clock,
    *,
    product_id: str,
    currency: str,
    unit_amount: int,
    tax_behavior: str | None,
    active: bool = True,
    nickname: str | None = None,
    lookup_key: str | None = None,
    metadata: dict[str, str] | None = None,
    lookup_key_param: str = "lookup_key",
) -> Any:
    """A new price of ``product_id``; the caller holds the product's row lock."""
    price_id = new_id("price")
    with claimed_lookup_key(lookup_key, param=lookup_key_param):
        connection.execute(
            sa.insert(prices).values(
                id=price_id,
                merchant_id=caller.merchant_id,
                product_id=product_id,
                active=active,
                currency=currency,
                unit_amount=unit_amount,
                nickname=nickname,
                lookup_key=lookup_key,
                tax_behavior=tax_behavior or "unspecified",
                metadata=metadata or {},
                created_at=clock.now(),
            )
        )
    return find_price(connection, caller, price_id)


@contextmanager
def claimed_lookup_key(key: str | None, *, param: str = "lookup_key") -> Iterator[None]:
    """Around a write that sets a lookup key: a concurrent writer that took the same key
    first makes the unique index refuse this one, which then gets the same error as a key
    found taken beforehand."""
    try:
        yield
    except IntegrityError as error:
        if key is not None and "lookup_key" in str(error.orig):
            raise lookup_key_taken(key, None, param=param) from None
        raise


def lookup_key_taken(key: str, holder: str | None, *, param: str) -> InvalidRequest:
    held_by = f" ({holder})" if holder else ""
    return InvalidRequest(
        f"A price{held_by} already uses the lookup key '{key}'. Pass transfer_lookup_key=true "
        "to move it to this price.",
        code="lookup_key_already_exists",
        param=param,
    )


def make_room_for_lookup_key(
    connection: Connection,
    caller: Caller,
    clock: Clock,
    key: str,
    *,
    transfer: bool,
    keep: str | None = None,
    param: str = "lookup_key",
) -> None:
    """Free ``key`` for a price: taken from the price that has it when ``transfer``, else
    refused. ``keep`` is a price that may already have it (the one being updated)."""
    holder = connection.execute(
        sa.select(prices).where(
            prices.c.merchant_id == caller.merchant_id, prices.c.lookup_key == key
        )
    ).first()
    if holder is None or holder.id == keep:
        return
    if not transfer:
        raise lookup_key_taken(key, holder.id, param=param)
    before = price_object(connection, holder)
    connection.execute(sa.update(prices).where(prices.c.id == holder.id).values(lookup_key=None))
    after = price_object(connection, find_price(connection, caller, holder.id))
    announce(connection, caller, "price.updated", after, clock, previous=changed(before, after))


# Objects and events ------------------------------------------------------------------------


def product_object(
    connection: Connection, row: Any, expand: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The product as the API shows it; ``default_price`` as an object when expanded."""
    default_price: Any = row.default_price_id
    if "default_price" in expand and default_price is not None:
        default_price = price_object(connection, _price_row(connection, default_price))
    return {
        "id": row.id,
        "object": "product",
        "active": row.active,
        "created": int(row.created_at.timestamp()),
        "default_price": default_price,
        "description": row.description,
        "images": row.images,
        "livemode": False,
        "marketing_features": [],
        "metadata": row.metadata,
        "name": row.name,
        "package_dimensions": None,
        "shippable": row.shippable,
        "statement_descriptor": row.statement_descriptor,
        "tax_code": row.tax_code,
        "type": "service",
        "unit_label": row.unit_label,
        "updated": int(row.updated_at.timestamp()),
        "url": row.url,
    }


def price_object(
    connection: Connection, row: Any, expand: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The price as the API shows it; ``product`` as an object when expanded."""
    product: Any = row.product_id
    if "product" in expand:
        found = connection.execute(sa.select(products).where(products.c.id == product)).one()
        product = product_object(connection, found)
    return {
        "id": row.id,
        "object": "price",
        "active": row.active,
        "billing_scheme": "per_unit",
        "created": int(row.created_at.timestamp()),
        "currency": row.currency,
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": row.lookup_key,
        "metadata": row.metadata,
        "nickname": row.nickname,
        "product": product,
        "recurring": None,
        "tax_behavior": row.tax_behavior,
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "one_time",
        "unit_amount": row.unit_amount,
        "unit_amount_decimal": str(row.unit_amount),
    }


def _price_row(connection: Connection, price_id: str) -> Any:
    return connection.execute(sa.select(prices).where(prices.c.id == price_id)).one()


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``previous_attributes`` of an update: what each changed field was before."""
    return {key: before[key] for key in after if after[key] != before.get(key)}


def announce(
    connection: Connection,
    caller: Caller,
    kind: str,
    thing: dict[str, Any],
    clock: Clock,
    *,
    previous: dict[str, Any] | None = None,
) -> None:
    assert caller.merchant_id is not None
    events.record(
        connection,
        merchant_id=caller.merchant_id,
        type=kind,
        data_object=thing,
        previous_attributes=previous,
        clock=clock,
    )
