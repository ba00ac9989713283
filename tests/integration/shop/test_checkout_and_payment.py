"""A customer checks out and pays on the gateway's hosted page, and the order turns paid
only once the shop has seen ``checkout.session.completed``: stock reserved at checkout and
committed when paid, released when the checkout expires; one order however often Pay is
pressed; addresses and VAT numbers checked; a payment that arrives after the stock has gone
marks the order for a refund."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from shop_world import FRENCH_ADDRESS, GERMAN_ADDRESS, Browser, run_duties, text_of
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import reading
from mercato.shop import catalog, orders


@pytest.fixture
def app(wired_app: TestClient) -> TestClient:
    """These tests pay: the app's processor talks to the bank."""
    return wired_app


def available(engine: Engine, path: str, product: str) -> list[int]:
    with reading(engine) as connection:
        shop = catalog.find_shop(connection, path.rsplit("/", 1)[1])
        return [v.available for v in catalog.product(connection, shop, product).variants]


def test_the_order_is_paid_only_once_the_completed_event_is_processed(
    customer: Browser, engine: Engine, clock: ManualClock
) -> None:
    customer.add("ridgeline-rain-jacket", "Slate / M", 2)
    customer.add("titanium-camp-mug")
    to_pay = customer.check_out(GERMAN_ADDRESS)
    assert to_pay.status_code == 303
    session_url = to_pay.headers["location"]
    assert "/pay/cs_" in session_url
    hosted = text_of(customer.client.get(session_url))
    assert "Total due €327.00" in hosted  # 2 x 149.00 + 29.00, free shipping over €50
    assert "VAT 19%" in hosted
    assert available(engine, customer.path, "titanium-camp-mug") == [2]  # reserved

    paid = customer.pay(session_url)
    assert paid.status_code == 303
    confirmation_url = paid.headers["location"]
    assert "/orders/ord_" in confirmation_url
    waiting = customer.open(confirmation_url)
    assert "We're confirming your payment" in text_of(waiting)
    assert '<meta http-equiv="refresh"' in waiting.text
    # Back from paying: this browser's cart is empty, whatever the order's state.
    assert "Your cart is empty." in text_of(customer.cart())

    assert run_duties(engine, clock)["confirmed"] == 1
    done = text_of(customer.open(confirmation_url))
    assert "Thank you: your order is paid" in done
    assert "Total paid €327.00" in done
    assert "Ridgeline Rain Jacket (Slate / M) 2" in done
    assert available(engine, customer.path, "titanium-camp-mug") == [2]  # sold, not back
    assert run_duties(engine, clock) == {"confirmed": 0, "released": 0}
    # The back button to the hosted page: it says paid, and charges nothing more.
    assert "Payment complete" in text_of(customer.client.get(session_url))


def test_pay_pressed_twice_makes_one_order_and_one_session(
    customer: Browser, engine: Engine
) -> None:
    customer.add("headlamp-400", quantity=2)
    first = customer.check_out(GERMAN_ADDRESS)
    second = customer.check_out(GERMAN_ADDRESS)
    assert first.headers["location"] == second.headers["location"]
    assert available(engine, customer.path, "headlamp-400") == [16]  # 18, two reserved once


def test_an_eu_consumer_pays_their_own_countrys_vat_and_a_business_is_reverse_charged(
    customer: Browser, engine: Engine, clock: ManualClock
) -> None:
    customer.add("daypack-24", "Ember")
    consumer = customer.check_out(FRENCH_ADDRESS)
    hosted = text_of(customer.client.get(consumer.headers["location"]))
    assert "VAT 20%" in hosted
    assert "Total due €98.90" in hosted  # €89.00 and €9.90 shipping to the EU, VAT inside

    business = customer.check_out(FRENCH_ADDRESS | {"vat_number": "FR40303265045"})
    session_url = business.headers["location"]
    assert session_url != consumer.headers["location"]  # other details: a new order
    hosted = text_of(customer.client.get(session_url))
    assert "VAT" not in hosted.replace("VAT number", "")
    # German VAT (19%) comes out of the prices: 74.79 + 8.32 shipping.
    assert "Total due €83.11" in hosted
    confirmation = customer.pay(session_url).headers["location"]
    run_duties(engine, clock)
    words = text_of(customer.open(confirmation))
    assert "your order is paid" in words
    assert "Tax (reverse charge) €0.00" in words
    assert "Reverse charge: VAT to be accounted for by the recipient" in words
    assert "VAT number: FR40303265045" in words


def test_addresses_and_vat_numbers_are_checked_field_by_field(customer: Browser) -> None:
    customer.add("headlamp-400")
    wrong = customer.check_out(
        FRENCH_ADDRESS
        | {"shipping_postal_code": "7500", "email": "camille", "vat_number": "FR12345"}
    )
    assert wrong.status_code == 400
    words = text_of(wrong)
    assert "Enter a French postal code of 5 digits, such as 75001." in words
    assert "Enter your e-mail address" in words
    assert "This VAT number is not valid" in words
    us = customer.check_out(
        FRENCH_ADDRESS
        | {"shipping_country": "US", "shipping_postal_code": "9410", "shipping_state": ""}
    )
    assert "Enter a ZIP code of 5 digits" in text_of(us)
    assert "Choose the state." in text_of(us)
    elsewhere = customer.check_out(FRENCH_ADDRESS | {"vat_number": "DE136695976"})
    assert "must be from the country the goods are shipped to (France)" in text_of(elsewhere)


def test_the_last_units_go_to_whoever_checks_out_first(
    customer: Browser, app: TestClient, engine: Engine
) -> None:
    customer.add("titanium-camp-mug", quantity=3)
    with TestClient(app.app) as other:  # type: ignore[arg-type]
        rival = Browser(other, customer.path)
        rival.add("titanium-camp-mug", quantity=2)
        assert customer.check_out(GERMAN_ADDRESS).status_code == 303  # all three reserved
        late = rival.check_out(GERMAN_ADDRESS)
        assert late.status_code == 409
        assert "Titanium Camp Mug is out of stock" in text_of(late)
        assert "Only" not in text_of(rival.open("p/titanium-camp-mug")).split("Add")[0]
    assert available(engine, customer.path, "titanium-camp-mug") == [0]


def test_an_expired_checkout_releases_its_stock_and_says_so(
    customer: Browser, engine: Engine, clock: ManualClock
) -> None:
    customer.add("titanium-camp-mug", quantity=3)
    session_url = customer.check_out(GERMAN_ADDRESS).headers["location"]
    assert available(engine, customer.path, "titanium-camp-mug") == [0]
    clock.advance(dt.timedelta(minutes=31))
    assert run_duties(engine, clock)["released"] == 0  # the reservation outlives the session
    clock.advance(dt.timedelta(minutes=2))
    assert run_duties(engine, clock)["released"] == 1
    assert available(engine, customer.path, "titanium-camp-mug") == [3]
    cart = text_of(customer.cart())
    assert "Your checkout expired before it was paid" in cart
    assert "Titanium Camp Mug" in cart  # still in the cart, to check out again
    assert "This checkout has expired" in text_of(customer.client.get(session_url))


def test_a_payment_for_stock_already_gone_marks_the_order_for_refund(
    customer: Browser, engine: Engine, clock: ManualClock
) -> None:
    customer.add("titanium-camp-mug", quantity=3)
    first = customer.check_out(GERMAN_ADDRESS).headers["location"]
    # The customer goes back and checks out again with another address: the first order is
    # replaced and its mugs go to the second; then they pay the first session anyway.
    second = customer.check_out(GERMAN_ADDRESS | {"shipping_city": "Potsdam"})
    assert second.headers["location"] != first
    confirmation = customer.pay(first).headers["location"]
    run_duties(engine, clock)
    words = text_of(customer.open(confirmation))
    assert "Your payment went through, but we can't fill this order" in words
    assert "refund" in words
    assert available(engine, customer.path, "titanium-camp-mug") == [0]  # never oversold
    order_id = re.search(r"/orders/(ord_\w+)", confirmation)
    assert order_id is not None
    with reading(engine) as connection:
        shop = catalog.find_shop(connection, customer.path.rsplit("/", 1)[1])
        [due] = orders.needing_refund(connection, shop.merchant_id)
    assert due.id == order_id.group(1)
