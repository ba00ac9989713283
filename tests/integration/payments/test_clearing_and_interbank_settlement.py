"""Clearing: after the day's cut-off the platform presents its captures and refunds to the
issuer in a clearing file; the issuer books them and reports; the net moves between the
banks at the commercial bank; every party's books follow and balance. The issuer takes
the file over HTTP and the commercial bank settles host to host, each on a real socket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from sqlalchemy.engine import Engine

from mercato.bank import CommercialBank
from mercato.bank.sandbox import provision
from mercato.clock import ManualClock
from mercato.database.engine import create_engine, reading
from mercato.issuer import IssuingBank, clearing_http
from mercato.ledger import Ledger, verify
from mercato.money import Currency
from mercato.network.clearing import ClearingFileReader
from mercato.processor import books as processor_books
from mercato.processor.bins import SIMULATED_ISSUER
from mercato.settings import Settings
from mercato.settlement import books as settlement_books
from mercato.settlement.bank_link import HttpBankLink
from mercato.settlement.clearing import Clearing, HttpIssuerClearing, file_id_of
from payments_world import Shop, balance
from postgres import postgres_database
from serving import serving

USD = Currency.of("USD")


@pytest.fixture
def commercial_bank(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> Iterator[CommercialBank]:
    """The commercial bank on the same backend, with the platform and the issuer as its
    customers; afterwards its books must verify."""
    if database_url.startswith("sqlite"):
        url, dropped = f"sqlite:///{tmp_path / 'bank.sqlite3'}", None
    else:
        dropped = postgres_database()
        url = dropped.url
    settings = Settings(data_dir=tmp_path / "bank", bank_database_url=url)
    bank = CommercialBank(settings, clock, engine=create_engine(url)).open()
    provision(bank)
    try:
        yield bank
        with reading(bank.engine) as connection:
            assert verify(connection, "bank").findings == []
    finally:
        bank.close()
        if dropped is not None:
            dropped.drop()


CLEARING_TOKEN = "the clearing link's shared secret"


@pytest.fixture
def house(
    engine: Engine,
    clock: ManualClock,
    tmp_path: Path,
    bank: IssuingBank,
    commercial_bank: CommercialBank,
) -> Iterator[Clearing]:
    from starlette.applications import Starlette

    issuer_site = Starlette(routes=clearing_http.routes(bank.ledger, CLEARING_TOKEN))
    with serving(issuer_site) as issuer_url, serving(commercial_bank.app()) as bank_url:
        token_file = commercial_bank.settings.data_dir / "bank-h2h-token"
        yield Clearing(
            engine,
            Ledger(engine, clock),
            directory=tmp_path / "clearing",
            issuers={SIMULATED_ISSUER: HttpIssuerClearing(issuer_url, token=CLEARING_TOKEN)},
            bank=HttpBankLink(bank_url, token=None, token_file=token_file),
        )


def settlement_balance(commercial_bank: CommercialBank, kind: str) -> int:
    for customer in commercial_bank.customers():
        if customer.kind.value == kind:
            for account in commercial_bank.accounts(customer.id):
                if account.currency == USD:
                    return commercial_bank.balance(account).posted.minor
    raise AssertionError(f"no USD account for the {kind}")


def test_the_days_captures_and_refunds_are_cleared_and_settled_between_the_banks(
    shop: Shop,
    engine: Engine,
    clock: ManualClock,
    commercial_bank: CommercialBank,
    house: Clearing,
) -> None:
    """The issuing bank's books are proven after the test by its fixture."""
    _, first = shop.pay(amount=2_000)
    shop.pay(amount=3_500)
    _, held = shop.pay(amount=5_000, capture_method="manual")
    shop.post(f"/v1/payment_intents/{held['id']}/capture", amount_to_capture=3_000)
    status, _ = shop.post("/v1/refunds", charge=first["latest_charge"], amount=500)
    assert status == 200
    issuer_before = settlement_balance(commercial_bank, "issuer")
    platform_before = settlement_balance(commercial_bank, "platform")

    # 09:30: the last cut-off passed was yesterday's, before any of these: its file is empty.
    yesterday = house.run_due()
    assert yesterday.closed == [file_id_of(SIMULATED_ISSUER, dt.date(2026, 11, 1))]
    assert yesterday.settled == yesterday.closed
    clock.advance(dt.timedelta(hours=13))  # 22:30 UTC: past today's cut-off
    ran = house.run_due()

    assert len(ran.closed) == 1
    assert ran.reported == ran.closed
    assert ran.settled == ran.closed
    assert ran.waiting == []
    presented = (house.directory / f"{ran.closed[0]}.mcf").read_text().splitlines()
    reader = ClearingFileReader.of(presented)
    records = list(reader)
    assert sorted((r.kind.value, r.amount) for r in records) == [
        ("REFUND", 500),
        ("SALE", 2_000),
        ("SALE", 3_000),
        ("SALE", 3_500),
    ]
    with reading(engine) as connection:
        from mercato.processor.tables import clearing_files

        report = connection.execute(clearing_files.select()).all()[-1].report
    assert report["booked"] == 4
    assert report["differences"] == []
    assert report["net"] == {"USD": 8_000}

    # The banks: the issuer paid the platform what it owed, once.
    assert settlement_balance(commercial_bank, "issuer") == issuer_before - 8_000
    assert settlement_balance(commercial_bank, "platform") == platform_before + 8_000
    # The platform: the scheme owes it nothing more; its cash at the bank holds the net.
    assert balance(engine, processor_books.scheme_receivable(USD)) == (0, 0)
    assert balance(engine, settlement_books.cash_at_bank(USD)) == (8_000, 0)

    # Running again changes nothing anywhere.
    again = house.run_due()
    assert (again.closed, again.reported, again.settled) == ([], [], [])
    assert settlement_balance(commercial_bank, "platform") == platform_before + 8_000


def test_the_issuer_reports_what_it_cannot_book_and_pays_only_for_what_it_booked(
    bank: IssuingBank,
) -> None:
    from mercato.issuer import clearing

    made = dt.datetime(2026, 11, 2, 22, 0, tzinfo=dt.UTC)
    lines = [
        f"H|MCF1|MCF-test-1|000001|{SIMULATED_ISSUER}|2026-11-02|{made:%Y-%m-%dT%H:%M:%SZ}",
        "D|1|SALE|p-unknown|6306NOSUCH01|1500|USD",
        "T|1|USD=1,1500,0,0",
    ]
    report = clearing.ingest(bank.ledger, lines)
    assert report.booked == 0
    assert [d.code for d in report.differences] == ["unknown_transaction"]
    assert report.net == {}
    assert clearing.ingest(bank.ledger, lines).to_json() == report.to_json()


def test_a_file_that_breaks_the_format_is_refused_naming_the_line(bank: IssuingBank) -> None:
    from mercato.issuer import clearing
    from mercato.network.clearing import ClearingFileError

    lines = [
        f"H|MCF1|MCF-test-2|000001|{SIMULATED_ISSUER}|2026-11-02|2026-11-02T22:00:00Z",
        "D|1|SALE|p-1|6306ABCDEF01|1500|USD",
        "T|1|USD=1,1600,0,0",
    ]
    with pytest.raises(ClearingFileError, match="line 3: the trailer's totals"):
        clearing.ingest(bank.ledger, lines)


def test_only_the_acquirer_with_the_clearing_token_may_present(bank: IssuingBank) -> None:
    """Without the token, or with another, the file is refused before it is read: nothing
    is booked against the cardholders."""
    from starlette.applications import Starlette

    made = "2026-11-02T22:00:00Z"
    body = (
        f"H|MCF1|MCF-test-3|000001|{SIMULATED_ISSUER}|2026-11-02|{made}\n"
        "D|1|SALE|p-1|6306NOSUCH01|1500|USD\nT|1|USD=1,1500,0,0\n"
    )
    site = Starlette(routes=clearing_http.routes(bank.ledger, CLEARING_TOKEN))
    with serving(site) as url, httpx2.Client(base_url=url, trust_env=False) as client:
        for shown in ({}, {"Authorization": "Bearer guessed"}, {"Authorization": CLEARING_TOKEN}):
            refused = client.post("/clearing/files", content=body, headers=shown)
            assert refused.status_code == 401
            assert refused.json()["error"]["code"] == "unauthorized"
        taken = client.post(
            "/clearing/files", content=body, headers={"Authorization": f"Bearer {CLEARING_TOKEN}"}
        )
    assert taken.status_code == 200, taken.text
    assert [d["code"] for d in taken.json()["differences"]] == ["unknown_transaction"]
