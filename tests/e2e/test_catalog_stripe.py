"""The official ``stripe`` package, unchanged, against the running demo: Products and
Prices, the catalog a shop sells from."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import stripe
from running_demo import RunningDemo
from stripe_client import as_merchant


@pytest.fixture
def merchant(shared_demo: RunningDemo) -> Iterator[dict[str, str]]:
    """A merchant of the demo, and the stripe package pointed at the demo with its key."""
    made = shared_demo.create_merchant("Kleiderei Berlin", country="DE", currency="eur")
    with as_merchant(shared_demo, made):
        yield made


def test_a_shop_puts_a_tshirt_on_sale_at_25_euros(merchant: dict[str, str]) -> None:
    product = stripe.Product.create(
        name="T-shirt",
        description="Comfortable grey cotton t-shirt",
        images=["https://shop.example/img/tshirt.png"],
        metadata={"sku": "TS-GREY"},
    )
    assert isinstance(product, stripe.Product)
    assert product.id.startswith("prod_")
    assert (product.name, product.active, product.default_price) == ("T-shirt", True, None)

    price = stripe.Price.create(product=product.id, unit_amount=2500, currency="eur")
    assert isinstance(price, stripe.Price)
    assert price.id.startswith("price_")
    assert (price.product, price.unit_amount, price.currency) == (product.id, 2500, "eur")
    # The package reads unit_amount_decimal as a Decimal, from the string Stripe sends.
    assert price.unit_amount_decimal == Decimal("2500")
    assert (price.type, price.recurring) == ("one_time", None)
    assert (price.active, price.tax_behavior, price.livemode) == (True, "unspecified", False)

    with_product = stripe.Price.retrieve(price.id, expand=["product"])
    assert isinstance(with_product.product, stripe.Product)
    assert with_product.product.metadata["sku"] == "TS-GREY"


def test_a_product_made_with_its_default_price(merchant: dict[str, str]) -> None:
    product = stripe.Product.create(
        name="Hoodie",
        default_price_data={"currency": "eur", "unit_amount": 4900, "tax_behavior": "inclusive"},
        expand=["default_price"],
    )
    assert isinstance(product.default_price, stripe.Price)
    assert (product.default_price.unit_amount, product.default_price.tax_behavior) == (
        4900,
        "inclusive",
    )
    assert stripe.Product.retrieve(product.id).default_price == product.default_price.id


def test_sizes_are_prices_found_by_product_and_lookup_key(merchant: dict[str, str]) -> None:
    tee = stripe.Product.create(name="T-shirt")
    mug = stripe.Product.create(name="Mug")
    small = stripe.Price.create(
        product=tee.id, unit_amount=2300, currency="eur", metadata={"size": "S"}
    )
    large = stripe.Price.create(
        product=tee.id,
        unit_amount=2800,
        currency="eur",
        metadata={"size": "L"},
        lookup_key="tshirt-l",
    )
    stripe.Price.create(product=mug.id, unit_amount=1200, currency="eur")

    sizes = stripe.Price.list(product=tee.id, active=True)
    assert [(p.metadata["size"], p.unit_amount) for p in sizes.data] == [("L", 2800), ("S", 2300)]
    assert [p.id for p in stripe.Price.list(lookup_keys=["tshirt-l"]).data] == [large.id]

    cheaper = stripe.Price.create(
        product=tee.id,
        unit_amount=2600,
        currency="eur",
        lookup_key="tshirt-l",
        transfer_lookup_key=True,
    )
    assert [p.id for p in stripe.Price.list(lookup_keys=["tshirt-l"]).data] == [cheaper.id]
    stripe.Price.modify(small.id, active=False)
    assert [p.id for p in stripe.Price.list(product=tee.id, active=False).data] == [small.id]
    every = [p.id for p in stripe.Price.list(limit=1).auto_paging_iter()]
    assert len(every) == 4
    assert every[0] == cheaper.id


def test_products_list_newest_first_and_by_ids(merchant: dict[str, str]) -> None:
    made = [stripe.Product.create(name=f"product {n}").id for n in range(4)]
    stripe.Product.modify(made[0], active=False)
    assert [p.id for p in stripe.Product.list(limit=2).auto_paging_iter()] == made[::-1]
    assert [p.id for p in stripe.Product.list(active=False).data] == [made[0]]
    assert [p.id for p in stripe.Product.list(ids=[made[1], made[3]]).data] == [made[3], made[1]]


def test_a_product_with_prices_is_archived_not_deleted(merchant: dict[str, str]) -> None:
    unsold = stripe.Product.create(name="Never sold")
    deleted = stripe.Product.delete(unsold.id)
    assert (deleted.id, deleted.deleted) == (unsold.id, True)
    with pytest.raises(stripe.InvalidRequestError) as gone:
        stripe.Product.retrieve(unsold.id)
    assert gone.value.http_status == 404

    sold = stripe.Product.create(
        name="Sold", default_price_data={"currency": "eur", "unit_amount": 1000}
    )
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Product.delete(sold.id)
    assert "one or more user-created prices" in str(refused.value)
    with pytest.raises(stripe.InvalidRequestError) as default:
        stripe.Price.modify(sold.default_price, active=False)
    assert default.value.param == "active"
    stripe.Product.modify(sold.id, default_price="", active=False)
    assert stripe.Price.modify(sold.default_price, active=False).active is False
    assert stripe.Product.retrieve(sold.id).active is False


def test_another_merchants_catalog_does_not_exist_for_me(
    shared_demo: RunningDemo, merchant: dict[str, str]
) -> None:
    product = stripe.Product.create(
        name="mine", default_price_data={"currency": "eur", "unit_amount": 500}
    )
    other = shared_demo.create_merchant("Someone Else Inc")["secret_key"]
    for attempt in (
        lambda: stripe.Product.retrieve(product.id, api_key=other),
        lambda: stripe.Price.retrieve(product.default_price, api_key=other),
        lambda: stripe.Price.create(
            product=product.id, unit_amount=1, currency="eur", api_key=other
        ),
    ):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            attempt()
        assert (refused.value.http_status, refused.value.code) == (404, "resource_missing")
    assert stripe.Product.list(api_key=other).data == []


def test_a_subscription_price_is_refused_naming_recurring(merchant: dict[str, str]) -> None:
    product = stripe.Product.create(name="Magazine")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Price.create(
            product=product.id, unit_amount=900, currency="eur", recurring={"interval": "month"}
        )
    assert refused.value.param == "recurring"
    assert "only one-time prices" in str(refused.value)


@pytest.mark.parametrize(
    ("amount", "currency", "param", "code"),
    [
        (-1, "eur", "unit_amount", "parameter_invalid_integer"),
        (100_000_000, "eur", "unit_amount", "amount_too_large"),
        (100, "zzz", "currency", None),
    ],
)
def test_a_bad_amount_is_refused_naming_its_parameter(
    merchant: dict[str, str], amount: int, currency: str, param: str, code: str | None
) -> None:
    product = stripe.Product.create(name="Socks")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Price.create(product=product.id, unit_amount=amount, currency=currency)
    assert (refused.value.http_status, refused.value.param, refused.value.code) == (
        400,
        param,
        code,
    )
    assert stripe.Price.list(product=product.id).data == []


def test_a_retried_create_with_the_same_idempotency_key_makes_one_price(
    merchant: dict[str, str],
) -> None:
    product = stripe.Product.create(name="Scarf")
    first = stripe.Price.create(
        product=product.id, unit_amount=1900, currency="eur", idempotency_key="scarf-price"
    )
    again = stripe.Price.create(
        product=product.id, unit_amount=1900, currency="eur", idempotency_key="scarf-price"
    )
    assert again.id == first.id
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    assert len(stripe.Price.list(product=product.id).data) == 1
    with pytest.raises(stripe.IdempotencyError):
        stripe.Price.create(
            product=product.id, unit_amount=2900, currency="eur", idempotency_key="scarf-price"
        )


def test_changes_to_the_catalog_are_events(merchant: dict[str, str]) -> None:
    product = stripe.Product.create(
        name="Cap", default_price_data={"currency": "eur", "unit_amount": 1500}
    )
    stripe.Product.modify(product.id, name="Baseball cap")
    types = [e.type for e in stripe.Event.list(limit=10).data]
    assert types == ["product.updated", "price.created", "product.created"]
    updated = stripe.Event.list(type="product.updated").data[0]
    assert updated.data.object.name == "Baseball cap"
    assert updated.data.previous_attributes["name"] == "Cap"
