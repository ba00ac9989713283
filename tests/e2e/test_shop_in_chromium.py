"""The storefront in a real browser, against the running demo: a customer browses the
outdoor shop, fills a cart, checks out, pays with 4242 4242 4242 4242 on the gateway's
hosted page, and watches the confirmation turn paid once the worker has seen
``checkout.session.completed``. A French consumer pays French VAT to a German shop; a
French business with a VAT number is reverse charged. Every page is photographed."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import shot
from pypdf import PdfReader
from running_demo import RunningDemo
from shop_pages import continue_to_payment, fill_address, pay_with_card, wait_until_paid

from mercato.clock import clock_for
from mercato.database.engine import create_engine
from mercato.settings import Settings
from mercato.shop.demo import seed_demo_shop


@dataclass(frozen=True)
class Storefront:
    url: str
    dashboard: str
    owner: dict[str, str]


@pytest.fixture(scope="module")
def storefront(shared_demo: RunningDemo) -> Storefront:
    """The outdoor shop of a German merchant, seeded in the demo's platform database, and
    its owner's dashboard login (the dashboard shows the demo mailbox's receipts)."""
    made = shared_demo.create_merchant("Trailhead GmbH", country="DE", currency="eur")
    engine = create_engine(shared_demo.details["databases"]["platform"])
    try:
        clock = clock_for(Settings(data_dir=shared_demo.data_dir))
        path = seed_demo_shop(engine, clock, made["id"])
    finally:
        engine.dispose()
    base = shared_demo.details["api_base"]
    owner = shared_demo.dashboard_user(made["id"], "owner@trailhead.test")
    return Storefront(f"{base}{path}", f"{base}/dashboard/", owner)


def add_to_cart(
    page: Any, storefront: Storefront, product: str, variant: str | None = None
) -> None:
    page.goto(f"{storefront.url}/p/{product}")
    if variant is not None:
        page.locator(".variant-label").get_by_text(variant, exact=True).click()
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("Added to your cart.").wait_for()


def the_receipt_pdf(page: Any, storefront: Storefront, customer: str) -> str:
    """Sign in to the shop's dashboard, wait in the mailbox for the receipt sent to
    ``customer``, download its PDF and return the PDF's text."""
    page.goto(storefront.dashboard)
    page.get_by_label("E-mail").fill(storefront.owner["email"])
    page.get_by_label("Password").fill(storefront.owner["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Overview").wait_for()
    letter = page.locator("article.letter").filter(has_text=f"To {customer}")
    deadline = time.monotonic() + 60  # the worker's outbox sends it: seconds, not a page load
    while True:
        page.goto(storefront.dashboard + "mailbox")
        if letter.count() or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    assert letter.count() == 1, f"no receipt for {customer} in the mailbox"
    assert "Your receipt from Trailhead" in letter.get_by_role("heading").inner_text()
    shot(page, "mailbox-receipt")
    with page.expect_download() as download:
        letter.get_by_role("link", name=re.compile(r"^receipt-.*\.pdf$")).click()
    pdf = Path(download.value.path()).read_bytes()
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_customer_browses_fills_a_cart_and_pays_and_the_order_turns_paid(
    watched: Any, storefront: Storefront
) -> None:
    page = watched
    page.goto(storefront.url)
    assert page.get_by_role("heading", name="Trailhead Outfitters").is_visible()
    assert page.get_by_text("Only 3 left").first.is_visible()
    shot(page, "catalog")
    page.get_by_role("link", name="Camp kitchen").click()
    shot(page, "category")
    page.get_by_label("Search the shop").fill("coffee")
    page.get_by_label("Search the shop").press("Enter")
    assert page.get_by_text("Pour-over Coffee Kit").is_visible()
    shot(page, "search")

    page.goto(f"{storefront.url}/p/ridgeline-rain-jacket")
    shot(page, "product")
    add_to_cart(page, storefront, "ridgeline-rain-jacket", "Slate / M")
    add_to_cart(page, storefront, "titanium-camp-mug")
    assert page.get_by_text("Only 3 left").is_visible()  # nothing is held until checkout
    shot(page, "cart")

    page.get_by_role("link", name="Check out").click()
    fill_address(
        page,
        email="jonas@example.de",
        name="Jonas Weber",
        line1="Torstraße 1",
        postal_code="10119",
        city="Berlin",
        country="DE",
    )
    shot(page, "checkout")
    continue_to_payment(page)
    assert page.get_by_text("VAT 19%").is_visible()
    shot(page, "hosted-page")
    pay_with_card(page, "Jonas Weber")
    shot(page, "confirming")
    wait_until_paid(page)
    assert page.locator("tr.total").inner_text().split() == ["Total", "paid", "€178.00"]
    shot(page, "paid")

    page.go_back()  # to the hosted page: paid, and nothing more to pay
    page.goto(f"{storefront.url}/cart")
    assert page.get_by_text("Your cart is empty.").is_visible()
    shot(page, "cart-after-paying")

    receipt = the_receipt_pdf(page, storefront, "jonas@example.de")
    for seen in ("Ridgeline Rain Jacket", "Titanium Camp Mug", "€178.00", "4242", "Trailhead"):
        assert seen in receipt, f"{seen!r} is not on the PDF receipt"
    assert "4242424242424242" not in receipt.replace(" ", "")


def test_a_french_consumer_pays_french_vat_to_a_german_shop(
    watched: Any, storefront: Storefront
) -> None:
    page = watched
    add_to_cart(page, storefront, "daypack-24", "Ember")
    page.goto(f"{storefront.url}/checkout")
    fill_address(
        page,
        email="camille@example.fr",
        name="Camille Martin",
        line1="12 rue de Rivoli",
        postal_code="75001",
        city="Paris",
        country="FR",
    )
    page.get_by_role("button", name="Update totals").click()
    assert page.get_by_text("Includes VAT 20%").is_visible()
    shot(page, "checkout-france")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/pay/cs_"))
    assert page.get_by_role("button", name="Pay €98.90").is_visible()
    shot(page, "hosted-page-france")
    pay_with_card(page, "Camille Martin")
    wait_until_paid(page)
    assert page.get_by_text("(20%)").first.is_visible()
    shot(page, "paid-france")


def test_a_french_business_is_reverse_charged(watched: Any, storefront: Storefront) -> None:
    page = watched
    add_to_cart(page, storefront, "granite-hiking-boots", "42")
    page.goto(f"{storefront.url}/checkout")
    fill_address(
        page,
        email="achats@example.fr",
        name="Atelier Martin SARL",
        line1="3 quai Saint-Vincent",
        postal_code="69001",
        city="Lyon",
        country="FR",
    )
    page.get_by_label(re.compile("EU VAT number")).fill("FR12 3456")
    page.get_by_role("button", name="Update totals").click()
    assert page.get_by_text("This VAT number is not valid").first.is_visible()
    shot(page, "invalid-vat-number")
    page.get_by_label(re.compile("EU VAT number")).fill("FR40303265045")
    continue_to_payment(page)
    shot(page, "hosted-page-reverse-charge")
    pay_with_card(page, "Claire Martin")
    wait_until_paid(page)
    assert page.get_by_text("Tax (reverse charge)").is_visible()
    assert page.get_by_text(
        "Reverse charge: VAT to be accounted for by the recipient"
    ).first.is_visible()
    shot(page, "paid-reverse-charge")
