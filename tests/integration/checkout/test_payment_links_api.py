"""``/v1/payment_links`` and the public page of a link: a shop owner with no server of
their own sells through a link, or a "Buy now" button pasted into any page."""

from __future__ import annotations

from typing import Any

import pytest

from checkout_world import Customer, Shop, text_of

STRIPE_LINK_FIELDS = {
    "active", "after_completion", "allow_promotion_codes", "application",
    "application_fee_amount", "application_fee_percent", "automatic_tax",
    "billing_address_collection", "consent_collection", "currency", "custom_fields",
    "custom_text", "customer_creation", "id", "inactive_message", "invoice_creation",
    "livemode", "managed_payments", "metadata", "object", "on_behalf_of",
    "payment_intent_data", "payment_method_collection", "payment_method_options",
    "payment_method_types", "phone_number_collection", "restrictions",
    "shipping_address_collection", "shipping_options", "submit_type", "subscription_data",
    "tax_id_collection", "transfer_data", "url",
}  # fmt: skip
LINKS = "/v1/payment_links"
THANKS = "https://shop.example/thanks"


@pytest.fixture
def link(shop: Shop) -> dict[str, Any]:
    """A poster, two to a buyer, with the customer sent back to the shop afterwards."""
    return shop.made(
        LINKS,
        line_items=[{"price": shop.price(1500, name="Harbour poster"), "quantity": 2}],
        after_completion={"type": "redirect", "redirect": {"url": THANKS}},
        metadata={"campaign": "autumn"},
    )


def test_a_payment_link_has_a_public_address(shop: Shop, link: dict[str, Any]) -> None:
    assert set(link) == STRIPE_LINK_FIELDS
    assert link["id"].startswith("plink_")
    assert link["url"] == f"http://testserver/b/{link['id']}"
    assert (link["object"], link["active"], link["currency"]) == ("payment_link", True, "usd")
    assert link["after_completion"] == {"type": "redirect", "redirect": {"url": THANKS}}
    assert link["metadata"] == {"campaign": "autumn"}
    assert shop.read(f"{LINKS}/{link['id']}") == link
    [item] = shop.read(f"{LINKS}/{link['id']}/line_items")["data"]
    assert (item["description"], item["quantity"], item["amount_total"]) == (
        "Harbour poster",
        2,
        3000,
    )
    [event] = shop.events("payment_link.created")
    assert event["data"]["object"] == link
    plain = shop.made(LINKS, line_items=[{"price": shop.price(), "quantity": 1}])
    assert plain["after_completion"] == {
        "type": "hosted_confirmation",
        "hosted_confirmation": {"custom_message": None},
    }


def test_a_visit_opens_a_checkout_session_for_what_the_link_sells(
    shop: Shop, customer: Customer, link: dict[str, Any]
) -> None:
    visit = customer.open(link["url"])
    assert visit.status_code == 303
    [session] = shop.read("/v1/checkout/sessions", payment_link=link["id"])["data"]
    assert visit.headers["location"] == session["url"]
    assert (session["amount_total"], session["success_url"]) == (3000, THANKS)
    assert (session["payment_link"], session["metadata"]) == (link["id"], {"campaign": "autumn"})
    assert "Harbour poster 2 \N{MULTIPLICATION SIGN} $15.00 $30.00" in text_of(
        customer.follow(visit)
    )
    # Each visit is a session of its own.
    customer.open(link["url"])
    assert len(shop.read("/v1/checkout/sessions", payment_link=link["id"])["data"]) == 2


def test_a_link_turned_off_says_so_and_sells_nothing(
    shop: Shop, customer: Customer, link: dict[str, Any]
) -> None:
    off = shop.made(
        f"{LINKS}/{link['id']}", active="false", inactive_message="Sold out until spring."
    )
    assert (off["active"], off["inactive_message"]) == (False, "Sold out until spring.")
    [event] = shop.events("payment_link.updated")
    assert event["data"]["previous_attributes"] == {"active": True, "inactive_message": None}
    page = customer.open(link["url"])
    assert page.status_code == 410
    assert "Sold out until spring." in text_of(page)
    assert shop.read("/v1/checkout/sessions")["data"] == []
    assert [x["id"] for x in shop.read(LINKS, active="false")["data"]] == [link["id"]]
    assert shop.read(LINKS, active="true")["data"] == []


def test_a_link_whose_price_was_archived_since_sells_nothing(
    shop: Shop, customer: Customer, link: dict[str, Any]
) -> None:
    [item] = shop.read(f"{LINKS}/{link['id']}/line_items")["data"]
    shop.made(f"/v1/prices/{item['price']['id']}", active="false")
    page = customer.open(link["url"])
    assert page.status_code == 410
    assert "no longer available" in text_of(page)


def test_the_buy_now_button_is_html_that_goes_to_the_link(shop: Shop, link: dict[str, Any]) -> None:
    button = shop.read(f"{LINKS}/{link['id']}/button")
    assert (button["object"], button["url"]) == ("payment_link_button", link["url"])
    assert button["html"].startswith(f'<a href="{link["url"]}"')
    assert ">Buy now</a>" in button["html"]
    labelled = shop.read(f"{LINKS}/{link['id']}/button", label="Get <b>yours</b>")
    assert ">Get &lt;b&gt;yours&lt;/b&gt;</a>" in labelled["html"]


def test_bad_links_are_refused_naming_the_parameter(shop: Shop) -> None:
    usd, eur, archived = shop.price(), shop.price(currency="eur"), shop.price()
    shop.made(f"/v1/prices/{archived}", active="false")
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({}, "line_items", "Missing required param"),
        ({"line_items": [{"price": usd}]}, "line_items[0][quantity]", "Missing required"),
        ({"line_items": [{"price": archived, "quantity": 1}]}, "line_items[0][price]", "archived"),
        (
            {"line_items": [{"price": usd, "quantity": 1}, {"price": eur, "quantity": 1}]},
            "line_items[1]",
            "one currency",
        ),
        (
            {
                "line_items": [{"price": usd, "quantity": 1}],
                "after_completion": {"type": "redirect"},
            },
            "after_completion[redirect][url]",
            "Missing required param",
        ),
        (
            {
                "line_items": [{"price": usd, "quantity": 1}],
                "after_completion": {"type": "redirect", "redirect": {"url": "ftp://x"}},
            },
            "after_completion[redirect][url]",
            "Not a valid URL",
        ),
    ]
    for params, param, message in cases:
        error = shop.refused(LINKS, **params)
        assert error["param"] == param, (params, error)
        assert message in error["message"], (params, error)


def test_a_merchant_sees_only_its_own_links(
    shop: Shop, other_shop: Shop, link: dict[str, Any]
) -> None:
    for path in (f"{LINKS}/{link['id']}", f"{LINKS}/{link['id']}/button"):
        assert other_shop.get(path).status_code == 404
    assert other_shop.refused(f"{LINKS}/{link['id']}", 404, active="false")["param"] == "id"
    assert other_shop.read(LINKS)["data"] == []
    assert shop.read(f"{LINKS}/{link['id']}")["active"] is True
