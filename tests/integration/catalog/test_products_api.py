"""``/v1/products`` over HTTP, as a merchant's code calls it: the catalog's products."""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog_shop import Shop

from mercato.clock import ManualClock

# Every field of Stripe's product object (the reference fixtures), and nothing else.
STRIPE_PRODUCT_FIELDS = {
    "id", "object", "active", "created", "default_price", "description", "images", "livemode",
    "marketing_features", "metadata", "name", "package_dimensions", "shippable",
    "statement_descriptor", "tax_code", "type", "unit_label", "updated", "url",
}  # fmt: skip


def tshirt(shop: Shop, **params: Any) -> dict[str, Any]:
    return shop.made("/v1/products", name="T-shirt", **params)


def test_a_product_made_with_its_price_shows_it_as_the_default(shop: Shop) -> None:
    made = shop.made(
        "/v1/products",
        name="T-shirt",
        description="Comfortable grey cotton t-shirt",
        **{
            "images[]": ["https://shop.example/img/tshirt.png"],
            "metadata[sku]": "TS-GREY",
            "default_price_data[currency]": "eur",
            "default_price_data[unit_amount]": "2500",
            "default_price_data[tax_behavior]": "inclusive",
        },
        tax_code="txcd_99999999",
        url="https://shop.example/tshirt",
    )
    assert set(made) == STRIPE_PRODUCT_FIELDS
    assert made["id"].startswith("prod_")
    assert (made["object"], made["name"], made["active"], made["livemode"]) == (
        "product",
        "T-shirt",
        True,
        False,
    )
    assert made["images"] == ["https://shop.example/img/tshirt.png"]
    assert (made["metadata"], made["tax_code"]) == ({"sku": "TS-GREY"}, "txcd_99999999")
    assert made["default_price"].startswith("price_")

    fetched = shop.get(f"/v1/products/{made['id']}", **{"expand[]": "default_price"}).json()
    price = fetched["default_price"]
    assert (price["id"], price["product"], price["currency"]) == (
        made["default_price"],
        made["id"],
        "eur",
    )
    assert (price["unit_amount"], price["tax_behavior"], price["type"]) == (
        2500,
        "inclusive",
        "one_time",
    )
    assert {key: value for key, value in fetched.items() if key != "default_price"} == {
        key: value for key, value in made.items() if key != "default_price"
    }


def test_making_a_product_with_its_price_announces_both(shop: Shop) -> None:
    made = tshirt(
        shop, **{"default_price_data[currency]": "eur", "default_price_data[unit_amount]": "900"}
    )
    [product_created] = shop.events("product.created")
    [price_created] = shop.events("price.created")
    assert product_created["data"]["object"] == made
    assert price_created["data"]["object"]["id"] == made["default_price"]


def test_an_update_changes_only_what_it_names_and_records_what_it_was(
    shop: Shop, clock: ManualClock
) -> None:
    made = tshirt(shop, description="grey", **{"metadata[sku]": "TS-1", "metadata[line]": "x"})
    clock.advance(dt.timedelta(minutes=5))
    updated = shop.made(
        f"/v1/products/{made['id']}",
        name="T-shirt, organic",
        **{"metadata[line]": "", "metadata[colour]": "grey"},
    )
    assert (updated["name"], updated["description"]) == ("T-shirt, organic", "grey")
    assert updated["metadata"] == {"sku": "TS-1", "colour": "grey"}
    assert updated["updated"] == made["updated"] + 300
    [event] = shop.events("product.updated")
    assert event["data"]["previous_attributes"] == {
        "name": "T-shirt",
        "metadata": {"sku": "TS-1", "line": "x"},
        "updated": made["updated"],
    }
    assert event["data"]["object"] == updated


def test_blank_values_unset_optional_fields(shop: Shop) -> None:
    made = tshirt(
        shop,
        description="grey",
        url="https://shop.example/t",
        **{"images[]": ["https://shop.example/t.png"]},
    )
    cleared = shop.made(f"/v1/products/{made['id']}", description="", url="", images="")
    assert (cleared["description"], cleared["url"], cleared["images"]) == (None, None, [])


def test_products_list_newest_first_in_pages_and_by_filter(shop: Shop, clock: ManualClock) -> None:
    made = []
    for n in range(5):
        made.append(tshirt(shop, **{"metadata[n]": str(n)})["id"])
        clock.advance(dt.timedelta(seconds=10))
    shop.made(f"/v1/products/{made[1]}", active="false")

    first = shop.get("/v1/products", limit=2).json()
    assert (first["object"], first["url"], first["has_more"]) == ("list", "/v1/products", True)
    assert [p["id"] for p in first["data"]] == [made[4], made[3]]
    rest = shop.get("/v1/products", limit=10, starting_after=made[3]).json()
    assert [p["id"] for p in rest["data"]] == [made[2], made[1], made[0]]
    before = shop.get("/v1/products", ending_before=made[1]).json()
    assert [p["id"] for p in before["data"]] == [made[4], made[3], made[2]]

    archived = shop.get("/v1/products", active="false").json()
    assert [p["id"] for p in archived["data"]] == [made[1]]
    chosen = shop.get("/v1/products", **{"ids[]": [made[0], made[2]]}).json()
    assert [p["id"] for p in chosen["data"]] == [made[2], made[0]]
    third = shop.get(f"/v1/products/{made[2]}").json()["created"]
    recent = shop.get("/v1/products", **{"created[gte]": third}).json()
    assert [p["id"] for p in recent["data"]] == [made[4], made[3], made[2]]


def test_ids_cannot_be_combined_with_a_cursor(shop: Shop) -> None:
    made = tshirt(shop)
    response = shop.get("/v1/products", **{"ids[]": [made["id"]], "starting_after": made["id"]})
    assert (response.status_code, response.json()["error"]["param"]) == (400, "ids")


def test_a_product_without_prices_is_deleted_and_gone(shop: Shop) -> None:
    made = tshirt(shop)
    response = shop.delete(f"/v1/products/{made['id']}")
    assert response.json() == {"id": made["id"], "object": "product", "deleted": True}
    gone = shop.get(f"/v1/products/{made['id']}")
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "resource_missing")
    assert shop.get("/v1/products").json()["data"] == []
    [event] = shop.events("product.deleted")
    assert event["data"]["object"]["id"] == made["id"]
    assert shop.refused(f"/v1/products/{made['id']}", 404, name="back")["param"] == "id"


def test_a_product_with_prices_is_archived_not_deleted(shop: Shop) -> None:
    made = tshirt(shop)
    shop.made("/v1/prices", product=made["id"], currency="eur", unit_amount="2500")
    response = shop.delete(f"/v1/products/{made['id']}")
    assert response.status_code == 400
    assert (
        "cannot be deleted because it has one or more user-created prices"
        in (response.json()["error"]["message"])
    )
    assert shop.events("product.deleted") == []
    archived = shop.made(f"/v1/products/{made['id']}", active="false")
    assert archived["active"] is False


def test_the_default_price_is_one_of_the_products_own_active_prices(shop: Shop) -> None:
    tee = tshirt(shop)
    mug = shop.made("/v1/products", name="Mug")
    small = shop.made("/v1/prices", product=tee["id"], currency="eur", unit_amount="2000")
    large = shop.made("/v1/prices", product=tee["id"], currency="eur", unit_amount="2400")
    mugs = shop.made("/v1/prices", product=mug["id"], currency="eur", unit_amount="1200")

    chosen = shop.made(f"/v1/products/{tee['id']}", default_price=small["id"])
    assert chosen["default_price"] == small["id"]
    other = shop.refused(f"/v1/products/{tee['id']}", default_price=mugs["id"])
    assert other["param"] == "default_price"
    shop.made(f"/v1/prices/{large['id']}", active="false")
    archived = shop.refused(f"/v1/products/{tee['id']}", default_price=large["id"])
    assert archived["param"] == "default_price"
    missing = shop.refused(f"/v1/products/{tee['id']}", 404, default_price="price_nope")
    assert (missing["code"], missing["param"]) == ("resource_missing", "default_price")

    unset = shop.made(f"/v1/products/{tee['id']}", default_price="")
    assert unset["default_price"] is None


def test_another_merchants_product_does_not_exist_for_me(shop: Shop, other_shop: Shop) -> None:
    mine = tshirt(shop)
    for response in (
        other_shop.get(f"/v1/products/{mine['id']}"),
        other_shop.post(f"/v1/products/{mine['id']}", name="taken"),
        other_shop.delete(f"/v1/products/{mine['id']}"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "resource_missing"
    assert other_shop.get("/v1/products").json()["data"] == []
    assert other_shop.get("/v1/products", **{"ids[]": [mine["id"]]}).json()["data"] == []
    assert shop.get(f"/v1/products/{mine['id']}").json()["name"] == "T-shirt"


def test_a_bad_default_price_is_refused_with_its_parameter_and_nothing_is_made(
    shop: Shop,
) -> None:
    cases = [
        ({"default_price_data[unit_amount]": "2500"}, "default_price_data[currency]"),
        (
            {
                "default_price_data[currency]": "eur",
                "default_price_data[recurring][interval]": "month",
            },
            "default_price_data[recurring]",
        ),
        (
            {"default_price_data[currency]": "xyz", "default_price_data[unit_amount]": "1"},
            "default_price_data[currency]",
        ),
        (
            {"default_price_data[currency]": "eur", "default_price_data[unit_amount]": "25.00"},
            "default_price_data[unit_amount]",
        ),
        (
            {"default_price_data[currency]": "eur", "default_price_data[unit_amount]": "-1"},
            "default_price_data[unit_amount]",
        ),
        ({"default_price_data[currency]": "eur"}, "default_price_data[unit_amount]"),
    ]
    for params, param in cases:
        error = shop.refused("/v1/products", name="T-shirt", **params)
        assert error["param"] == param, (params, error)
    too_large = shop.refused(
        "/v1/products",
        name="Yacht",
        **{"default_price_data[currency]": "eur", "default_price_data[unit_amount]": "100000000"},
    )
    assert (too_large["code"], too_large["param"]) == (
        "amount_too_large",
        "default_price_data[unit_amount]",
    )
    assert "999999.99 EUR" in too_large["message"]
    assert shop.get("/v1/products").json()["data"] == []
    assert shop.get("/v1/prices").json()["data"] == []
    assert shop.events("*") == []


def test_bad_product_fields_are_refused_with_their_parameter(shop: Shop) -> None:
    cases = [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "T", "tax_code": "general"}, "tax_code"),
        ({"name": "T", "url": "javascript:alert(1)"}, "url"),
        ({"name": "T", "images[]": ["https://a.example/1.png", "file:///etc/passwd"]}, "images[1]"),
        ({"name": "T", "images[]": [f"https://a.example/{n}.png" for n in range(9)]}, "images"),
        ({"name": "T", "statement_descriptor": "<b>SHOP</b>"}, "statement_descriptor"),
        ({"name": "T", "stock": "12"}, "stock"),
        ({"name": "T", "id": "prod_mine"}, "id"),
    ]
    for params, param in cases:
        assert shop.refused("/v1/products", **params)["param"] == param, params


def test_a_retried_create_with_the_same_idempotency_key_makes_one_product(shop: Shop) -> None:
    params = {
        "name": "T-shirt",
        "default_price_data[currency]": "eur",
        "default_price_data[unit_amount]": "2500",
    }
    headers = {**shop.headers, "Idempotency-Key": "catalog-import-1"}
    first = shop.api.post("/v1/products", data=params, headers=headers)
    again = shop.api.post("/v1/products", data=params, headers=headers)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(shop.get("/v1/products").json()["data"]) == 1
    assert len(shop.get("/v1/prices").json()["data"]) == 1
    other = shop.api.post("/v1/products", data={**params, "name": "Mug"}, headers=headers)
    assert other.json()["error"]["type"] == "idempotency_error"


def test_the_reference_documents_products_and_prices(shop: Shop) -> None:
    document = shop.api.get("/v1/openapi.json").json()
    for path, methods in {
        "/v1/products": {"get", "post"},
        "/v1/products/{product_id}": {"get", "post", "delete"},
        "/v1/prices": {"get", "post"},
        "/v1/prices/{price_id}": {"get", "post"},
    }.items():
        assert set(document["paths"][path]) == methods
    create = document["paths"]["/v1/prices"]["post"]["requestBody"]["content"]
    fields = create["application/x-www-form-urlencoded"]["schema"]["properties"]
    assert {"product", "product_data", "unit_amount", "lookup_key", "recurring"} <= set(fields)
    listed = {p["name"] for p in document["paths"]["/v1/prices"]["get"]["parameters"]}
    assert {"active", "product", "currency", "lookup_keys", "type"} <= listed
    page = shop.api.get("/docs").text
    assert "/v1/products" in page
    assert "default_price_data[unit_amount]" in page
