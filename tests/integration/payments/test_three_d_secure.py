"""3-D Secure: a card whose bank asks for authentication sends the customer to the bank's
challenge page and back to the shop; a frictionless authentication pays at once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy.engine import Engine

from mercato.gateway.intent_records import Payments
from mercato.issuer import IssuingBank
from payments_world import Shop, issuer_authorisations, merchant_balance

REQUIRES_3DS = "4000002500003155"
THEN_INSUFFICIENT_FUNDS = "4000008260003178"
RETURN_URL = "https://shop.example/checkout/done?order=7"


def test_a_challenge_is_answered_and_the_payment_goes_through(
    shop: Shop, engine: Engine, merchant_id: str, bank: IssuingBank
) -> None:
    status, intent = shop.pay(REQUIRES_3DS, amount=4200, return_url=RETURN_URL)
    assert status == 200, intent
    assert intent["status"] == "requires_action"
    assert intent["latest_charge"] is None
    redirect = intent["next_action"]["redirect_to_url"]
    assert intent["next_action"]["type"] == "redirect_to_url"
    assert redirect["return_url"] == RETURN_URL
    assert redirect["url"].startswith("http://acs.test/3ds/challenge/")

    back_to_gateway = shop.answer_challenge(redirect["url"], "complete")
    assert back_to_gateway.startswith(f"http://testserver/v1/payment_intents/{intent['id']}/")
    back_to_shop = shop.come_back(back_to_gateway)
    assert back_to_shop.startswith(RETURN_URL + "&")
    query = parse_qs(urlsplit(back_to_shop).query)
    assert query["payment_intent"] == [intent["id"]]
    assert query["payment_intent_client_secret"] == [intent["client_secret"]]
    assert query["redirect_status"] == ["succeeded"]

    paid = shop.intent(intent["id"], expand=["latest_charge"])
    assert paid["status"] == "succeeded"
    assert paid["next_action"] is None
    three_ds = paid["latest_charge"]["payment_method_details"]["card"]["three_d_secure"]
    assert three_ds["authentication_flow"] == "challenge"
    assert three_ds["result"] == "authenticated"
    assert three_ds["electronic_commerce_indicator"] == "05"
    assert merchant_balance(engine, merchant_id) == (4200 - 152, 0)
    # The bank first asked for authentication (1A), then approved with it.
    assert [a["response_code"] for a in issuer_authorisations(bank)] == ["1A", "00"]
    # Coming back again changes nothing.
    assert shop.come_back(back_to_gateway) == back_to_shop


def test_a_failed_challenge_leaves_the_intent_waiting_for_another_method(
    shop: Shop, bank: IssuingBank
) -> None:
    _, intent = shop.pay(REQUIRES_3DS, return_url=RETURN_URL)
    back = shop.come_back(
        shop.answer_challenge(intent["next_action"]["redirect_to_url"]["url"], "fail")
    )
    assert parse_qs(urlsplit(back).query)["redirect_status"] == ["failed"]
    failed = shop.intent(intent["id"])
    assert failed["status"] == "requires_payment_method"
    assert failed["last_payment_error"]["code"] == "payment_intent_authentication_failure"
    assert [a["response_code"] for a in issuer_authorisations(bank)] == ["1A"]


def test_an_authenticated_payment_can_still_be_declined_for_funds(
    shop: Shop, bank: IssuingBank
) -> None:
    _, intent = shop.pay(THEN_INSUFFICIENT_FUNDS, return_url=RETURN_URL)
    back = shop.come_back(shop.answer_challenge(intent["next_action"]["redirect_to_url"]["url"]))
    assert parse_qs(urlsplit(back).query)["redirect_status"] == ["failed"]
    declined = shop.intent(intent["id"])
    assert declined["status"] == "requires_payment_method"
    assert declined["last_payment_error"]["decline_code"] == "insufficient_funds"
    assert [a["response_code"] for a in issuer_authorisations(bank)] == ["1A", "51"]


def test_asking_for_3ds_on_any_card_authenticates_without_friction(
    shop: Shop, bank: IssuingBank
) -> None:
    status, intent = shop.pay(
        payment_method_options={"card": {"request_three_d_secure": "any"}},
        expand=["latest_charge"],
    )
    assert status == 200, intent
    assert intent["status"] == "succeeded"
    assert intent["payment_method_options"]["card"]["request_three_d_secure"] == "any"
    three_ds = intent["latest_charge"]["payment_method_details"]["card"]["three_d_secure"]
    assert three_ds["authentication_flow"] == "frictionless"
    assert [a["response_code"] for a in issuer_authorisations(bank)] == ["00"]


def test_a_challenge_waits_for_a_manual_capture_too(shop: Shop) -> None:
    _, intent = shop.pay(REQUIRES_3DS, capture_method="manual", return_url=RETURN_URL)
    shop.come_back(shop.answer_challenge(intent["next_action"]["redirect_to_url"]["url"]))
    assert shop.intent(intent["id"])["status"] == "requires_capture"
    status, captured = shop.post(f"/v1/payment_intents/{intent['id']}/capture")
    assert status == 200
    assert captured["status"] == "succeeded"


def test_without_its_banks_3ds_server_such_a_card_is_declined_for_authentication(
    shop: Shop, payments: Payments, bank: IssuingBank
) -> None:
    for link in payments.processor.links.values():
        link.acs = None
    status, body = shop.pay(REQUIRES_3DS)
    assert status == 402, body
    assert body["error"]["code"] == "authentication_required"
    assert body["error"]["network_decline_code"] == "1A"
    assert [a["response_code"] for a in issuer_authorisations(bank)] == ["1A"]
