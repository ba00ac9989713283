"""The hosted checkout in a real browser, against the running demo: a merchant makes a
Checkout Session with the official ``stripe`` package, and a customer pays on the gateway's
page in Chromium: a card that goes through, a decline and a second card, 3-D Secure, and a
"Buy now" button on a plain page of another site. Every page visited is photographed."""

from __future__ import annotations

import datetime as dt
import http.server
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from browser import shot
from running_demo import RunningDemo
from stripe_client import as_merchant

YEAR = dt.datetime.now(dt.UTC).year % 100 + 2


@pytest.fixture
def merchant(shared_demo: RunningDemo) -> Iterator[dict[str, str]]:
    made = shared_demo.create_merchant("Harbour Books")
    with as_merchant(shared_demo, made):
        yield made


def a_session(shop: str, *lines: tuple[int, str, int], **params: Any) -> Any:
    """A Checkout Session for (amount, name, quantity) lines, made as a merchant's server
    makes one."""
    items = []
    for amount, name, quantity in lines:
        price = stripe.Price.create(currency="usd", unit_amount=amount, product_data={"name": name})
        items.append({"price": price.id, "quantity": quantity})
    return stripe.checkout.Session.create(
        mode="payment",
        line_items=items,
        success_url=shop + "?session={CHECKOUT_SESSION_ID}",
        cancel_url=shop.replace("/done", "/cart"),
        **params,
    )


def fill_card(page: Any, number: str, *, name: str = "Ada Lovelace") -> None:
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry date (MM / YY)").fill(f"12{YEAR:02d}")
    page.get_by_label("Security code (CVC)").fill("123")
    page.get_by_label("Name on card").fill(name)


def pay_button(page: Any) -> Any:
    return page.get_by_role("button", name=re.compile(r"^Pay "))


def test_a_customer_pays_on_the_hosted_page_and_lands_back_at_the_shop(
    merchant: dict[str, str], watched: Any, shop: str
) -> None:
    session = a_session(
        shop,
        (1900, "Field Notes", 2),
        (1199, "Harbour mug", 1),
        customer_email="ada@example.com",
    )
    assert (session.status, session.payment_status, session.amount_total) == (
        "open",
        "unpaid",
        4999,
    )
    watched.goto(session.url)
    shot(watched, "hosted-page")
    assert watched.title() == "Checkout \N{MIDDLE DOT} Harbour Books"
    assert watched.get_by_role("heading", name="Total due: $49.99").is_visible()
    assert watched.get_by_label("Email").input_value() == "ada@example.com"
    fill_card(watched, "4242424242424242")
    shot(watched, "card-filled")
    pay_button(watched).click()
    watched.wait_for_url(shop + "*")
    shot(watched, "back-at-the-shop")
    assert f"session={session.id}" in watched.url

    done = stripe.checkout.Session.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "paid")
    assert done.customer_details.email == "ada@example.com"
    assert stripe.PaymentIntent.retrieve(done.payment_intent).amount_received == 4999
    completed = stripe.Event.list(type="checkout.session.completed")
    assert [event.data.object.id for event in completed.data] == [session.id]
    line_items = stripe.checkout.Session.list_line_items(session.id)
    assert [(item.description, item.quantity) for item in line_items.data] == [
        ("Field Notes", 2),
        ("Harbour mug", 1),
    ]
    # The page, seen again, says the payment is complete.
    watched.goto(session.url)
    assert watched.get_by_role("heading", name="Payment complete").is_visible()
    shot(watched, "already-paid")


def test_a_declined_card_is_explained_and_a_second_card_goes_through_by_keyboard(
    merchant: dict[str, str], watched: Any, shop: str
) -> None:
    session = a_session(shop, (2500, "Atlas of Remote Islands", 1))
    watched.goto(session.url)
    watched.get_by_label("Email").fill("grace@example.com")
    fill_card(watched, "4000000000009995", name="Grace Hopper")
    pay_button(watched).click()
    alert = watched.get_by_role("alert")
    alert.wait_for()
    shot(watched, "declined")
    assert "Your card has insufficient funds." in alert.inner_text()
    assert "No money was taken" in alert.inner_text()
    assert "4000000000009995" not in watched.content()
    assert watched.get_by_label("Card number").input_value() == ""

    # Another card, typed in and paid with the keyboard only.
    watched.get_by_label("Card number").focus()
    watched.keyboard.type("4242424242424242")
    watched.keyboard.press("Tab")
    watched.keyboard.press("Control+A")  # the expiry typed before is kept: type it afresh
    watched.keyboard.type(f"12{YEAR:02d}")
    watched.keyboard.press("Tab")
    watched.keyboard.type("123")
    watched.keyboard.press("Tab")
    assert watched.evaluate("document.activeElement.id") == "name"
    watched.keyboard.press("Tab")
    assert watched.evaluate("document.activeElement.className") == "pay-button"
    shot(watched, "second-card")
    watched.keyboard.press("Enter")
    watched.wait_for_url(shop + "*")
    shot(watched, "back-at-the-shop")
    done = stripe.checkout.Session.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "paid")
    attempts = stripe.Charge.list(payment_intent=done.payment_intent)
    assert sorted(charge.status for charge in attempts.data) == ["failed", "succeeded"]


def test_a_card_that_asks_for_3d_secure_passes_its_challenge(
    merchant: dict[str, str], watched: Any, shop: str
) -> None:
    session = a_session(shop, (4200, "Tide tables", 1))
    watched.goto(session.url)
    watched.get_by_label("Email").fill("ada@example.com")
    fill_card(watched, "4000002500003155")
    pay_button(watched).click()
    complete = watched.get_by_role("button", name="Complete authentication")
    complete.wait_for()
    shot(watched, "bank-challenge")
    assert "$42.00" in watched.content()
    complete.click()
    watched.wait_for_url(shop + "*")
    shot(watched, "back-at-the-shop")
    done = stripe.checkout.Session.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "paid")
    intent = stripe.PaymentIntent.retrieve(done.payment_intent, expand=["latest_charge"])
    three_ds = intent.latest_charge.payment_method_details.card.three_d_secure
    assert three_ds.authentication_flow == "challenge"


def test_an_expired_session_says_so(merchant: dict[str, str], watched: Any, shop: str) -> None:
    session = a_session(shop, (1000, "Postcard", 1))
    stripe.checkout.Session.expire(session.id)
    watched.goto(session.url)
    shot(watched, "expired")
    assert watched.get_by_role("heading", name="This checkout has expired").is_visible()
    assert watched.get_by_role("link", name="Back to Harbour Books").is_visible()


class StaticPage(http.server.BaseHTTPRequestHandler):
    """A shop owner's plain HTML page, on a site of its own, with the button pasted in."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def serve_page(html: str) -> tuple[str, http.server.ThreadingHTTPServer, threading.Thread]:
    handler = type("Page", (StaticPage,), {"body": html.encode()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server, thread


def test_a_buy_now_button_on_a_plain_page_of_another_site_takes_a_phones_buyer_to_pay(
    shared_demo: RunningDemo, merchant: dict[str, str], watched: Any, shop: str
) -> None:
    price = stripe.Price.create(
        currency="usd", unit_amount=1500, product_data={"name": "Harbour poster"}
    )
    link = stripe.PaymentLink.create(
        line_items=[{"price": price.id, "quantity": 1}],
        after_completion={"type": "redirect", "redirect": {"url": shop}},
    )
    with shared_demo.client() as client:
        button = client.get(
            f"{shared_demo.details['api_base']}/v1/payment_links/{link.id}/button",
            headers={"Authorization": f"Bearer {merchant['secret_key']}"},
        ).json()
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Harbour Books</title>"
        "<h1>Harbour poster</h1><p>A print of the harbour at dawn, 50 by 70 cm.</p>"
        f"{button['html']}</html>"
    )
    url, server, thread = serve_page(page)
    try:
        watched.goto(url)
        shot(watched, "shop-owners-page")
        watched.get_by_role("link", name="Buy now").click()
        watched.wait_for_url(re.compile(r"/pay/cs_"))
        watched.set_viewport_size({"width": 390, "height": 844})  # the buyer is on a phone
        shot(watched, "hosted-page-from-the-button-on-a-phone")
        assert "Harbour poster" in watched.content()
        watched.get_by_label("Email").fill("buyer@example.com")
        fill_card(watched, "4242424242424242")
        pay_button(watched).click()
        watched.wait_for_url(shop + "*")
        shot(watched, "back-at-the-shop")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    [session] = stripe.checkout.Session.list(payment_link=link.id).data
    assert (session.status, session.payment_status, session.amount_total) == (
        "complete",
        "paid",
        1500,
    )
