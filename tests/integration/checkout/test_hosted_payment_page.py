"""The hosted payment page as a customer meets it: the card goes to the gateway, which pays
through the payment intents' own use cases with the simulated bank on ISO 8583. A decline
is explained and another card may be tried; 3-D Secure goes to the bank and back; however
often Pay is pressed, the customer is charged once."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from checkout_world import (
    INSUFFICIENT_FUNDS,
    REQUIRES_3DS,
    VISA,
    Customer,
    Shop,
    csrf_token,
    text_of,
)
from mercato.clock import ManualClock
from mercato.gateway import checkout_sessions
from mercato.gateway.intent_records import Payments

SESSIONS = "/v1/checkout/sessions"


@pytest.fixture
def app(wired_app: TestClient) -> TestClient:
    """These tests pay: the API's processor talks to the bank."""
    return wired_app


@pytest.fixture
def customer(wired_app: TestClient, bank_pages: TestClient) -> Customer:
    return Customer(wired_app, bank_pages)


@pytest.fixture
def session(shop: Shop) -> dict[str, Any]:
    """Two books and a mug, $49.99 all told."""
    return shop.session(
        (shop.price(1900, name="Field Notes"), 2),
        (shop.price(1199, name="Harbour mug"), 1),
        customer_email="ada@example.com",
        metadata={"order": "7"},
    )


def charges(shop: Shop, intent_id: str) -> list[dict[str, Any]]:
    return list(shop.read("/v1/charges", payment_intent=intent_id)["data"])


def test_the_page_shows_the_shop_what_is_bought_and_the_total(
    customer: Customer, session: dict[str, Any]
) -> None:
    page = customer.open(session["url"])
    assert page.status_code == 200
    words = text_of(page)
    assert "Harbour Books" in words
    assert "Field Notes 2 \N{MULTIPLICATION SIGN} $19.00 $38.00" in words
    assert "Harbour mug $11.99" in words
    assert "Total due $49.99" in words
    assert "Pay $49.99" in words
    assert 'value="ada@example.com"' in page.text  # the e-mail, filled in from the session
    # No inline script or style, nothing from elsewhere: the page works under a strict CSP.
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in page.text
    assert "style=" not in page.text
    assert page.headers["cache-control"] == "no-store"
    for asset in ("/checkout/static/checkout.css", "/checkout/static/checkout.js"):
        assert asset in page.text
        assert customer.open(asset).status_code == 200


def test_a_card_that_goes_through_completes_the_session_and_the_customer_goes_to_the_shop(
    shop: Shop, customer: Customer, session: dict[str, Any]
) -> None:
    paid = customer.pay(session["url"], VISA, email="grace@example.com", name="Grace Hopper")
    assert paid.status_code == 303
    assert paid.headers["location"] == f"https://shop.example/thanks?session={session['id']}"

    done = shop.read(f"{SESSIONS}/{session['id']}")
    assert (done["status"], done["payment_status"], done["url"]) == ("complete", "paid", None)
    assert done["customer_details"]["email"] == "grace@example.com"
    assert done["customer_details"]["name"] == "Grace Hopper"
    intent = shop.read(f"/v1/payment_intents/{done['payment_intent']}")
    assert (intent["status"], intent["amount_received"]) == ("succeeded", 4999)
    assert intent["receipt_email"] == "grace@example.com"
    [event] = shop.events("checkout.session.completed")
    assert event["data"]["object"] == done
    # Coming back to the page later: it says the payment is complete, and charges nothing.
    page = customer.open(session["url"])
    assert "Payment complete" in text_of(page)
    assert "Continue to Harbour Books" in text_of(page)
    assert len(charges(shop, intent["id"])) == 1


def test_a_decline_is_explained_and_another_card_goes_through(
    shop: Shop, customer: Customer, session: dict[str, Any]
) -> None:
    declined = customer.pay(session["url"], INSUFFICIENT_FUNDS, name="Ada Lovelace")
    assert declined.status_code == 402
    words = text_of(declined)
    assert "Your payment did not go through" in words
    assert "Your card has insufficient funds." in words
    assert "No money was taken" in words
    assert INSUFFICIENT_FUNDS not in declined.text  # never echoed back
    assert 'value="Ada Lovelace"' in declined.text  # what may be kept is kept
    assert shop.read(f"{SESSIONS}/{session['id']}")["status"] == "open"

    paid = customer.pay(session["url"], VISA, page=declined)
    assert paid.status_code == 303
    done = shop.read(f"{SESSIONS}/{session['id']}")
    assert (done["status"], done["payment_status"]) == ("complete", "paid")
    # One payment intent for the session, two attempts at it: the declined one and the paid.
    attempts = charges(shop, done["payment_intent"])
    assert sorted(c["status"] for c in attempts) == ["failed", "succeeded"]


def test_a_card_that_asks_for_3d_secure_goes_to_the_bank_and_back_to_the_shop(
    shop: Shop, customer: Customer, session: dict[str, Any]
) -> None:
    challenged = customer.pay(session["url"], REQUIRES_3DS)
    assert challenged.status_code == 303
    challenge = challenged.headers["location"]
    assert challenge.startswith("http://acs.test/3ds/challenge/")
    assert shop.read(f"{SESSIONS}/{session['id']}")["status"] == "open"

    back_to_gateway = customer.answer_challenge(challenge, "complete")
    back_to_page = customer.open(back_to_gateway)  # the gateway authorises with the result
    assert back_to_page.status_code == 303
    assert back_to_page.headers["location"].startswith(f"{session['url']}/return?")
    on_to_shop = customer.follow(back_to_page)
    assert on_to_shop.status_code == 303
    assert on_to_shop.headers["location"] == f"https://shop.example/thanks?session={session['id']}"
    done = shop.read(f"{SESSIONS}/{session['id']}")
    assert (done["status"], done["payment_status"]) == ("complete", "paid")
    assert len(shop.events("checkout.session.completed")) == 1


def test_a_failed_3d_secure_check_is_explained_on_the_page(
    shop: Shop, customer: Customer, session: dict[str, Any]
) -> None:
    challenged = customer.pay(session["url"], REQUIRES_3DS)
    back = customer.open(customer.answer_challenge(challenged.headers["location"], "fail"))
    page = customer.follow(back)
    assert page.status_code == 200
    assert "Your bank could not confirm that it is you making this payment" in text_of(page)
    assert shop.read(f"{SESSIONS}/{session['id']}")["status"] == "open"
    assert customer.pay(session["url"], VISA, page=page).status_code == 303


def test_pay_pressed_twice_at_once_charges_once(
    shop: Shop, customer: Customer, session: dict[str, Any]
) -> None:
    page = customer.open(session["url"])
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: customer.pay(session["url"], VISA, page=page), range(2)))
    assert sorted(a.status_code for a in answers) == [303, 303]
    done = shop.read(f"{SESSIONS}/{session['id']}")
    assert done["status"] == "complete"
    assert [c["status"] for c in charges(shop, done["payment_intent"])] == ["succeeded"]
    assert len(shop.events("checkout.session.completed")) == 1
    # The same form sent again later: the page says it is paid, and nothing more is taken.
    again = customer.pay(session["url"], VISA, page=page)
    assert again.status_code == 303
    assert "Payment complete" in text_of(customer.follow(again))
    assert len(charges(shop, done["payment_intent"])) == 1


def test_a_form_without_its_token_is_refused(
    shop: Shop, customer: Customer, session: dict[str, Any], wired_app: TestClient
) -> None:
    page = customer.open(session["url"])
    fields = {"email": "a@example.com", "number": VISA, "expiry": "12/34", "cvc": "123"}
    fields |= {"name": "Ada"}
    forged = wired_app.post(session["url"], data=fields | {"csrf_token": "0" * 64})
    assert forged.status_code == 403
    assert "nothing was charged" in text_of(forged)
    # A token for another session, or without the browser's cookie, does not do either.
    token = {"csrf_token": csrf_token(page.text)}
    other = shop.session((shop.price(), 1))
    assert wired_app.post(other["url"], data=fields | token).status_code == 403
    with TestClient(wired_app.app) as stranger:  # type: ignore[arg-type]
        stolen = stranger.post(session["url"], data=fields | token)
    assert stolen.status_code == 403
    assert shop.read(f"{SESSIONS}/{session['id']}")["payment_intent"] is None


def test_what_is_typed_wrong_is_said_beside_its_field(
    customer: Customer, session: dict[str, Any]
) -> None:
    page = customer.pay(session["url"], "4242", email="nobody", expiry="13/30", cvc="1", name="")
    assert page.status_code == 400
    words = text_of(page)
    for message in (
        "Enter your e-mail address",
        "Enter the expiry date",
        "Enter the 3 or 4 digit security code",
        "Enter the name as it is written on the card",
    ):
        assert message in words
    assert re.search(r'id="email"[^>]*autofocus', page.text)  # the first field to mend
    # A number that is not a card's: the gateway's own check, in the vault's words.
    wrong = customer.pay(session["url"], "4242424242424241")
    assert wrong.status_code == 400
    assert "Your card number is incorrect." in text_of(wrong)


def test_a_session_paid_but_never_returned_to_is_completed_by_the_worker(
    *,
    shop: Shop,
    customer: Customer,
    session: dict[str, Any],
    engine: Engine,
    payments: Payments,
) -> None:
    challenged = customer.pay(session["url"], REQUIRES_3DS)
    back_to_gateway = customer.answer_challenge(challenged.headers["location"])
    customer.open(back_to_gateway)  # authorised; the browser closes before the last redirect
    assert shop.read(f"{SESSIONS}/{session['id']}")["status"] == "open"
    assert checkout_sessions.settle_due(engine, payments) == 1
    assert shop.read(f"{SESSIONS}/{session['id']}")["status"] == "complete"
    assert len(shop.events("checkout.session.completed")) == 1


def test_an_abandoned_session_expires_and_its_payment_intent_is_canceled(
    *,
    shop: Shop,
    customer: Customer,
    session: dict[str, Any],
    engine: Engine,
    payments: Payments,
    clock: ManualClock,
) -> None:
    customer.pay(session["url"], INSUFFICIENT_FUNDS)
    clock.advance(dt.timedelta(hours=25))
    assert customer.open(session["url"]).status_code == 410  # too late to try again
    assert checkout_sessions.settle_due(engine, payments) == 1
    expired = shop.read(f"{SESSIONS}/{session['id']}")
    assert expired["status"] == "expired"
    intent = shop.read(f"/v1/payment_intents/{expired['payment_intent']}")
    assert (intent["status"], intent["cancellation_reason"]) == ("canceled", "abandoned")


def test_with_manual_capture_the_session_is_complete_and_paid_once_captured(
    shop: Shop, customer: Customer
) -> None:
    session = shop.session((shop.price(3000), 1), payment_intent_data={"capture_method": "manual"})
    assert customer.pay(session["url"], VISA).status_code == 303
    held = shop.read(f"{SESSIONS}/{session['id']}")
    assert (held["status"], held["payment_status"]) == ("complete", "unpaid")
    shop.made(f"/v1/payment_intents/{held['payment_intent']}/capture")
    assert shop.read(f"{SESSIONS}/{session['id']}")["payment_status"] == "paid"


def test_a_payment_link_without_a_redirect_thanks_the_customer_on_the_gateway(
    shop: Shop, customer: Customer
) -> None:
    link = shop.made(
        "/v1/payment_links",
        line_items=[{"price": shop.price(900, name="Zine"), "quantity": 1}],
        after_completion={
            "type": "hosted_confirmation",
            "hosted_confirmation": {"custom_message": "Your zine ships on Monday."},
        },
    )
    page = customer.follow(customer.open(link["url"]))
    paid = customer.pay(str(page.url), VISA, page=page)
    assert paid.status_code == 303
    thanks = customer.follow(paid)
    words = text_of(thanks)
    assert "Payment complete" in words
    assert "Your zine ships on Monday." in words
    assert "Continue to" not in words  # this page is where the link's customer ends
    [session] = shop.read(SESSIONS, payment_link=link["id"])["data"]
    assert (session["status"], session["payment_status"]) == ("complete", "paid")
