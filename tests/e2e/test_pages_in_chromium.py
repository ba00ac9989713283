"""Pages a person sees, in a real browser: the API reference, and the issuing bank's 3-D
Secure challenge as a cardholder meets it."""

from __future__ import annotations

from typing import Any

from browser import shot
from running_demo import RunningDemo


def test_the_api_reference_page_reads_well_in_a_browser(
    shared_demo: RunningDemo, browser_page: Any
) -> None:
    browser_page.goto(f"{shared_demo.details['api_base']}/docs")
    assert browser_page.title() == "Mercato API reference"
    assert browser_page.get_by_role("heading", name="customers", exact=True).is_visible()
    shot(browser_page, "reference")


def challenge(demo: RunningDemo, card: str, amount: int, return_url: str) -> dict[str, Any]:
    """Ask the bank's access control server to authenticate a payment, as a processor does."""
    with demo.client() as client:
        answer = client.post(
            demo.details["issuer_3ds_url"] + "authentications",
            json={
                "pan": card,
                "amount": amount,
                "currency": "usd",
                "merchant_name": "Mercato Demo Shop",
                "return_url": return_url,
            },
        )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_a_cardholder_completes_the_challenge_with_the_keyboard_and_returns_to_the_shop(
    shared_demo: RunningDemo, browser_page: Any, shop: str
) -> None:
    started = challenge(shared_demo, "4000002500003155", 4999, shop)
    assert started["status"] == "C"
    browser_page.goto(started["challenge_url"])
    shot(browser_page, "challenge")
    assert "$49.99" in browser_page.content()
    assert "4000002500003155" not in browser_page.content()
    complete = browser_page.get_by_role("button", name="Complete authentication")
    complete.focus()
    browser_page.keyboard.press("Enter")
    browser_page.wait_for_url(shop + "*")
    shot(browser_page, "back-at-the-shop")
    with shared_demo.client() as client:
        result = client.get(
            shared_demo.details["issuer_3ds_url"] + f"authentications/{started['id']}"
        ).json()
    assert result["status"] == "Y"
    assert result["authentication_value"]


def test_a_cardholder_who_fails_the_challenge_is_not_authenticated(
    shared_demo: RunningDemo, browser_page: Any, shop: str
) -> None:
    started = challenge(shared_demo, "4000002760003184", 1000, shop)
    browser_page.goto(started["challenge_url"])
    browser_page.get_by_role("button", name="Fail authentication").click()
    browser_page.wait_for_url(shop + "*")
    with shared_demo.client() as client:
        result = client.get(
            shared_demo.details["issuer_3ds_url"] + f"authentications/{started['id']}"
        ).json()
    assert result["status"] == "N"
