"""``/v1/checkout/sessions`` over HTTP, as a merchant's server calls it: a hosted payment
page for what the customer is buying, with Stripe's fields and errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from checkout_world import CANCEL_URL, SUCCESS_URL, Customer, Shop, text_of
from mercato.clock import ManualClock
from mercato.gateway import checkout_sessions
from mercato.gateway.intent_records import Payments

# Every field of Stripe's checkout.session (the reference fixtures), and nothing else.
STRIPE_SESSION_FIELDS = {
    "adaptive_pricing", "after_expiration", "allow_promotion_codes", "amount_subtotal",
    "amount_total", "automatic_tax", "billing_address_collection", "cancel_url",
    "client_reference_id", "client_secret", "collected_information", "consent",
    "consent_collection", "created", "currency", "currency_conversion", "custom_fields",
    "custom_text", "customer", "customer_account", "customer_creation", "customer_details",
    "customer_email", "discounts", "expires_at", "id", "integration_identifier", "invoice",
    "invoice_creation", "livemode", "locale", "managed_payments", "metadata", "mode", "object",
    "origin_context", "payment_intent", "payment_link", "payment_method_collection",
    "payment_method_configuration_details", "payment_method_options", "payment_method_types",
    "payment_status", "permissions", "phone_number_collection", "recovered_from",
    "saved_payment_method_options", "setup_intent", "shipping_address_collection",
    "shipping_cost", "shipping_options", "status", "submit_type", "subscription",
    "success_url", "total_details", "ui_mode", "url", "wallet_options",
}  # fmt: skip
STRIPE_ITEM_FIELDS = {
    "adjustable_quantity", "amount_discount", "amount_subtotal", "amount_tax", "amount_total",
    "currency", "description", "id", "metadata", "object", "price", "quantity",
}  # fmt: skip
SESSIONS = "/v1/checkout/sessions"


def test_a_session_sells_the_shops_prices_on_a_hosted_page(shop: Shop, clock: ManualClock) -> None:
    shirt, mug = shop.price(2500, name="T-shirt"), shop.price(1200, name="Mug")
    made = shop.session(
        (shirt, 2),
        (mug, 1),
        customer_email="ada@example.com",
        client_reference_id="order-7",
        metadata={"order": "7"},
    )
    assert set(made) == STRIPE_SESSION_FIELDS
    assert made["id"].startswith("cs_")
    assert (made["object"], made["mode"], made["status"]) == ("checkout.session", "payment", "open")
    assert (made["payment_status"], made["payment_intent"]) == ("unpaid", None)
    assert (made["currency"], made["amount_subtotal"], made["amount_total"]) == ("usd", 6200, 6200)
    assert made["url"] == f"http://testserver/pay/{made['id']}"
    assert (made["success_url"], made["cancel_url"]) == (SUCCESS_URL, CANCEL_URL)
    assert (made["customer_email"], made["customer_details"]) == ("ada@example.com", None)
    assert (made["client_reference_id"], made["metadata"]) == ("order-7", {"order": "7"})
    assert made["payment_method_types"] == ["card"]
    assert made["expires_at"] == int((clock.now() + dt.timedelta(hours=24)).timestamp())
    assert shop.read(f"{SESSIONS}/{made['id']}") == made

    items = shop.read(f"{SESSIONS}/{made['id']}/line_items")
    assert items["url"] == f"{SESSIONS}/{made['id']}/line_items"
    assert [set(item) for item in items["data"]] == [STRIPE_ITEM_FIELDS] * 2
    assert [
        (i["description"], i["quantity"], i["price"]["id"], i["amount_total"])
        for i in items["data"]
    ] == [("T-shirt", 2, shirt, 5000), ("Mug", 1, mug, 1200)]
    expanded = shop.read(f"{SESSIONS}/{made['id']}", **{"expand[]": "line_items"})
    assert expanded["line_items"]["data"] == items["data"]


def test_price_data_makes_a_price_for_the_session_alone(shop: Shop) -> None:
    made = shop.made(
        SESSIONS,
        mode="payment",
        success_url=SUCCESS_URL,
        line_items=[
            {
                "price_data": {
                    "currency": "eur",
                    "unit_amount": "1999",
                    "product_data": {"name": "Gift wrapping"},
                },
                "quantity": 3,
            }
        ],
    )
    assert (made["currency"], made["amount_total"]) == ("eur", 5997)
    [item] = shop.read(f"{SESSIONS}/{made['id']}/line_items")["data"]
    assert (item["description"], item["price"]["unit_amount"]) == ("Gift wrapping", 1999)
    # Archived from the start: it never shows among what the shop sells.
    assert item["price"]["active"] is False
    assert shop.read("/v1/prices", active="true")["data"] == []


def test_bad_parameters_are_refused_naming_the_parameter(shop: Shop, clock: ManualClock) -> None:
    usd, eur = shop.price(1000), shop.price(1000, currency="eur")
    archived = shop.price(500)
    shop.made(f"/v1/prices/{archived}", active="false")
    line = [{"price": usd, "quantity": 1}]
    base: dict[str, Any] = {"mode": "payment", "success_url": SUCCESS_URL, "line_items": line}
    now = int(clock.now().timestamp())
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"mode": "subscription"}, "mode", "mode=payment"),
        ({"mode": "setup"}, "mode", "mode=payment"),
        ({"line_items": []}, "line_items", "Missing required param: line_items"),
        ({"line_items": [{"price": usd}]}, "line_items[0][quantity]", "Missing required"),
        ({"line_items": [{"price": usd, "quantity": 0}]}, "line_items[0][quantity]", "between"),
        ({"line_items": [{"quantity": 1}]}, "line_items[0][price]", "price or price_data"),
        ({"line_items": [{"price": archived, "quantity": 1}]}, "line_items[0][price]", "archived"),
        (
            {"line_items": [*line, {"price": eur, "quantity": 1}]},
            "line_items[1]",
            "one currency",
        ),
        (
            {"line_items": [{"price": usd, "quantity": 999_999}]},
            "line_items",
            "at most",
        ),
        ({"success_url": "shop.example/thanks"}, "success_url", "Not a valid URL"),
        ({"cancel_url": "javascript:alert(1)"}, "cancel_url", "Not a valid URL"),
        ({"customer_email": "not-an-address"}, "customer_email", "email"),
        ({"expires_at": now + 60}, "expires_at", "at least 30 minutes"),
        ({"expires_at": now + 25 * 3600}, "expires_at", "less than 24 hours"),
        ({"payment_method_types": ["sepa_debit"]}, "payment_method_types[0]", "Invalid"),
        ({"shipping_options": "x"}, "shipping_options", "unknown parameter"),
    ]
    for params, param, message in cases:
        error = shop.refused(SESSIONS, **(base | params))
        assert error["param"] == param, (params, error)
        assert message in error["message"], (params, error)
    missing = {key: value for key, value in base.items() if key != "success_url"}
    assert shop.refused(SESSIONS, **missing)["param"] == "success_url"
    error = shop.refused(
        SESSIONS, 404, **(base | {"line_items": [{"price": "price_x", "quantity": 1}]})
    )
    assert (error["code"], error["param"]) == ("resource_missing", "line_items[0][price]")
    ok = shop.made(SESSIONS, **(base | {"expires_at": now + 1800}))
    assert ok["expires_at"] == now + 1800


def test_a_merchant_sees_only_its_own_sessions(shop: Shop, other_shop: Shop) -> None:
    mine = shop.session((shop.price(), 1))
    theirs = other_shop.price()
    for path in (f"{SESSIONS}/{mine['id']}", f"{SESSIONS}/{mine['id']}/line_items"):
        assert other_shop.get(path).status_code == 404
    assert other_shop.refused(f"{SESSIONS}/{mine['id']}/expire", 404)["code"] == "resource_missing"
    assert other_shop.read(SESSIONS)["data"] == []
    # Nor may a merchant sell another's price.
    error = shop.refused(
        SESSIONS,
        404,
        mode="payment",
        success_url=SUCCESS_URL,
        line_items=[{"price": theirs, "quantity": 1}],
    )
    assert error["param"] == "line_items[0][price]"


def test_a_session_created_again_with_its_idempotency_key_is_the_same_session(shop: Shop) -> None:
    price = shop.price()
    params = {"mode": "payment", "success_url": SUCCESS_URL}
    params["line_items"] = [{"price": price, "quantity": 1}]  # type: ignore[assignment]
    first = shop.post(SESSIONS, key="checkout-order-7", **params)
    again = shop.post(SESSIONS, key="checkout-order-7", **params)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(shop.read(SESSIONS)["data"]) == 1
    other = shop.post(SESSIONS, key="checkout-order-7", **(params | {"client_reference_id": "8"}))
    assert other.status_code == 400
    assert other.json()["error"]["type"] == "idempotency_error"


def test_sessions_are_listed_newest_first_by_status(shop: Shop, payments: Payments) -> None:
    price = shop.price()
    older, newer = shop.session((price, 1)), shop.session((price, 2))
    shop.made(f"{SESSIONS}/{older['id']}/expire")
    listed = shop.read(SESSIONS)
    assert [s["id"] for s in listed["data"]] == [newer["id"], older["id"]]
    assert [s["id"] for s in shop.read(SESSIONS, status="open")["data"]] == [newer["id"]]
    assert [s["id"] for s in shop.read(SESSIONS, status="expired")["data"]] == [older["id"]]
    page = shop.read(SESSIONS, limit=1)
    assert page["has_more"] is True
    assert shop.read(SESSIONS, limit=1, starting_after=newer["id"])["data"][0]["id"] == older["id"]


def test_an_expired_session_can_no_longer_be_paid(
    shop: Shop, customer: Customer, clock: ManualClock
) -> None:
    session = shop.session((shop.price(4999), 1))
    expired = shop.made(f"{SESSIONS}/{session['id']}/expire")
    assert (expired["status"], expired["url"], expired["payment_status"]) == (
        "expired",
        None,
        "unpaid",
    )
    [event] = shop.events("checkout.session.expired")
    assert event["data"]["object"] == expired
    again = shop.refused(f"{SESSIONS}/{session['id']}/expire")
    assert "only an open session can be expired" in again["message"]
    page = customer.open(session["url"])
    assert page.status_code == 410
    assert "This checkout has expired" in text_of(page)
    assert "No payment was taken" in text_of(page)
    assert "Back to Harbour Books" in text_of(page)


def test_the_workers_duty_expires_sessions_past_their_time(
    shop: Shop, engine: Engine, clock: ManualClock, payments: Payments, customer: Customer
) -> None:
    price = shop.price()
    soon = shop.session((price, 1), expires_at=int(clock.now().timestamp()) + 1800)
    later = shop.session((price, 1))
    assert checkout_sessions.settle_due(engine, payments) == 0

    clock.advance(dt.timedelta(minutes=31))
    # Past its time, the page already says so, before the duty has run.
    assert customer.open(soon["url"]).status_code == 410
    assert checkout_sessions.settle_due(engine, payments) == 1
    assert shop.read(f"{SESSIONS}/{soon['id']}")["status"] == "expired"
    assert shop.read(f"{SESSIONS}/{later['id']}")["status"] == "open"
    assert [e["data"]["object"]["id"] for e in shop.events("checkout.session.expired")] == [
        soon["id"]
    ]
    clock.advance(dt.timedelta(hours=24))
    assert checkout_sessions.settle_due(engine, payments) == 1
    assert checkout_sessions.settle_due(engine, payments) == 0  # nothing twice
    assert len(shop.events("checkout.session.expired")) == 2


@pytest.mark.parametrize("path", ["/pay/cs_nothing", "/b/plink_nothing"])
def test_a_page_that_does_not_exist_says_so(customer: Customer, path: str) -> None:
    page = customer.open(path)
    assert page.status_code == 404
    assert "We can't find this payment page" in text_of(page)
