"""The world a checkout test plays in: a merchant calling the v1 API with its secret key,
and a customer's browser on the gateway's hosted pages (and the bank's 3-D Secure page)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

VISA = "4242424242424242"
INSUFFICIENT_FUNDS = "4000000000009995"
REQUIRES_3DS = "4000002500003155"
SUCCESS_URL = "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://shop.example/cart"


@dataclass
class Shop:
    """A merchant as its server calls the API: form-encoded, with its secret key."""

    api: TestClient
    merchant_id: str
    headers: dict[str, str]

    def post(self, path: str, key: str | None = None, **params: Any) -> Response:
        headers = self.headers | ({"Idempotency-Key": key} if key else {})
        return self.api.post(path, data=form(params), headers=headers)

    def get(self, path: str, **params: Any) -> Response:
        return self.api.get(path, params=form(params), headers=self.headers)

    def made(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.post(path, **params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def refused(self, path: str, status: int = 400, **params: Any) -> dict[str, Any]:
        response = self.post(path, **params)
        assert response.status_code == status, response.text
        error: dict[str, Any] = response.json()["error"]
        return error

    def read(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def events(self, type: str) -> list[dict[str, Any]]:
        return list(self.read("/v1/events", type=type, limit=100)["data"])

    def price(self, amount: int = 2500, currency: str = "usd", name: str = "T-shirt") -> str:
        made = self.made(
            "/v1/prices", currency=currency, unit_amount=amount, product_data={"name": name}
        )
        return str(made["id"])

    def session(self, *lines: tuple[str, int], **params: Any) -> dict[str, Any]:
        """A Checkout Session selling ``lines`` of (price id, quantity)."""
        return self.made(
            "/v1/checkout/sessions",
            **{
                "mode": "payment",
                "success_url": SUCCESS_URL,
                "cancel_url": CANCEL_URL,
                "line_items": [{"price": price, "quantity": n} for price, n in lines],
                **params,
            },
        )


def form(params: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Stripe's bracket notation: ``{"card": {"number": 1}}`` -> ``card[number]=1``."""
    flat: dict[str, str] = {}
    for name, value in params.items():
        key = f"{prefix}[{name}]" if prefix else name
        if isinstance(value, dict):
            flat.update(form(value, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                flat.update(form({str(index): item}, key))
        else:
            flat[key] = str(value)
    return flat


class Customer:
    """A customer's browser: the gateway's pages (cookies kept), and the bank's."""

    def __init__(self, gateway: TestClient, bank: TestClient | None = None) -> None:
        self.gateway = gateway
        self.bank = bank

    def open(self, url: str) -> Response:
        return self.gateway.get(url, follow_redirects=False)

    def pay(
        self,
        url: str,
        number: str = VISA,
        *,
        email: str = "ada@example.com",
        expiry: str = "12 / 34",
        cvc: str = "123",
        name: str = "Ada Lovelace",
        page: Response | None = None,
    ) -> Response:
        """Fill in the page's card form and press Pay; the gateway's answer, unfollowed."""
        page = page or self.open(url)
        fields = {"csrf_token": csrf_token(page.text), "email": email, "number": number}
        fields |= {"expiry": expiry, "cvc": cvc, "name": name}
        return self.gateway.post(url, data=fields, follow_redirects=False)

    def answer_challenge(self, challenge_url: str, outcome: str = "complete") -> str:
        """The bank's 3-D Secure page, answered; where the bank sends the browser."""
        assert self.bank is not None
        page = self.bank.get(challenge_url)
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert token is not None
        answered = self.bank.post(
            challenge_url,
            data={"csrf_token": token.group(1), "outcome": outcome},
            follow_redirects=False,
        )
        assert answered.status_code == 303
        return str(answered.headers["location"])

    def follow(self, response: Response) -> Response:
        """Follow one redirect on the gateway."""
        assert response.status_code == 303, response.text
        return self.open(response.headers["location"])


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert found is not None, "the page has no payment form"
    return found.group(1)


def text_of(page: Response) -> str:
    """The page's words, without its markup, for asserting what a person reads."""
    without_tags = re.sub(r"<[^>]+>", " ", page.text)
    return " ".join(html.unescape(without_tags).split())
