"""The world a shop test plays in: a customer's browser on the shop's pages (cookies
kept) and on the gateway's hosted payment page, and the worker's duties run on demand."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.engine import Engine

from mercato.clock import Clock
from mercato.shop import payments

VISA = "4242424242424242"

FRENCH_ADDRESS = {
    "email": "camille@example.fr",
    "shipping_name": "Camille Martin",
    "shipping_line1": "12 rue de Rivoli",
    "shipping_city": "Paris",
    "shipping_postal_code": "75001",
    "shipping_country": "FR",
    "billing_same": "1",
}
GERMAN_ADDRESS = FRENCH_ADDRESS | {
    "email": "jonas@example.de",
    "shipping_name": "Jonas Weber",
    "shipping_line1": "Torstraße 1",
    "shipping_city": "Berlin",
    "shipping_postal_code": "10119",
    "shipping_country": "DE",
}


def text_of(page: Response) -> str:
    """The page's words, without its markup, for asserting what a person reads."""
    without_tags = re.sub(r"<[^>]+>", " ", page.text)
    return " ".join(html.unescape(without_tags).split())


def csrf_token(page: Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, "the page has no form"
    return found.group(1)


class Browser:
    """One customer's browser on the shop (``path``: ``/shop/{slug}``)."""

    def __init__(self, client: TestClient, path: str) -> None:
        self.client = client
        self.path = path

    def open(self, url: str) -> Response:
        return self.client.get(url if url.startswith(("/", "http")) else f"{self.path}/{url}")

    def variants(self, product: str) -> dict[str, str]:
        """The product's variants on its page: label -> id."""
        page = self.open(f"p/{product}")
        found = re.findall(
            r'name="variant" value="([^"]+)"[^>]*>\s*<span class="variant-label">([^<]+)<',
            page.text,
        )
        return {label: variant for variant, label in found}

    def add(self, product: str, variant: str = "Standard", quantity: int = 1) -> Response:
        """Choose a variant by its label and press Add to cart; the page it leads to."""
        page = self.open(f"p/{product}")
        fields = {
            "csrf_token": csrf_token(page),
            "product": product,
            "variant": self.variants(product)[variant],
            "quantity": str(quantity),
        }
        return self.client.post(f"{self.path}/cart/add", data=fields)

    def cart(self) -> Response:
        return self.open("cart")

    def post_form(self, to: str, **fields: str) -> Response:
        page = self.cart()
        return self.client.post(f"{self.path}/{to}", data={"csrf_token": csrf_token(page)} | fields)

    def line_ids(self) -> list[str]:
        return re.findall(r'action="[^"]*/cart/lines/([^"]+)"', self.cart().text)

    def check_out(self, details: dict[str, str], *, follow: bool = False) -> Response:
        """Fill in the checkout form, update the totals, and continue to payment."""
        page = self.open("checkout")
        fields = {"csrf_token": csrf_token(page)} | details
        reviewed = self.client.post(f"{self.path}/checkout", data=fields | {"action": "review"})
        shown = re.search(r'name="shown_total" value="(\d+)"', reviewed.text)
        if shown is not None:
            fields["shown_total"] = shown.group(1)
        return self.client.post(
            f"{self.path}/checkout", data=fields | {"action": "pay"}, follow_redirects=follow
        )

    def pay(self, session_url: str, number: str = VISA) -> Response:
        """On the gateway's hosted page: the card, then Pay; the answer, unfollowed."""
        page = self.client.get(session_url)
        fields = {
            "csrf_token": csrf_token(page),
            "email": "camille@example.fr",
            "number": number,
            "expiry": "12 / 34",
            "cvc": "123",
            "name": "Camille Martin",
        }
        return self.client.post(session_url, data=fields, follow_redirects=False)


def run_duties(engine: Engine, clock: Clock) -> dict[str, int]:
    """What a worker's shop duties do on their next run."""
    return {
        "confirmed": payments.confirm_due(engine, clock),
        "released": payments.release_expired(engine, clock),
    }


def amounts(page: Response) -> list[str]:
    return re.findall(r"€[\d,]+\.\d\d", text_of(page))


def field(page: Response, name: str) -> Any:
    found = re.search(rf'name="{name}" value="([^"]*)"', page.text)
    return None if found is None else found.group(1)
