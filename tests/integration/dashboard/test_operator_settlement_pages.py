"""The operator's settlement pages, on a platform whose money really moved: two bakeries
are paid, the day is cleared with the issuer (which does not know one presentment), their
payouts go to the commercial bank in a NACHA file, one arrives and one comes back. The
operator sees the file and downloads its exact bytes, sees the issuer's report with its
difference, and reconciles; each bakery sees only its own payout, arrived or come back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from dashboard_world import PASSWORD, Owner, sign_in, token
from fastapi.testclient import TestClient
from operator_world import (
    UNKNOWN_ACCOUNT,
    Days,
    add_bank_account,
    bank_account_at,
    present_unknown_sale,
)
from sqlalchemy.engine import Engine
from starlette.applications import Starlette

from mercato.bank import CommercialBank
from mercato.bank.sandbox import provision
from mercato.clock import ManualClock
from mercato.dashboard import users
from mercato.database.engine import create_engine, reading, writing
from mercato.gateway.merchants import NewMerchant, create_merchant
from mercato.issuer import IssuingBank, clearing_http
from mercato.ledger import Ledger, verify
from mercato.processor.bins import SIMULATED_ISSUER
from mercato.settlement.bank_link import HttpBankLink
from mercato.settlement.clearing import Clearing, HttpIssuerClearing
from mercato.settlement.tables import payout_files
from payments_world import Shop
from postgres import postgres_database
from serving import serving

CLEARING_TOKEN = "clearing-link-token-of-this-test"
OPERATOR = Owner("ops@mercato.test", "a long operator password")


@dataclass
class World:
    app_client: TestClient
    days: Days

    def signed_in(self, email: str, password: str = PASSWORD) -> TestClient:
        """A browser signed in now (sessions last eight hours: after the days walked)."""
        client = TestClient(
            self.app_client.app, base_url="https://testserver", follow_redirects=False
        )
        assert sign_in(client, email, password).status_code == 303
        return client

    @property
    def operator(self) -> TestClient:
        return self.signed_in(OPERATOR.email, OPERATOR.password)

    @property
    def corner(self) -> TestClient:
        """Corner Bakery's owner: its payout arrives."""
        return self.signed_in("owner@corner.test")

    @property
    def other(self) -> TestClient:
        """Other Bakery's owner: its bank does not know the account."""
        return self.signed_in("owner@other.test")


@pytest.fixture
def commercial_bank(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> Iterator[CommercialBank]:
    """The commercial bank, writing the platform's token where the app reads it."""
    if database_url.startswith("sqlite"):
        url, dropped = f"sqlite:///{tmp_path / 'bank.sqlite3'}", None
    else:
        dropped = postgres_database()
        url = dropped.url
    from mercato.settings import Settings

    bank = CommercialBank(
        Settings(data_dir=tmp_path, bank_database_url=url), clock, engine=create_engine(url)
    ).open()
    provision(bank)
    try:
        yield bank
        with reading(bank.engine) as connection:
            assert verify(connection, "bank").findings == []
    finally:
        bank.close()
        if dropped is not None:
            dropped.drop()


@pytest.fixture
def world(
    *,
    app_client: TestClient,
    acs_browser: TestClient,
    engine: Engine,
    clock: ManualClock,
    merchant: NewMerchant,
    bank: IssuingBank,
    commercial_bank: CommercialBank,
    tmp_path: Path,
) -> Iterator[World]:
    state = app_client.app.state  # type: ignore[attr-defined]
    issuer_site = Starlette(routes=clearing_http.routes(bank.ledger, CLEARING_TOKEN))
    with serving(issuer_site) as issuer_url, serving(commercial_bank.app()) as bank_url:
        state.settings = state.settings.model_copy(update={"bank_url": bank_url})
        link = HttpBankLink(bank_url, token=None, token_file=tmp_path / "bank-h2h-token")
        house = Clearing(
            engine,
            Ledger(engine, clock),
            directory=tmp_path / "clearing",
            issuers={SIMULATED_ISSUER: HttpIssuerClearing(issuer_url, token=CLEARING_TOKEN)},
            bank=link,
        )
        with writing(engine) as connection:
            other = create_merchant(
                connection, name="Other Bakery", country="US", currency="usd", clock=clock
            )
            for owned, email in ((merchant, "owner@corner.test"), (other, "owner@other.test")):
                users.create(
                    connection,
                    merchant_id=owned.merchant.id,
                    email=email,
                    clock=clock,
                    password=PASSWORD,
                )
            users.create_operator(
                connection, email=OPERATOR.email, password=OPERATOR.password, clock=clock
            )
        corner_shop = Shop(app_client, acs_browser, merchant.secret_key)
        other_shop = Shop(app_client, acs_browser, other.secret_key)
        add_bank_account(
            corner_shop, merchant.merchant.id, bank_account_at(commercial_bank, "Corner Bakery")
        )
        add_bank_account(other_shop, other.merchant.id, UNKNOWN_ACCOUNT)
        assert corner_shop.pay(amount=10_000)[0] == 200
        assert other_shop.pay(amount=4_000)[0] == 200
        present_unknown_sale(engine, clock)
        keyring = state.payment_services.vault.keyring
        yield World(app_client, Days(engine, clock, keyring, house, link, commercial_bank))


def test_the_operator_finds_the_payout_file_and_downloads_its_exact_bytes(
    world: World, engine: Engine
) -> None:
    world.days.walk(3)
    operator = world.operator
    page = operator.get("/dashboard/settlement/payout-files")
    assert page.status_code == 200
    assert "Settlement" in page.text
    assert "NACHA" in page.text
    assert "acknowledged" in page.text
    assert "1 returned" in page.text
    with reading(engine) as connection:
        (kept,) = connection.execute(sa.select(payout_files)).all()
    assert f"{kept.payout_count}</td>" in page.text
    assert kept.payout_count == 2

    download = operator.get(f"/dashboard/settlement/payout-files/{kept.id}/download")
    assert download.status_code == 200
    assert download.content == kept.content
    assert download.headers["content-type"] == "text/plain; charset=us-ascii"
    assert download.headers["content-disposition"] == f'attachment; filename="{kept.name}"'


def test_the_issuers_report_shows_each_difference(world: World) -> None:
    world.days.walk(1)
    page = world.operator.get("/dashboard/settlement/clearing-files")
    assert page.status_code == 200
    assert SIMULATED_ISSUER in page.text
    assert "Unknown transaction" in page.text
    assert "unknown_transaction" in page.text
    assert "2 booked" in page.text
    assert "1 difference</span>" in page.text
    assert "Differences the issuers reported" in page.text
    assert "<td>no approved authorisation</td>" in page.text  # the issuer's own words
    assert "$140.00" in page.text  # the sales the issuer booked: what it owes


def test_reconciliation_lists_what_does_not_match_and_why(world: World) -> None:
    world.days.walk(3)
    operator = world.operator
    page = operator.get("/dashboard/settlement/reconciliation")
    assert "Not run yet." in page.text
    ran = operator.post(
        "/dashboard/settlement/reconciliation", data={"csrf_token": token(page.text)}
    )
    assert ran.status_code == 303
    page = operator.get(ran.headers["location"])
    assert "Reconciled just now." in page.text
    assert "by ops@mercato.test" in page.text
    assert "statement entries to payouts" in page.text
    assert "payouts to balance transactions" in page.text
    # The one thing that does not match: the sale the issuer never heard of.
    assert "Unmatched, and why" in page.text
    assert "unknown_transaction:" in page.text
    assert page.text.count("<td>clearing</td>") == 1


def test_a_reconciliation_without_its_token_is_refused(world: World) -> None:
    operator = world.operator
    refused = operator.post("/dashboard/settlement/reconciliation", data={})
    assert refused.status_code == 403
    page = operator.get("/dashboard/settlement/reconciliation")
    assert "Not run yet." in page.text


def test_each_bakery_sees_its_own_payout_arrive_or_come_back(world: World) -> None:
    world.days.walk(3)
    operator = world.operator
    page = operator.get("/dashboard/settlement/reconciliation")
    operator.post("/dashboard/settlement/reconciliation", data={"csrf_token": token(page.text)})

    corner = world.corner.get("/dashboard/payouts").text
    other = world.other.get("/dashboard/payouts").text
    assert "arrived" in corner
    assert "on the bank's statement" in corner
    assert "came back" not in corner
    assert "came back" in other
    assert "the account number is invalid" in other
    corner_ids = set(_payout_ids(corner))
    other_ids = set(_payout_ids(other))
    assert len(corner_ids) == len(other_ids) == 1
    assert not corner_ids & other_ids


def test_merchants_never_reach_the_settlement_pages(world: World, engine: Engine) -> None:
    world.days.walk(3)
    with reading(engine) as connection:
        file_id = connection.execute(sa.select(payout_files.c.id)).scalar_one()
    corner = world.corner
    for path in (
        "/dashboard/settlement",
        "/dashboard/settlement/payout-files",
        f"/dashboard/settlement/payout-files/{file_id}/download",
        "/dashboard/settlement/clearing-files",
        "/dashboard/settlement/reconciliation",
    ):
        answer = corner.get(path)
        assert answer.status_code == 404, path
        assert "We can't find this." in answer.text
        assert "Payout files" not in answer.text
    page = corner.get("/dashboard/payouts")
    assert ">Settlement<" not in page.text
    posted = corner.post(
        "/dashboard/settlement/reconciliation", data={"csrf_token": token(page.text)}
    )
    assert posted.status_code == 404


def _payout_ids(html: str) -> list[str]:
    import re

    return re.findall(r"<code>(po_[0-9A-Za-z]+)</code>", html)
