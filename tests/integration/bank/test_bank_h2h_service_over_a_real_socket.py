"""The platform exchanges files with the bank host to host, over HTTP on a real socket:
it sends a payout file, the bank applies it on its processing day, and the platform fetches
the returns and the statements the bank made for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx2
import pytest
from bank_files import UNKNOWN_ACCOUNT_NUMBER, Parties, nacha_file, us

from mercato.bank import CommercialBank
from mercato.bank.sandbox import read_token
from mercato.bankfiles.accounts import UsBankAccount
from mercato.bankfiles.camt053 import read_camt053
from mercato.bankfiles.nacha import read_ach_file, returns_in
from mercato.clock import ManualClock
from mercato.money import Money
from serving import serving


@pytest.fixture
def h2h(bank: CommercialBank, parties: Parties) -> Iterator[httpx2.Client]:
    """The platform's H2H client, with the token the bank wrote into the data directory."""
    token = read_token(bank.settings.data_dir)
    with serving(bank.app(b"test-secret")) as url:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx2.Client(base_url=url, headers=headers, timeout=30) as client:
            yield client


def test_a_payout_file_sent_host_to_host_is_applied_and_its_returns_come_back(
    h2h: httpx2.Client, bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    unknown = UsBankAccount(parties.acme_usd.routing_number, UNKNOWN_ACCOUNT_NUMBER)
    content = nacha_file(
        [("po_1", 12_345, us(parties.acme_usd)), ("po_2", 500, unknown)], created_at=clock.now()
    )
    name = {"X-File-Name": "payouts-20261102-0001.ach"}
    sent = h2h.post("/h2h/files", content=content, headers=name)
    assert sent.status_code == 202
    assert sent.json()["kind"] == "nacha"
    assert sent.json()["status"] == "received"
    again = h2h.post("/h2h/files", content=content, headers=name)
    assert (again.status_code, again.json()["id"]) == (200, sent.json()["id"])
    other = h2h.post("/h2h/files", content=content.replace(b"12345", b"12346"), headers=name)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "file_name_reused"

    clock.advance(dt.timedelta(hours=7))
    bank.run_due()

    files = h2h.get("/h2h/files").json()["data"]
    kinds = [f["kind"] for f in files]
    assert kinds.count("nacha-returns") == 1
    assert "camt.053" in kinds
    returns = next(f for f in files if f["kind"] == "nacha-returns")
    text = h2h.get(f"/h2h/files/{returns['id']}").text
    assert [r.reason_code for r in returns_in(read_ach_file(text))] == ["R03"]
    assert h2h.get("/h2h/files", params={"after": files[-1]["id"]}).json()["data"] == []

    statement_file = next(f for f in files if f["kind"] == "camt.053")
    (statement,) = read_camt053(h2h.get(f"/h2h/files/{statement_file['id']}").content).statements
    assert statement.closing_balance == bank.balance(parties.platform_usd).posted.minor
    assert [e.transactions[0].remittance for e in statement.entries if e.direction == "DBIT"] == [
        "PO_1"
    ]


def test_a_file_the_bank_cannot_read_is_refused_naming_the_line(h2h: httpx2.Client) -> None:
    answer = h2h.post(
        "/h2h/files", content=b"1" + b"x" * 93 + b"\n", headers={"X-File-Name": "bad.ach"}
    )
    assert answer.status_code == 422
    assert "line 1" in answer.json()["error"]["message"]


def test_without_the_token_nothing_is_served(h2h: httpx2.Client) -> None:
    answer = h2h.get("/h2h/files", headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "authentication_error"


def test_interbank_settlement_over_h2h_is_idempotent_and_refused_without_funds(
    h2h: httpx2.Client, bank: CommercialBank, parties: Parties
) -> None:
    issuer_usd = parties.sandbox.issuer_accounts["USD"]
    body = {
        "id": "stl_20261102_visa",
        "from_account": issuer_usd.account_number,
        "to_account": parties.platform_usd.account_number,
        "amount": 250_000,
        "currency": "usd",
        "reference": "Clearing 2026-11-02",
    }
    first = h2h.post("/h2h/settlements", json=body)
    assert first.status_code == 200, first.text
    assert h2h.post("/h2h/settlements", json=body).json() == first.json()
    assert bank.balance(parties.platform_usd).posted == Money.from_major("12500", "USD")
    changed = h2h.post("/h2h/settlements", json={**body, "amount": 1})
    assert changed.json()["error"]["code"] == "settlement_id_reused"

    too_much = {**body, "id": "stl_2", "from_account": parties.platform_usd.account_number,
                "to_account": issuer_usd.account_number, "amount": 10**12}  # fmt: skip
    refused = h2h.post("/h2h/settlements", json=too_much)
    assert (refused.status_code, refused.json()["error"]["code"]) == (402, "insufficient_funds")
    assert bank.balance(parties.platform_usd).posted == Money.from_major("12500", "USD")
