"""A shop takes card payments: approved, captured at once or later, canceled, refunded.
Both banks' books are proven after each story."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.engine import Engine

from mercato.issuer import IssuingBank
from payments_world import Shop, issuer_authorisations, merchant_balance


def test_a_visa_payment_is_captured_at_once_and_the_fee_is_taken(
    shop: Shop, engine: Engine, merchant_id: str, bank: IssuingBank
) -> None:
    status, intent = shop.pay(amount=2000, description="Two croissants")
    assert status == 200, intent
    assert intent["status"] == "succeeded"
    assert intent["amount_received"] == 2000
    assert intent["object"] == "payment_intent"
    charge = shop.get(f"/v1/charges/{intent['latest_charge']}")
    assert charge["status"] == "succeeded"
    assert charge["captured"] is True
    assert charge["paid"] is True
    assert charge["amount_captured"] == 2000
    assert charge["outcome"]["type"] == "authorized"
    assert charge["outcome"]["network_status"] == "approved_by_network"
    card = charge["payment_method_details"]["card"]
    assert (card["brand"], card["last4"], card["funding"]) == ("visa", "4242", "credit")
    assert card["checks"]["cvc_check"] == "pass"
    network = charge["mercato_network"]
    assert network["response_code"] == "00"
    assert len(network["approval_code"]) == 6
    assert len(network["rrn"]) == 12
    # 2.9% of 20.00 is 58, plus 30: the merchant is owed 19.12.
    assert merchant_balance(engine, merchant_id) == (2000 - 88, 0)
    (authorisation,) = issuer_authorisations(bank)
    assert authorisation["status"] == "completed"
    assert authorisation["completed_amount"] == 2000
    assert authorisation["rrn"] == network["rrn"]


def test_retrieve_expands_the_latest_charge_and_the_payment_method(shop: Shop) -> None:
    _, intent = shop.pay()
    shown: dict[str, Any] = shop.intent(intent["id"], expand=["latest_charge", "payment_method"])
    assert shown["latest_charge"]["object"] == "charge"
    assert shown["payment_method"]["object"] == "payment_method"
    assert shown["latest_charge"]["payment_method"] == shown["payment_method"]["id"]
    assert shop.intent(intent["id"])["latest_charge"] == shown["latest_charge"]["id"]


def test_a_manual_capture_holds_the_money_until_the_shop_captures_it(
    shop: Shop, engine: Engine, merchant_id: str, bank: IssuingBank
) -> None:
    status, intent = shop.pay(amount=5000, capture_method="manual")
    assert status == 200, intent
    assert intent["status"] == "requires_capture"
    assert intent["amount_capturable"] == 5000
    assert merchant_balance(engine, merchant_id) == (0, 5000)
    assert issuer_authorisations(bank)[0]["status"] == "approved"
    charge = shop.get(f"/v1/charges/{intent['latest_charge']}")
    assert (charge["status"], charge["captured"], charge["amount_captured"]) == (
        "succeeded",
        False,
        0,
    )

    status, captured = shop.post(f"/v1/payment_intents/{intent['id']}/capture")
    assert status == 200, captured
    assert captured["status"] == "succeeded"
    assert captured["amount_capturable"] == 0
    assert captured["amount_received"] == 5000
    assert merchant_balance(engine, merchant_id) == (5000 - 175, 0)
    assert issuer_authorisations(bank)[0]["status"] == "completed"


def test_a_partial_capture_releases_the_rest_here_and_at_the_issuer(
    shop: Shop, engine: Engine, merchant_id: str, bank: IssuingBank
) -> None:
    _, intent = shop.pay(amount=5000, capture_method="manual")
    status, captured = shop.post(
        f"/v1/payment_intents/{intent['id']}/capture", amount_to_capture=3000
    )
    assert status == 200, captured
    assert (captured["amount_received"], captured["amount_capturable"]) == (3000, 0)
    charge = shop.get(f"/v1/charges/{intent['latest_charge']}")
    assert (charge["amount"], charge["amount_captured"]) == (5000, 3000)
    # 2.9% of 30.00 is 87, plus 30.
    assert merchant_balance(engine, merchant_id) == (3000 - 117, 0)
    (authorisation,) = issuer_authorisations(bank)
    assert (authorisation["status"], authorisation["completed_amount"]) == ("completed", 3000)
    with bank.reading() as book:
        posted = book.transaction_by_key(f"issuer:authorisation:{authorisation['id']}:completion")
    assert {p.amount.minor for p in posted.postings} == {3000}


def test_capturing_more_than_was_authorised_is_refused(shop: Shop) -> None:
    _, intent = shop.pay(amount=5000, capture_method="manual")
    status, error = shop.post(f"/v1/payment_intents/{intent['id']}/capture", amount_to_capture=5001)
    assert status == 400
    assert error["error"]["code"] == "amount_too_large"
    assert error["error"]["param"] == "amount_to_capture"
    assert shop.intent(intent["id"])["status"] == "requires_capture"


def test_an_amount_written_with_a_decimal_point_is_refused_not_read_as_cents(
    shop: Shop,
) -> None:
    """Stripe reads amounts in minor units, digits only: "25.00" is an error, never 25 cents
    charged to someone who meant 25 dollars."""
    status, error = shop.post(
        "/v1/payment_intents", amount="25.00", currency="usd", payment_method="pm_card_visa"
    )
    assert status == 400
    assert error["error"]["param"] == "amount"
    assert "Invalid integer: 25.00" in error["error"]["message"]
    _, intent = shop.pay(amount=5000, capture_method="manual")
    status, error = shop.post(
        f"/v1/payment_intents/{intent['id']}/capture", amount_to_capture="10.5"
    )
    assert (status, error["error"]["param"]) == (400, "amount_to_capture")


def test_canceling_an_authorisation_releases_the_hold_everywhere(
    shop: Shop, engine: Engine, merchant_id: str, bank: IssuingBank
) -> None:
    _, intent = shop.pay(amount=5000, capture_method="manual")
    status, canceled = shop.post(
        f"/v1/payment_intents/{intent['id']}/cancel", cancellation_reason="requested_by_customer"
    )
    assert status == 200, canceled
    assert canceled["status"] == "canceled"
    assert canceled["cancellation_reason"] == "requested_by_customer"
    assert canceled["canceled_at"] is not None
    assert merchant_balance(engine, merchant_id) == (0, 0)
    assert issuer_authorisations(bank)[0]["status"] == "reversed"
    status, again = shop.post(f"/v1/payment_intents/{intent['id']}/capture")
    assert status == 400
    assert again["error"]["code"] == "payment_intent_unexpected_state"


def test_an_intent_is_made_then_given_a_method_then_confirmed(shop: Shop) -> None:
    status, intent = shop.post(
        "/v1/payment_intents", amount=1500, currency="usd", metadata={"order": "7"}
    )
    assert status == 200, intent
    assert intent["status"] == "requires_payment_method"
    assert intent["client_secret"].startswith(f"{intent['id']}_secret_")
    status, intent = shop.post(
        f"/v1/payment_intents/{intent['id']}",
        payment_method="pm_card_mastercard",
        description="A cake",
    )
    assert status == 200, intent
    assert intent["status"] == "requires_confirmation"
    status, intent = shop.post(f"/v1/payment_intents/{intent['id']}/confirm")
    assert status == 200, intent
    assert intent["status"] == "succeeded"
    assert intent["metadata"] == {"order": "7"}
    charge = shop.get(f"/v1/charges/{intent['latest_charge']}")
    assert charge["payment_method_details"]["card"]["brand"] == "mastercard"
    assert charge["description"] == "A cake"


def test_what_a_payment_is_cannot_change_once_it_succeeded(shop: Shop) -> None:
    _, intent = shop.pay()
    status, error = shop.post(f"/v1/payment_intents/{intent['id']}", amount=999)
    assert status == 400
    assert error["error"]["code"] == "payment_intent_unexpected_state"
    status, updated = shop.post(f"/v1/payment_intents/{intent['id']}", metadata={"note": "ok"})
    assert status == 200
    assert updated["metadata"] == {"note": "ok"}


def test_a_retried_request_gets_the_first_answer_and_pays_once(
    shop: Shop, engine: Engine, merchant_id: str, bank: IssuingBank
) -> None:
    first = shop.pay(amount=2000, key="order-7")
    again = shop.pay(amount=2000, key="order-7")
    assert first == again
    assert len(issuer_authorisations(bank)) == 1
    assert merchant_balance(engine, merchant_id) == (2000 - 88, 0)
    listed = shop.get("/v1/payment_intents")
    assert [i["id"] for i in listed["data"]] == [first[1]["id"]]


def test_payments_are_listed_newest_first_and_by_customer(shop: Shop) -> None:
    status, customer = shop.post("/v1/customers", email="ada@example.com")
    assert status == 200
    _, first = shop.pay(customer=customer["id"])
    _, second = shop.pay()
    assert [i["id"] for i in shop.get("/v1/payment_intents")["data"]] == [
        second["id"],
        first["id"],
    ]
    mine = shop.get("/v1/payment_intents", customer=customer["id"])
    assert [i["id"] for i in mine["data"]] == [first["id"]]
    charges = shop.get("/v1/charges", payment_intent=second["id"])
    assert [c["id"] for c in charges["data"]] == [second["latest_charge"]]
    page = shop.get("/v1/charges", limit=1)
    assert page["has_more"] is True
    assert shop.get("/v1/payment_intents", created={"gte": first["created"]})["data"]


def test_each_step_is_an_event_for_the_merchant(shop: Shop) -> None:
    _, intent = shop.pay(capture_method="manual")
    shop.post(f"/v1/payment_intents/{intent['id']}/capture")
    types = [e["type"] for e in reversed(shop.get("/v1/events", limit=20)["data"])]
    assert types == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.amount_capturable_updated",
        "charge.captured",
        "payment_intent.succeeded",
    ]


def test_two_confirmations_at_once_authorise_once(shop: Shop, bank: IssuingBank) -> None:
    _, intent = shop.post(
        "/v1/payment_intents", amount=2000, currency="usd", payment_method="pm_card_visa"
    )
    path = f"/v1/payment_intents/{intent['id']}/confirm"
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: shop.post(path), range(2)))
    assert sorted(status for status, _ in answers) == [200, 400]
    refused = next(body for status, body in answers if status == 400)
    assert refused["error"]["code"] == "payment_intent_unexpected_state"
    assert len(issuer_authorisations(bank)) == 1
