"""A merchant's balance: every capture and refund is a balance transaction, pending until
its day comes, and the balance the API shows is what the platform's books hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

from settlement_world import Settlement

from payments_world import Shop


def _sums(transactions: list[dict[str, Any]]) -> dict[str, int]:
    sums = {"available": 0, "pending": 0}
    for transaction in transactions:
        sums[transaction["status"]] += transaction["net"]
    return sums


def _balance(shop: Shop) -> tuple[int, int]:
    balance = shop.get("/v1/balance")
    assert balance["object"] == "balance"
    (available,) = balance["available"]
    (pending,) = balance["pending"]
    assert available["currency"] == pending["currency"] == "usd"
    return available["amount"], pending["amount"]


def test_a_capture_is_pending_for_two_days_then_available(
    shop: Shop, merchant_id: str, settlement: Settlement
) -> None:
    status, intent = shop.pay(amount=10_000, description="A wedding cake")
    assert status == 200, intent
    charge = shop.get(
        f"/v1/charges/{intent['latest_charge']}", **{"expand[]": "balance_transaction"}
    )
    transaction = charge["balance_transaction"]
    assert transaction["object"] == "balance_transaction"
    assert (transaction["type"], transaction["reporting_category"]) == ("charge", "charge")
    assert (transaction["amount"], transaction["fee"], transaction["net"]) == (10_000, 320, 9680)
    assert transaction["fee_details"][0]["amount"] == 320
    assert (transaction["status"], transaction["source"]) == ("pending", charge["id"])
    assert transaction["description"] == "A wedding cake"
    # Captured 2 November, 09:30 UTC: available from the start of 4 November, UTC.
    assert transaction["available_on"] == int(dt.datetime(2026, 11, 4, tzinfo=dt.UTC).timestamp())
    assert _balance(shop) == (0, 9680) == settlement.books(merchant_id)

    settlement.days_pass(1)
    assert _balance(shop) == (0, 9680)
    settlement.days_pass(1)
    assert _balance(shop) == (9680, 0) == settlement.books(merchant_id)
    again = shop.get(f"/v1/balance_transactions/{transaction['id']}")
    assert again["status"] == "available"
    assert settlement.make_available() == 0  # nothing more to do, nothing done twice


def test_manual_captures_and_refunds_add_up_to_the_balance_and_the_books(
    shop: Shop, merchant_id: str, settlement: Settlement
) -> None:
    _, first = shop.pay(amount=5000)
    _, held = shop.pay(amount=3000, capture_method="manual")
    status, captured = shop.post(
        f"/v1/payment_intents/{held['id']}/capture", amount_to_capture=2000
    )
    assert status == 200, captured
    settlement.days_pass(2)
    status, refund = shop.post("/v1/refunds", payment_intent=first["id"], amount=1000)
    assert status == 200, refund

    listed = shop.get("/v1/balance_transactions", limit=100)["data"]
    assert [t["type"] for t in listed] == ["refund", "charge", "charge"]
    assert [t["amount"] for t in listed] == [-1000, 2000, 5000]
    assert _balance(shop) == settlement.books(merchant_id)
    sums = _sums(listed)
    assert _balance(shop) == (sums["available"], sums["pending"])

    settlement.make_available()  # the refund is due at once: it debits what is available
    listed = shop.get("/v1/balance_transactions", limit=100)["data"]
    assert {t["status"] for t in listed} == {"available"}
    assert _balance(shop) == (5000 - 175 + 2000 - 88 - 1000, 0) == settlement.books(merchant_id)

    assert [t["type"] for t in shop.get("/v1/balance_transactions", type="refund")["data"]] == [
        "refund"
    ]
    by_source = shop.get("/v1/balance_transactions", source=captured["latest_charge"])["data"]
    assert [t["amount"] for t in by_source] == [2000]
    later = int(settlement.clock.now().timestamp()) - 60
    assert [
        t["type"] for t in shop.get("/v1/balance_transactions", **{"created[gte]": later})["data"]
    ] == ["refund"]


def test_a_refund_beyond_what_is_available_is_a_negative_balance_carried_and_recovered(
    shop: Shop, merchant_id: str, settlement: Settlement
) -> None:
    _, paid = shop.pay(amount=10_000)
    settlement.days_pass(2)
    shop.pay(amount=5000)
    status, _ = shop.post("/v1/refunds", payment_intent=paid["id"])
    assert status == 200
    settlement.make_available()
    # 9680 available less the whole 10000 refunded; the 4825 of the later sale still pending.
    assert _balance(shop) == (-320, 4825) == settlement.books(merchant_id)
    settlement.days_pass(2)
    assert _balance(shop) == (4505, 0) == settlement.books(merchant_id)
