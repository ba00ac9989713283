"""Refunds: a shop gives money back, in part or whole, never more than it captured; the fee
stays with the platform, as Stripe keeps it."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from mercato.money import Currency
from mercato.processor import books
from payments_world import Shop, balance, merchant_balance

USD = Currency.of("USD")


def test_partial_refunds_add_up_to_the_whole_and_no_further(
    shop: Shop, engine: Engine, merchant_id: str
) -> None:
    _, intent = shop.pay(amount=10_000)
    charge_id = intent["latest_charge"]
    status, first = shop.post("/v1/refunds", charge=charge_id, amount=2500, reason="duplicate")
    assert status == 200, first
    assert (first["object"], first["status"], first["amount"]) == ("refund", "succeeded", 2500)
    assert first["reason"] == "duplicate"
    assert first["payment_intent"] == intent["id"]
    charge = shop.get(f"/v1/charges/{charge_id}")
    assert (charge["amount_refunded"], charge["refunded"]) == (2500, False)

    status, too_much = shop.post("/v1/refunds", payment_intent=intent["id"], amount=7501)
    assert status == 400
    assert too_much["error"]["code"] == "amount_too_large"

    status, rest = shop.post("/v1/refunds", payment_intent=intent["id"])
    assert status == 200, rest
    assert rest["amount"] == 7500
    charge = shop.get(f"/v1/charges/{charge_id}")
    assert (charge["amount_refunded"], charge["refunded"]) == (10_000, True)
    assert [r["id"] for r in charge["refunds"]["data"]] == [rest["id"], first["id"]]

    status, again = shop.post("/v1/refunds", charge=charge_id, amount=1)
    assert status == 400
    assert again["error"]["code"] == "charge_already_refunded"

    # The whole payment went back; the fee (2.9% + 30 = 320) did not.
    assert merchant_balance(engine, merchant_id) == (-320, 0)
    assert balance(engine, books.processing_fees(USD)) == (320, 0)
    assert balance(engine, books.scheme_receivable(USD)) == (0, 0)


def test_an_authorisation_not_captured_cannot_be_refunded(shop: Shop) -> None:
    _, intent = shop.pay(capture_method="manual")
    status, error = shop.post("/v1/refunds", charge=intent["latest_charge"])
    assert status == 400
    assert error["error"]["code"] == "charge_not_refundable"


def test_refunds_are_listed_and_read_back_and_events_are_sent(shop: Shop) -> None:
    _, intent = shop.pay(amount=3000)
    _, refund = shop.post(
        "/v1/refunds", payment_intent=intent["id"], amount=1000, metadata={"ticket": "42"}
    )
    assert shop.get(f"/v1/refunds/{refund['id']}") == refund
    listed = shop.get("/v1/refunds", payment_intent=intent["id"])
    assert [r["id"] for r in listed["data"]] == [refund["id"]]
    assert shop.get("/v1/refunds", charge="ch_nothing")["data"] == []
    types = [e["type"] for e in shop.get("/v1/events", limit=3)["data"]]
    assert types[:2] == ["charge.refunded", "refund.created"]


def test_a_refund_names_a_charge_or_an_intent_not_both(shop: Shop) -> None:
    _, intent = shop.pay()
    status, error = shop.post(
        "/v1/refunds", charge=intent["latest_charge"], payment_intent=intent["id"]
    )
    assert status == 400
    status, error = shop.post("/v1/refunds", charge="ch_unknown")
    assert status == 404
    assert error["error"]["code"] == "resource_missing"
