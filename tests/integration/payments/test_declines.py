"""A declined card: the shop gets Stripe's 402 card error with the reason, the intent waits
for another payment method, the failed charge is kept, and no money moves."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from mercato.issuer import AccountKind, IssuingBank
from mercato.money import Money
from payments_world import Shop, issuer_authorisations, merchant_balance


@pytest.mark.parametrize(
    ("number", "code", "decline_code", "response_code"),
    [
        ("4000000000000002", "card_declined", "generic_decline", "05"),
        ("4000000000009995", "card_declined", "insufficient_funds", "51"),
        ("4000000000009987", "card_declined", "lost_card", "41"),
        ("4000000000009979", "card_declined", "stolen_card", "43"),
        ("4000000000000069", "expired_card", "expired_card", "54"),
        ("4000000000000127", "incorrect_cvc", "incorrect_cvc", "N7"),
        ("4000000000000119", "processing_error", "processing_error", "96"),
        ("4111111111111111", "incorrect_number", "incorrect_number", "14"),
    ],
)
def test_each_decline_reaches_the_shop_with_its_reason(
    *,
    shop: Shop,
    engine: Engine,
    merchant_id: str,
    bank: IssuingBank,
    number: str,
    code: str,
    decline_code: str,
    response_code: str,
) -> None:
    status, body = shop.pay(number, amount=2000)
    assert status == 402, body
    error = body["error"]
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error",
        code,
        decline_code,
    )
    assert error["network_decline_code"] == response_code
    intent = error["payment_intent"]
    assert intent["status"] == "requires_payment_method"
    assert intent["last_payment_error"]["decline_code"] == decline_code
    assert intent["last_payment_error"]["payment_method"]["card"]["last4"] == number[-4:]
    assert intent["latest_charge"] == error["charge"]
    charge = shop.get(f"/v1/charges/{error['charge']}")
    assert (charge["status"], charge["paid"], charge["captured"]) == ("failed", False, False)
    assert charge["failure_code"] == code
    assert charge["outcome"]["network_decline_code"] == response_code
    assert charge["outcome"]["reason"] == decline_code
    assert charge["mercato_network"]["response_code"] == response_code
    assert merchant_balance(engine, merchant_id) == (0, 0)
    # The bank keeps its declines; a failure inside it (96) leaves nothing behind.
    kept = [] if response_code == "96" else [response_code]
    assert [a["response_code"] for a in issuer_authorisations(bank)] == kept


def test_a_credit_card_over_its_limit_is_declined_for_velocity(
    shop: Shop, bank: IssuingBank
) -> None:
    card = bank.issue_card(brand="visa", kind=AccountKind.CREDIT, funds=Money.of_minor(1000, "USD"))
    status, body = shop.post(
        "/v1/payment_intents",
        amount=2000,
        currency="usd",
        confirm="true",
        payment_method_data={
            "type": "card",
            "card": {
                "number": card.number.digits,
                "exp_month": card.card.expiry.month,
                "exp_year": card.card.expiry.year,
                "cvc": card.cvc,
            },
        },
    )
    assert status == 402, body
    assert body["error"]["decline_code"] == "card_velocity_exceeded"
    assert body["error"]["network_decline_code"] == "61"


def test_an_issuer_in_an_outage_is_not_available(shop: Shop, bank: IssuingBank) -> None:
    bank.set_outage(True)
    status, body = shop.pay()
    assert status == 402
    assert body["error"]["decline_code"] == "issuer_not_available"
    bank.set_outage(False)
    status, body = shop.post(
        f"/v1/payment_intents/{body['error']['payment_intent']['id']}/confirm",
        payment_method="pm_card_visa",
    )
    assert status == 200, body
    assert body["status"] == "succeeded"


def test_a_card_no_issuer_serves_is_not_supported_and_never_sent(
    shop: Shop, bank: IssuingBank
) -> None:
    status, body = shop.pay("8100000000000002")
    assert status == 402, body
    assert (body["error"]["code"], body["error"]["decline_code"]) == (
        "card_declined",
        "card_not_supported",
    )
    charge = shop.get(f"/v1/charges/{body['error']['charge']}")
    assert charge["outcome"]["network_status"] == "not_sent_to_network"
    assert issuer_authorisations(bank) == []


def test_a_declined_intent_can_be_paid_with_another_card(shop: Shop) -> None:
    status, body = shop.pay("4000000000009995")
    assert status == 402
    intent_id = body["error"]["payment_intent"]["id"]
    status, intent = shop.post(
        f"/v1/payment_intents/{intent_id}/confirm", payment_method="pm_card_visa"
    )
    assert status == 200, intent
    assert intent["status"] == "succeeded"
    assert intent["last_payment_error"] is None
    charges = shop.get("/v1/charges", payment_intent=intent_id)["data"]
    assert [c["status"] for c in charges] == ["succeeded", "failed"]
