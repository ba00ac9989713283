"""End-of-day statements tell the platform what happened to each payout, and the merchant
sees the payout arrive on the internet-banking page."""

from __future__ import annotations

import datetime as dt
import re

import httpx2
from bank_files import Parties, nacha_file, pain001_file, us

from mercato.bank import CommercialBank
from mercato.bank.records import Direction, FileKind
from mercato.bankfiles import iso20022
from mercato.bankfiles.camt053 import MESSAGE, read_camt053
from mercato.clock import ManualClock
from serving import serving


def test_the_camt053_statement_is_valid_and_closes_at_the_ledger_balance(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    platform = bank.customer(str(parties.sandbox.platform.id))
    bank.receive_file(
        platform,
        "payouts-1.xml",
        pain001_file(
            parties.platform_eur,
            [("PO-1", 2_500, parties.dupont_eur.iban), ("PO-2", 1_250, parties.dupont_eur.iban)],
            created_at=clock.now(),
        ),
    )
    clock.advance(dt.timedelta(days=1, hours=7))  # Tuesday 16:30: two days fall due
    assert len(bank.run_due()) == 2

    for account in (parties.platform_eur, parties.dupont_eur):
        _, document = bank.statement(account.iban, dt.date(2026, 11, 2))
        iso20022.validate(document, MESSAGE)
        (statement,) = read_camt053(document).statements
        assert statement.closing_balance == bank.balance(account).posted.minor
        assert statement.closing_balance == statement.expected_closing_balance()
    (merchant_day,) = read_camt053(bank.statement(parties.dupont_eur.iban,
                                                  dt.date(2026, 11, 2))[1]).statements  # fmt: skip
    assert [(e.end_to_end_id, e.amount) for e in merchant_day.entries] == [
        ("PO-1", 2_500),
        ("PO-2", 1_250),
    ]
    # The platform exchanges files: it gets a statement for every day, quiet ones too.
    platform_statements = [
        f.name for f in bank.files(platform, direction=Direction.OUT) if f.kind is FileKind.CAMT053
    ]
    assert f"camt053-{parties.platform_eur.account_number}-20261103.xml" in platform_statements


def test_the_merchant_signs_in_and_sees_the_payout_arrive(
    bank: CommercialBank, parties: Parties, clock: ManualClock
) -> None:
    platform = bank.customer(str(parties.sandbox.platform.id))
    bank.receive_file(
        platform,
        "payouts-1.ach",
        nacha_file([("po_1MxY", 12_345, us(parties.acme_usd))], created_at=clock.now()),
    )
    with serving(bank.app(b"test-secret")) as url, httpx2.Client(base_url=url) as browser:
        assert browser.get("/banking/").headers["location"].endswith("/banking/login")
        form = browser.get("/banking/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None

        forged = browser.post(
            "/banking/login",
            data={"csrf_token": "forged", "login": "acme-hardware-llc",
                  "password": parties.acme_password},
        )  # fmt: skip
        assert forged.status_code == 403
        form = browser.get("/banking/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        wrong = browser.post(
            "/banking/login",
            data={"csrf_token": token[1], "login": "acme-hardware-llc", "password": "nope"},
        )
        assert wrong.status_code == 401
        form = browser.get("/banking/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        signed_in = browser.post(
            "/banking/login",
            data={"csrf_token": token[1], "login": "acme-hardware-llc",
                  "password": parties.acme_password},
            follow_redirects=True,
        )  # fmt: skip
        assert "Acme Hardware LLC" in signed_in.text
        assert "$0.00" in signed_in.text

        clock.advance(dt.timedelta(hours=7))
        bank.run_due()

        overview = browser.get("/banking/")
        assert "$123.45" in overview.text
        page = browser.get(f"/banking/accounts/{parties.acme_usd.id}")
        assert "Money in: MERCATO PAYMENTS" in page.text
        assert "PO_1MXY" in page.text
        assert "Monday 2 November 2026" in page.text
        # Another customer's account is not shown.
        other = browser.get(f"/banking/accounts/{parties.platform_usd.id}")
        assert other.status_code == 404
