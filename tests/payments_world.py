"""The world a payments test plays in: a shop (a merchant calling the v1 API), the issuing
bank behind a real ISO 8583 socket (which a test can slow down or stop), and the bank's 3-D
Secure pages, which the customer's browser visits."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import reading
from mercato.issuer import IssuingBank
from mercato.ledger import Ledger
from mercato.ledger.errors import AccountNotFound
from mercato.money import Currency
from mercato.network import AuthorizationRequest, NetworkServer, Request, Response, RunningServer
from mercato.outbox import Worker
from mercato.processor import books
from mercato.processor.tables import authorisations

VISA = "4242424242424242"
NEXT_YEAR = 2027


@dataclass
class Wire:
    """The issuer's ISO 8583 port, with a delay a test may put before or after the bank
    answers an authorisation (a slow issuer), and the messages it saw."""

    bank: IssuingBank
    clock: ManualClock
    delay_before: float = 0.0
    delay_after: float = 0.0
    seen: list[str] = field(default_factory=list)
    server: RunningServer | None = None
    address: tuple[str, int] = ("127.0.0.1", 0)

    async def handle(self, request: Request) -> Response:
        self.seen.append(request.MTI)
        slow = isinstance(request, AuthorizationRequest)
        if slow and self.delay_before:
            await asyncio.sleep(self.delay_before)
        response = await self.bank.handle(request)
        if slow and self.delay_after:
            await asyncio.sleep(self.delay_after)
        return response

    def start(self) -> tuple[str, int]:
        self.server = NetworkServer(self.handle, "127.0.0.1", 0, clock=self.clock).run_in_thread()
        self.address = self.server.address
        return self.address

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def restart(self) -> None:
        """Serve again on the same port (the processor's setting names it)."""
        self.server = NetworkServer(
            self.handle, "127.0.0.1", self.address[1], clock=self.clock
        ).run_in_thread()


class Shop:
    """A merchant calling the v1 API with its secret key (form-encoded, as Stripe's
    clients send it), and a browser for the pages around 3-D Secure."""

    def __init__(self, api: TestClient, acs: TestClient, secret_key: str) -> None:
        self.api = api
        self.acs = acs
        self.headers = {"Authorization": f"Bearer {secret_key}"}

    def post(self, path: str, key: str | None = None, **params: Any) -> tuple[int, dict[str, Any]]:
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        response = self.api.post(path, data=_form(params), headers=headers)
        body: dict[str, Any] = response.json()
        return response.status_code, body

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.api.get(path, params=_form(params), headers=self.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def pay(
        self, number: str = VISA, amount: int = 2000, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        """A payment intent made and confirmed at once with a card typed in."""
        card = {"number": number, "exp_month": 12, "exp_year": NEXT_YEAR, "cvc": "123"}
        return self.post(
            "/v1/payment_intents",
            amount=amount,
            currency="usd",
            confirm="true",
            payment_method_data={"type": "card", "card": card},
            **params,
        )

    def intent(self, intent_id: str, **params: Any) -> dict[str, Any]:
        return self.get(f"/v1/payment_intents/{intent_id}", **params)

    def answer_challenge(self, challenge_url: str, outcome: str = "complete") -> str:
        """The customer answers the bank's challenge page; returns where the bank sends the
        browser next (the gateway's return page)."""
        page = self.acs.get(challenge_url)
        assert page.status_code == 200, page.text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert token is not None
        answered = self.acs.post(
            challenge_url,
            data={"csrf_token": token.group(1), "outcome": outcome},
            follow_redirects=False,
        )
        assert answered.status_code == 303
        return str(answered.headers["location"])

    def come_back(self, gateway_return_url: str) -> str:
        """The browser arrives at the gateway's return page; returns where it is sent."""
        response = self.api.get(gateway_return_url, follow_redirects=False)
        assert response.status_code == 303, response.text
        return str(response.headers["location"])


def _form(params: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Stripe's bracket notation: ``{"card": {"number": 1}}`` -> ``card[number]=1``."""
    flat: dict[str, str] = {}
    for name, value in params.items():
        key = f"{prefix}[{name}]" if prefix else name
        if isinstance(value, dict):
            flat.update(_form(value, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                flat[f"{key}[{index}]"] = str(item)
        else:
            flat[key] = str(value)
    return flat


def balance(engine: Engine, code: str) -> tuple[int, int]:
    """An account of the platform's books: (posted, pending) in minor units of its
    currency, towards its normal side."""
    with Ledger(engine).reading() as book:
        try:
            found = book.balance(code)
        except AccountNotFound:
            return 0, 0  # never opened: nothing ever moved
    return found.posted.minor, found.pending.minor


def merchant_balance(engine: Engine, merchant_id: str) -> tuple[int, int]:
    return balance(engine, books.merchant_balance(merchant_id, Currency.of("USD")))


def issuer_authorisations(bank: IssuingBank) -> list[dict[str, Any]]:
    """The bank's record of every authorisation, oldest first: status and amounts."""
    from mercato.issuer.tables import authorisations as bank_authorisations

    with reading(bank.engine) as connection:
        rows = connection.execute(
            bank_authorisations.select().order_by(bank_authorisations.c.id)
        ).mappings()
        return [dict(row) for row in rows]


def processor_authorisations(engine: Engine) -> list[dict[str, Any]]:
    with reading(engine) as connection:
        rows = connection.execute(authorisations.select().order_by(authorisations.c.id))
        return [dict(row) for row in rows.mappings()]


def run_jobs(worker: Worker, clock: ManualClock, *, after_seconds: float = 60) -> int:
    """Move the clock on and let the worker run what is due."""
    import datetime as dt

    clock.advance(dt.timedelta(seconds=after_seconds))
    return worker.run_once(limit=50)
