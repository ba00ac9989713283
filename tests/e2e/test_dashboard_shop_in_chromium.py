"""The demo shop's owner runs the shop from the dashboard in a real browser, against the
running demo: signs in, lists a new product with a variant and its stock (after being told
what was wrong with the first try), finds it in the storefront, counts more stock in; a
customer buys it; the owner finds the order, opens it, and refunds part of it. On a
phone-sized screen too. Every page is photographed; any breach of the pages'
Content-Security-Policy fails."""

from __future__ import annotations

import re
from typing import Any

import stripe
from browser import shot
from running_demo import RunningDemo
from shop_pages import continue_to_payment, pay_with_card, wait_until_paid
from stripe_client import as_merchant

CUSTOMER = "hiker@example.com"


def sign_in(page: Any, demo: RunningDemo) -> None:
    login = demo.details["dashboard_login"]
    page.goto(demo.details["dashboard_url"])
    page.get_by_label("E-mail").fill(login["email"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Overview").wait_for()


def list_the_tent(page: Any) -> None:
    page.get_by_role("link", name="Products", exact=True).click()
    page.get_by_role("heading", name="Products", exact=True).wait_for()
    shot(page, "products")
    page.get_by_role("link", name="New product").click()
    page.get_by_label("Name").fill("Summit Tent")
    page.get_by_label("Description").fill("A two-person tent that shrugs off wind and snow.")
    page.get_by_label("Shelf").select_option(label="Packs & accessories")
    page.get_by_label("Price in USD").fill("289,00")  # a comma: not how US dollars are written
    page.get_by_label("Size").fill("2P")
    page.get_by_label("Colour", exact=True).fill("Sunrise")
    page.get_by_label("On hand").fill("3")
    page.get_by_role("button", name="Create product").click()
    page.get_by_text("Enter a price in USD, such as $12.50.").wait_for()
    shot(page, "new-product-problem")
    page.get_by_label("Price in USD").fill("289.00")
    page.get_by_role("button", name="Create product").click()
    page.get_by_text("Product created. It is on sale in your shop.").wait_for()
    assert "On hand 3 Reserved 0 Available 3" in " ".join(
        page.locator("dl.stock").inner_text().split()
    )
    shot(page, "product-created")


def buy_the_tent(page: Any, storefront: str) -> None:
    page.goto(f"{storefront}/p/summit-tent")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("Added to your cart.").wait_for()
    page.goto(f"{storefront}/checkout")
    page.get_by_label("E-mail").fill(CUSTOMER)
    for name, value in (
        ("name", "Alex Hiker"),
        ("line1", "1500 Wynkoop St"),
        ("postal_code", "80202"),
        ("city", "Denver"),
    ):
        page.locator(f"#shipping_{name}").fill(value)
    page.locator("#shipping_state").select_option("CO")
    page.locator("#shipping_country").select_option("US")
    continue_to_payment(page)
    pay_with_card(page, "Alex Hiker")
    wait_until_paid(page)
    shot(page, "customer-paid")


def test_the_owner_lists_a_product_counts_stock_and_refunds_its_order(
    demo: RunningDemo, watched: Any
) -> None:
    page = watched
    storefront = demo.details["storefront_url"]
    sign_in(page, demo)
    list_the_tent(page)

    page.goto(f"{storefront}/p/summit-tent")
    page.get_by_role("heading", name="Summit Tent").wait_for()
    assert page.get_by_text("$289.00").first.is_visible()
    assert page.get_by_text("Only 3 left").first.is_visible()
    shot(page, "storefront-product")

    page.go_back()
    page.get_by_label("On hand").first.fill("8")
    page.get_by_role("button", name="Save Sunrise / 2P").click()
    page.get_by_text("Saved.").wait_for()
    assert "On hand 8" in " ".join(page.locator("dl.stock").inner_text().split())
    shot(page, "stock-counted")
    page.goto(f"{storefront}/p/summit-tent")
    assert page.get_by_text("In stock").first.is_visible()

    buy_the_tent(page, storefront)

    page.goto(demo.details["dashboard_url"] + "orders")
    row = page.get_by_role("row").filter(has_text=CUSTOMER)
    assert "paid" in row.inner_text()
    shot(page, "orders")
    row.get_by_role("link").click()
    page.get_by_role("heading", name=re.compile(r"^Order ord_")).wait_for()
    assert page.get_by_text("Summit Tent").first.is_visible()
    assert page.get_by_text("Visa •••• 4242").is_visible()
    shot(page, "order")
    page.get_by_label(re.compile(r"^Amount to refund")).fill("50.00")
    page.get_by_role("button", name="Refund").click()
    page.get_by_text("Refunded $50.00.").wait_for()
    assert page.get_by_text("partially refunded").first.is_visible()
    shot(page, "order-partly-refunded")
    intent_id = page.locator("dd code").inner_text()
    with as_merchant(demo, {"secret_key": demo.details["secret_key"]}):
        refunds = stripe.Refund.list(payment_intent=intent_id)
    assert [refund.amount for refund in refunds.data] == [5000]

    page.goto(demo.details["dashboard_url"] + "products")
    assert "Summit Tent" in page.get_by_role("row").filter(has_text="Summit Tent").inner_text()
    shot(page, "products-after-the-sale")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(demo.details["dashboard_url"] + "orders")
    shot(page, "orders-on-a-phone")
    page.get_by_role("link", name="Products", exact=True).click()
    page.get_by_role("link", name="Summit Tent").click()
    assert "On hand 7 Reserved 0 Available 7" in " ".join(
        page.locator("dl.stock").inner_text().split()
    )  # 8, one sold
    shot(page, "product-on-a-phone")
    page.get_by_label("On hand").first.fill("9")
    page.get_by_label("On hand").first.press("Enter")  # the keyboard sends the form
    page.get_by_text("Saved.").wait_for()
    assert "On hand 9" in " ".join(page.locator("dl.stock").inner_text().split())
