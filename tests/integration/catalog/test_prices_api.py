"""``/v1/prices`` over HTTP, as a merchant's code calls it: what each product costs."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from catalog_shop import Shop
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.gateway import prices, products
from mercato.gateway.errors import InvalidRequest

# Every field of Stripe's price object (the reference fixtures), and nothing else.
STRIPE_PRICE_FIELDS = {
    "id", "object", "active", "billing_scheme", "created", "currency", "custom_unit_amount",
    "livemode", "lookup_key", "metadata", "nickname", "product", "recurring", "tax_behavior",
    "tiers_mode", "transform_quantity", "type", "unit_amount", "unit_amount_decimal",
}  # fmt: skip


@pytest.fixture
def tee(shop: Shop) -> dict[str, Any]:
    return shop.made("/v1/products", name="T-shirt")


def price(shop: Shop, product: dict[str, Any], **params: Any) -> dict[str, Any]:
    return shop.made(
        "/v1/prices",
        **{"product": product["id"], "currency": "eur", "unit_amount": "2500"} | params,
    )


def test_a_one_time_price_of_a_product(shop: Shop, tee: dict[str, Any]) -> None:
    made = price(shop, tee, nickname="Size M", **{"metadata[size]": "M"})
    assert set(made) == STRIPE_PRICE_FIELDS
    assert made["id"].startswith("price_")
    assert made["object"] == "price"
    assert (made["product"], made["currency"], made["unit_amount"]) == (tee["id"], "eur", 2500)
    assert made["unit_amount_decimal"] == "2500"
    assert (made["type"], made["recurring"], made["billing_scheme"]) == (
        "one_time",
        None,
        "per_unit",
    )
    assert (made["active"], made["tax_behavior"], made["lookup_key"]) == (
        True,
        "unspecified",
        None,
    )
    assert (made["nickname"], made["metadata"]) == ("Size M", {"size": "M"})
    assert shop.get(f"/v1/prices/{made['id']}").json() == made
    [event] = shop.events("price.created")
    assert event["data"]["object"] == made


def test_a_price_can_bring_its_product_along(shop: Shop) -> None:
    made = shop.made(
        "/v1/prices",
        currency="usd",
        unit_amount="1500",
        **{"product_data[name]": "Mug", "product_data[metadata][colour]": "blue"},
    )
    product = shop.get(f"/v1/products/{made['product']}").json()
    assert (product["name"], product["metadata"]) == ("Mug", {"colour": "blue"})
    assert product["default_price"] is None
    expanded = shop.get(f"/v1/prices/{made['id']}", **{"expand[]": "product"}).json()
    assert expanded["product"] == product
    assert [e["data"]["object"]["id"] for e in shop.events("product.created")] == [product["id"]]


def test_variants_are_prices_told_apart_by_metadata(shop: Shop, tee: dict[str, Any]) -> None:
    sizes = {
        size: price(shop, tee, unit_amount=amount, **{"metadata[size]": size})
        for size, amount in (("S", "2300"), ("M", "2500"), ("XL", "2800"))
    }
    listed = shop.get("/v1/prices", product=tee["id"], **{"expand[]": "data.product"}).json()
    assert [(p["metadata"]["size"], p["unit_amount"]) for p in listed["data"]] == [
        ("XL", 2800),
        ("M", 2500),
        ("S", 2300),
    ]
    assert {p["product"]["name"] for p in listed["data"]} == {"T-shirt"}
    assert sizes["S"]["id"] == listed["data"][2]["id"]


def test_amounts_are_whole_minor_units_of_a_real_currency(shop: Shop, tee: dict[str, Any]) -> None:
    assert price(shop, tee, unit_amount="0")["unit_amount"] == 0  # a free gift
    assert price(shop, tee, currency="JPY", unit_amount="2500")["currency"] == "jpy"
    whole = shop.made(
        "/v1/prices", product=tee["id"], currency="eur", unit_amount_decimal="2500.00"
    )
    assert (whole["unit_amount"], whole["unit_amount_decimal"]) == (2500, "2500")
    base = {"product": tee["id"], "currency": "eur"}
    cases: list[tuple[dict[str, str], str, str]] = [
        ({"unit_amount": "25.00"}, "unit_amount", "Invalid integer: 25.00"),
        ({"unit_amount": "-100"}, "unit_amount", "greater than or equal to 0"),
        ({"unit_amount": "100000000"}, "unit_amount", "999999.99 EUR"),
        ({"unit_amount_decimal": "2500.5"}, "unit_amount_decimal", "whole minor units"),
        ({"unit_amount_decimal": "lots"}, "unit_amount_decimal", "Invalid decimal"),
        ({"unit_amount_decimal": "NaN"}, "unit_amount_decimal", "Invalid decimal"),
        ({"unit_amount_decimal": "1e999999999"}, "unit_amount_decimal", "Invalid decimal"),
        (
            {"unit_amount": "1", "unit_amount_decimal": "1"},
            "unit_amount_decimal",
            "only specify one",
        ),
        ({}, "unit_amount", "Missing required param: unit_amount"),
        ({"unit_amount": "1", "currency": "euro"}, "currency", "Invalid currency"),
        ({"unit_amount": "1", "currency": "xau"}, "currency", "Invalid currency"),
    ]
    for params, param, message in cases:
        error = shop.refused("/v1/prices", **(base | params))
        assert error["param"] == param, params
        assert message in error["message"], (params, error)
    too_large = shop.refused("/v1/prices", **base, unit_amount="100000000")
    assert too_large["code"] == "amount_too_large"
    three_decimals = shop.refused(
        "/v1/prices", product=tee["id"], currency="kwd", unit_amount="100000000"
    )
    assert "99999.999 KWD" in three_decimals["message"]


def test_only_one_time_prices_are_supported(shop: Shop, tee: dict[str, Any]) -> None:
    error = shop.refused(
        "/v1/prices",
        product=tee["id"],
        currency="eur",
        unit_amount="900",
        **{"recurring[interval]": "month"},
    )
    assert error["param"] == "recurring"
    assert "only one-time prices" in error["message"]
    assert shop.get("/v1/prices").json()["data"] == []
    assert shop.get("/v1/prices", type="recurring").json()["data"] == []


def test_a_price_names_one_product_and_only_one(shop: Shop, tee: dict[str, Any]) -> None:
    neither = shop.refused("/v1/prices", currency="eur", unit_amount="1")
    assert (neither["param"], neither["code"]) == ("product", "parameter_missing")
    both = shop.refused(
        "/v1/prices",
        product=tee["id"],
        currency="eur",
        unit_amount="1",
        **{"product_data[name]": "Mug"},
    )
    assert both["param"] == "product_data"
    missing = shop.refused("/v1/prices", 404, product="prod_nope", currency="eur", unit_amount="1")
    assert (missing["code"], missing["param"]) == ("resource_missing", "product")
    gone = shop.made("/v1/products", name="discontinued")
    shop.delete(f"/v1/products/{gone['id']}")
    deleted = shop.refused("/v1/prices", 404, product=gone["id"], currency="eur", unit_amount="1")
    assert deleted["param"] == "product"


def test_what_a_price_costs_never_changes_but_the_rest_may(shop: Shop, tee: dict[str, Any]) -> None:
    made = price(shop, tee, nickname="launch", **{"metadata[a]": "1"})
    for name, value in (("unit_amount", "1"), ("currency", "usd"), ("product", tee["id"])):
        assert shop.refused(f"/v1/prices/{made['id']}", **{name: value})["param"] == name
    updated = shop.made(
        f"/v1/prices/{made['id']}",
        nickname="",
        tax_behavior="exclusive",
        active="false",
        **{"metadata[a]": "", "metadata[b]": "2"},
    )
    assert (updated["nickname"], updated["tax_behavior"], updated["active"]) == (
        None,
        "exclusive",
        False,
    )
    assert (updated["metadata"], updated["unit_amount"]) == ({"b": "2"}, 2500)
    [event] = shop.events("price.updated")
    assert event["data"]["previous_attributes"] == {
        "active": True,
        "metadata": {"a": "1"},
        "nickname": "launch",
        "tax_behavior": "unspecified",
    }
    fixed = shop.refused(f"/v1/prices/{made['id']}", tax_behavior="inclusive")
    assert fixed["param"] == "tax_behavior"
    same = shop.made(f"/v1/prices/{made['id']}", tax_behavior="exclusive")
    assert same == updated
    assert len(shop.events("price.updated")) == 1


def test_the_default_price_cannot_be_archived(shop: Shop) -> None:
    product = shop.made(
        "/v1/products",
        name="T-shirt",
        **{"default_price_data[currency]": "eur", "default_price_data[unit_amount]": "2500"},
    )
    error = shop.refused(f"/v1/prices/{product['default_price']}", active="false")
    assert error["param"] == "active"
    assert "default price of its product" in error["message"]
    shop.made(f"/v1/products/{product['id']}", default_price="")
    archived = shop.made(f"/v1/prices/{product['default_price']}", active="false")
    assert archived["active"] is False


def test_a_lookup_key_names_one_price_and_can_be_transferred(
    shop: Shop, tee: dict[str, Any]
) -> None:
    old = price(shop, tee, lookup_key="tshirt-standard")
    taken = shop.refused("/v1/prices", product=tee["id"], currency="eur", unit_amount="2700",
                         lookup_key="tshirt-standard")  # fmt: skip
    assert (taken["param"], taken["code"]) == ("lookup_key", "lookup_key_already_exists")
    new = price(shop, tee, unit_amount="2700", lookup_key="tshirt-standard",
                transfer_lookup_key="true")  # fmt: skip
    assert new["lookup_key"] == "tshirt-standard"
    assert shop.get(f"/v1/prices/{old['id']}").json()["lookup_key"] is None
    [moved] = shop.events("price.updated")
    assert (moved["data"]["object"]["id"], moved["data"]["previous_attributes"]) == (
        old["id"],
        {"lookup_key": "tshirt-standard"},
    )
    found = shop.get("/v1/prices", **{"lookup_keys[]": ["tshirt-standard", "nothing"]}).json()
    assert [p["id"] for p in found["data"]] == [new["id"]]

    back = shop.refused(f"/v1/prices/{old['id']}", lookup_key="tshirt-standard")
    assert back["param"] == "lookup_key"
    moved_back = shop.made(
        f"/v1/prices/{old['id']}", lookup_key="tshirt-standard", transfer_lookup_key="true"
    )
    assert moved_back["lookup_key"] == "tshirt-standard"
    assert shop.get(f"/v1/prices/{new['id']}").json()["lookup_key"] is None
    kept = shop.made(f"/v1/prices/{old['id']}", lookup_key="tshirt-standard")
    assert kept["lookup_key"] == "tshirt-standard"


def test_lookup_keys_are_each_merchants_own(
    shop: Shop, other_shop: Shop, tee: dict[str, Any]
) -> None:
    price(shop, tee, lookup_key="standard")
    theirs = other_shop.made("/v1/products", name="Hat")
    assert price(other_shop, theirs, lookup_key="standard")["lookup_key"] == "standard"
    assert len(shop.get("/v1/prices", **{"lookup_keys[]": "standard"}).json()["data"]) == 1


def test_prices_are_listed_by_product_currency_and_activity(
    shop: Shop, tee: dict[str, Any]
) -> None:
    mug = shop.made("/v1/products", name="Mug")
    eur = price(shop, tee)
    usd = price(shop, tee, currency="usd")
    mug_eur = price(shop, mug, unit_amount="1200")
    shop.made(f"/v1/prices/{usd['id']}", active="false")

    def ids(**params: Any) -> list[str]:
        return [p["id"] for p in shop.get("/v1/prices", **params).json()["data"]]

    assert ids() == [mug_eur["id"], usd["id"], eur["id"]]
    assert ids(product=tee["id"]) == [usd["id"], eur["id"]]
    assert ids(currency="EUR") == [mug_eur["id"], eur["id"]]
    assert ids(active="true") == [mug_eur["id"], eur["id"]]
    assert ids(active="false", product=tee["id"]) == [usd["id"]]
    assert ids(type="one_time", limit=1) == [mug_eur["id"]]
    assert ids(starting_after=mug_eur["id"], limit=1) == [usd["id"]]
    bad = shop.get("/v1/prices", type="subscription")
    assert (bad.status_code, bad.json()["error"]["param"]) == (400, "type")
    refused = shop.get("/v1/prices", **{"expand[]": "product"})
    assert (refused.status_code, refused.json()["error"]["param"]) == (400, "expand")


def test_another_merchants_price_does_not_exist_for_me(
    shop: Shop, other_shop: Shop, tee: dict[str, Any]
) -> None:
    mine = price(shop, tee)
    for response in (
        other_shop.get(f"/v1/prices/{mine['id']}"),
        other_shop.post(f"/v1/prices/{mine['id']}", active="false"),
        other_shop.post("/v1/prices", product=tee["id"], currency="eur", unit_amount="1"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "resource_missing"
    assert other_shop.get("/v1/prices").json()["data"] == []
    assert other_shop.get("/v1/prices", product=tee["id"]).json()["data"] == []
    assert shop.get(f"/v1/prices/{mine['id']}").json()["active"] is True


def test_two_prices_racing_for_one_lookup_key_leave_one_holder(
    engine: Engine, clock: ManualClock, shop: Shop
) -> None:
    """The second writer cannot see the first's uncommitted price: the unique index decides,
    and the loser is told the key is taken, as if it had looked first."""
    with writing(engine) as connection:
        first = products.create(connection, shop.caller, {"name": "T-shirt"}, clock)
        second = products.create(connection, shop.caller, {"name": "Hoodie"}, clock)
    holding = threading.Event()
    release = threading.Event()
    outcome: dict[str, Any] = {}

    def claim(product_id: str, key: str, hold: bool) -> None:
        params = {"product": product_id, "currency": "eur", "unit_amount": "100"}
        try:
            with writing(engine) as connection:
                outcome[key] = prices.create(
                    connection, shop.caller, {**params, "lookup_key": "bestseller"}, clock
                )
                if hold:
                    holding.set()
                    release.wait(10)
        except InvalidRequest as refused:
            outcome[key] = refused

    winner = threading.Thread(target=claim, args=(first["id"], "winner", True))
    winner.start()
    assert holding.wait(10)
    loser = threading.Thread(target=claim, args=(second["id"], "loser", False))
    loser.start()
    loser.join(0.5)  # blocked behind the winner's transaction
    release.set()
    winner.join(10)
    loser.join(30)
    assert outcome["winner"]["lookup_key"] == "bestseller"
    assert isinstance(outcome["loser"], InvalidRequest)
    assert (outcome["loser"].code, outcome["loser"].param) == (
        "lookup_key_already_exists",
        "lookup_key",
    )
    holders = shop.get("/v1/prices", **{"lookup_keys[]": "bestseller"}).json()["data"]
    assert [p["id"] for p in holders] == [outcome["winner"]["id"]]
