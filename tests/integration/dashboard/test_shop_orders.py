"""The owner finds the orders made in the shop, newest first, a page at a time, with where
each payment stands; opens one to see its lines, tax, shipping, addresses and masked card;
and refunds a part of it and then the rest, once however often the form is sent. Another
merchant's order is not found."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from dashboard_world import Owner, sign_in, token
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from storefront_world import *  # noqa: F403 -- its fixtures: storefront, customer
from storefront_world import DENVER, bought, checked_out

from integration.shop.shop_world import Browser, run_duties, text_of
from mercato.clock import ManualClock
from mercato.dashboard import shop_orders
from payments_world import Shop


def refund_form(browser: TestClient, order_id: str) -> dict[str, str]:
    page = browser.get(f"/dashboard/orders/{order_id}")
    return {
        "csrf_token": token(page.text),
        "idempotency_key": token(page.text, "idempotency_key"),
    }


def row_of(page_html: str, order_id: str) -> str:
    found = re.search(
        rf"<tr>\s*<td><a href=\"/dashboard/orders/{order_id}\">.*?</tr>", page_html, re.S
    )
    assert found is not None, f"{order_id} is not listed"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def test_a_paid_order_is_listed_and_shown_with_its_lines_tax_addresses_and_card(
    *,
    browser: TestClient,
    owner: Owner,
    customer: Browser,
    engine: Engine,
    clock: ManualClock,
) -> None:
    order_id = bought(customer, engine, clock, product="headlamp-400", quantity=1)
    sign_in(browser, owner.email, owner.password)
    listed = row_of(browser.get("/dashboard/orders").text, order_id)
    assert "sam@example.com" in listed
    assert "paid" in listed

    page = browser.get(f"/dashboard/orders/{order_id}")
    words = text_of(page)
    assert "Headlamp 400 1 $44.00" in words
    assert "Shipping (US Ground) $7.95" in words  # free from $75
    assert re.search(r"Net \$51\.95 Tax 2\.9% \$1\.51 Total \$53\.46", words), words
    assert "1500 Wynkoop St" in words
    assert "Visa •••• 4242" in words
    assert "4242424242424242" not in page.text
    assert "Refund" in words


def test_the_owner_refunds_part_of_an_order_then_the_rest_once_each(
    *,
    browser: TestClient,
    owner: Owner,
    shop: Shop,
    customer: Browser,
    engine: Engine,
    clock: ManualClock,
) -> None:
    order_id = bought(customer, engine, clock)
    sign_in(browser, owner.email, owner.password)
    form = refund_form(browser, order_id)
    first = browser.post(f"/dashboard/orders/{order_id}/refund", data=form | {"amount": "10.00"})
    again = browser.post(f"/dashboard/orders/{order_id}/refund", data=form | {"amount": "10.00"})
    assert first.status_code == again.status_code == 303
    assert "Refunded $10.00." in text_of(browser.get(first.headers["location"]))
    assert "partially refunded" in row_of(browser.get("/dashboard/orders").text, order_id)

    page = browser.get(f"/dashboard/orders/{order_id}")
    left = re.search(r'name="amount"[^>]*value="([\d.]+)"', page.text)
    assert left is not None
    rest = browser.post(
        f"/dashboard/orders/{order_id}/refund",
        data=refund_form(browser, order_id) | {"amount": left.group(1)},
    )
    assert rest.status_code == 303
    assert "refunded" in row_of(browser.get("/dashboard/orders").text, order_id)
    assert "Nothing left to refund." in text_of(browser.get(f"/dashboard/orders/{order_id}"))

    intent_id = re.search(r"pi_\w+", page.text)
    assert intent_id is not None
    refunds = shop.get("/v1/refunds", payment_intent=intent_id.group(0))["data"]
    assert sorted(r["amount"] for r in refunds) == sorted([1000, int(Decimal(left.group(1)) * 100)])


def test_a_refund_of_more_than_is_left_or_of_no_amount_is_explained_and_refunds_nothing(
    *,
    browser: TestClient,
    owner: Owner,
    shop: Shop,
    customer: Browser,
    engine: Engine,
    clock: ManualClock,
) -> None:
    order_id = bought(customer, engine, clock)
    sign_in(browser, owner.email, owner.password)
    form = refund_form(browser, order_id)
    too_much = browser.post(
        f"/dashboard/orders/{order_id}/refund", data=form | {"amount": "9999.00"}
    )
    assert too_much.status_code == 400
    assert "is greater than unrefunded amount" in text_of(too_much)
    nonsense = browser.post(f"/dashboard/orders/{order_id}/refund", data=form | {"amount": "ten"})
    assert nonsense.status_code == 400
    assert "Enter the amount to refund, such as $12.50." in text_of(nonsense)
    assert 'value="ten"' in nonsense.text
    intent_id = re.search(r"pi_\w+", nonsense.text)
    assert intent_id is not None
    assert shop.get("/v1/refunds", payment_intent=intent_id.group(0))["data"] == []


def test_orders_waiting_or_expired_show_so_newest_first_a_page_at_a_time(
    *,
    browser: TestClient,
    owner: Owner,
    app_client: TestClient,
    storefront: str,
    engine: Engine,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shop_orders, "PAGE_SIZE", 2)
    for product in ("headlamp-400", "compact-gas-stove", "trekking-poles"):
        checked_out(Browser(TestClient(app_client.app), storefront), product)
        clock.advance(dt.timedelta(minutes=5))
    sign_in(browser, owner.email, owner.password)
    first = browser.get("/dashboard/orders")
    ids = re.findall(r'href="/dashboard/orders/(ord_\w+)"', first.text)
    assert len(ids) == 2
    assert text_of(first).count("pending payment") == 2
    older = browser.get("/dashboard/orders?page=2")
    assert "Older orders" not in text_of(older)
    oldest = re.findall(r'href="/dashboard/orders/(ord_\w+)"', older.text)
    assert len(oldest) == 1
    assert oldest[0] not in ids
    waiting = browser.get(f"/dashboard/orders/{oldest[0]}")
    assert "The customer has not paid (yet)." in text_of(waiting)
    assert 'name="amount"' not in waiting.text

    clock.advance(dt.timedelta(hours=2))
    run_duties(engine, clock)
    assert text_of(browser.get("/dashboard/orders")).count("expired") == 2


def test_another_merchants_order_is_missing_and_cannot_be_refunded(
    *,
    browser: TestClient,
    other_owner_browser: TestClient,
    customer: Browser,
    engine: Engine,
    clock: ManualClock,
) -> None:
    order_id = bought(customer, engine, clock)
    assert other_owner_browser.get(f"/dashboard/orders/{order_id}").status_code == 404
    assert order_id not in other_owner_browser.get("/dashboard/orders").text
    page = other_owner_browser.get("/dashboard/orders")
    answer = other_owner_browser.post(
        f"/dashboard/orders/{order_id}/refund",
        data={"csrf_token": token(page.text), "idempotency_key": "k1", "amount": "1.00"},
    )
    assert answer.status_code == 404


def test_an_order_paid_after_its_stock_had_gone_is_flagged_until_it_is_refunded(
    *,
    browser: TestClient,
    owner: Owner,
    customer: Browser,
    engine: Engine,
    clock: ManualClock,
) -> None:
    # The customer checks out all three mugs, goes back and checks out again elsewhere (the
    # mugs go to the second order), then pays the first checkout anyway.
    first = checked_out(customer, "titanium-camp-mug", quantity=3)
    assert customer.check_out(DENVER | {"shipping_city": "Boulder"}).status_code == 303
    paid = customer.pay(first)
    run_duties(engine, clock)
    found = re.search(r"ord_\w+", paid.headers["location"])
    assert found is not None
    order_id = found.group(0)

    sign_in(browser, owner.email, owner.password)
    assert "paid refund due" in row_of(browser.get("/dashboard/orders").text, order_id)
    page = browser.get(f"/dashboard/orders/{order_id}")
    assert "had sold out by then: refund the customer." in text_of(page)
    left = re.search(r'name="amount"[^>]*value="([\d.]+)"', page.text)
    assert left is not None
    refunded = browser.post(
        f"/dashboard/orders/{order_id}/refund",
        data=refund_form(browser, order_id) | {"amount": left.group(1)},
    )
    assert refunded.status_code == 303
    listed = row_of(browser.get("/dashboard/orders").text, order_id)
    assert "refunded" in listed
    assert "refund due" not in listed
