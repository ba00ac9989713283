"""What a customer does on the storefront's checkout and the gateway's hosted page, as the
browser tests of the shop and of the dashboard both need it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

YEAR = dt.datetime.now(dt.UTC).year % 100 + 2


def fill_address(page: Any, **address: str) -> None:
    page.get_by_label("E-mail").fill(address["email"])
    for name in ("name", "line1", "postal_code", "city"):
        page.locator(f"#shipping_{name}").fill(address[name])
    page.locator("#shipping_country").select_option(address["country"])


def continue_to_payment(page: Any) -> None:
    """Update the totals for the address, then continue (as the page asks)."""
    page.get_by_role("button", name="Update totals").click()
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/pay/cs_"))


def pay_with_card(page: Any, name: str) -> None:
    page.get_by_label("Card number").fill("4242424242424242")
    page.get_by_label("Expiry date (MM / YY)").fill(f"12{YEAR:02d}")
    page.get_by_label("Security code (CVC)").fill("123")
    page.get_by_label("Name on card").fill(name)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/orders/ord_"))


def wait_until_paid(page: Any) -> None:
    """The confirmation refreshes itself until the worker has processed the event."""
    page.get_by_text("Thank you: your order is paid").wait_for(timeout=30_000)
