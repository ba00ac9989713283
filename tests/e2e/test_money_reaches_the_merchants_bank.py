"""Step 6 of the seeds' flow, end to end in the demo: a hundred card payments for three
merchants in two currencies, some refunded in part; the clock moved forward; clearing with
the issuer and settlement between the banks; funds available after two days; payouts in a
NACHA file (USD) and a pain.001 file (EUR); the commercial bank applies them and the money
is in each merchant's business account; reconciliation finds nothing unmatched, and every
party's books balance."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx2 as httpx
import sqlalchemy as sa
import stripe
from running_demo import RunningDemo, mercato_env
from stripe_client import as_merchant

from mercato.bank import CommercialBank, CustomerKind
from mercato.bank.identity import ROUTING_NUMBER
from mercato.bankfiles import iso20022
from mercato.bankfiles.nacha import read_ach_file
from mercato.bankfiles.pain001 import read_pain001
from mercato.clock import SANDBOX_CLOCK_FILE, SandboxClock
from mercato.database.engine import create_engine, reading
from mercato.settings import Settings
from mercato.settlement.tables import payout_files

PAYMENTS = 100


def mercato(demo: RunningDemo, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mercato", "--data-dir", demo.details["data_dir"], *arguments],
        capture_output=True,
        text=True,
        env={**mercato_env(), "COLUMNS": "250"},
        timeout=300,
        check=False,
    )


def business_account(bank: CommercialBank, name: str, currency: str) -> Any:
    """A business customer of the commercial bank with one account in ``currency``."""
    customer = bank.create_customer(name, CustomerKind.BUSINESS).customer
    return bank.open_account(str(customer.id), currency)


def test_a_hundred_payments_reach_three_merchants_business_accounts(demo: RunningDemo) -> None:
    data_dir = Path(demo.details["data_dir"])
    bank = CommercialBank(Settings(data_dir=data_dir), SandboxClock(data_dir / SANDBOX_CLOCK_FILE))
    try:
        shops: list[tuple[dict[str, str], str, Any]] = []
        for name, country, currency in (
            ("Lakeside Outfitters", "US", "usd"),
            ("Atelier Morgenrot", "DE", "eur"),
        ):
            made = demo.create_merchant(name, country=country, currency=currency)
            account = business_account(bank, name, currency)
            with as_merchant(demo, made):
                if currency == "usd":
                    details = {
                        "routing_number": ROUTING_NUMBER,
                        "account_number": account.account_number,
                    }
                else:
                    details = {"account_number": account.iban}
                stripe.Account.create_external_account(
                    made["id"],
                    external_account={
                        "object": "bank_account",
                        "country": country,
                        "currency": currency,
                        "account_holder_name": name,
                        **details,
                    },
                )
            shops.append((made, currency, account))
        demo_shop = {"id": demo.details["merchant_id"], "secret_key": demo.details["secret_key"]}
        (demo_account,) = [
            a
            for c in bank.customers()
            if c.name == "Mercato Demo Shop"
            for a in bank.accounts(c.id)
            if a.currency.code == "USD"
        ]
        shops.insert(0, (demo_shop, "usd", demo_account))
        before = {made["id"]: bank.balance(account).posted.minor for made, _, account in shops}

        # A hundred payments, every seventh refunded in part.
        taken: dict[str, int] = dict.fromkeys(before, 0)
        for n, (made, currency, _) in zip(range(PAYMENTS), itertools.cycle(shops), strict=False):
            amount = 1_000 + 37 * n
            with as_merchant(demo, made):
                intent = stripe.PaymentIntent.create(
                    amount=amount, currency=currency, payment_method="pm_card_visa", confirm=True
                )
                assert intent.status == "succeeded"
                taken[made["id"]] += amount
                if n % 7 == 0:
                    stripe.Refund.create(payment_intent=intent.id, amount=amount // 4)
                    taken[made["id"]] -= amount // 4

        with demo.client() as client:
            moved = client.post(
                demo.details["api_base"] + "/v1/test_helpers/clock/advance",
                data={"days": "6"},
                headers={"Authorization": f"Bearer {demo.details['admin_key']}"},
                timeout=300,
            )
        assert moved.status_code == 200, moved.text
        assert moved.json()["duties"]["settlement.clearing"] >= 1

        for made, _, account in shops:
            with as_merchant(demo, made):
                paid = stripe.Payout.list(limit=100).data
                balance = stripe.Balance.retrieve()
                fees = sum(
                    t.fee
                    for t in stripe.BalanceTransaction.list(
                        type="charge", limit=100
                    ).auto_paging_iter()
                )
            assert paid
            assert {p.status for p in paid} == {"paid"}, [(p.status, p.failure_code) for p in paid]
            assert sum(p.amount for p in paid) == taken[made["id"]] - fees
            assert [b.amount for b in balance.available] == [0]
            arrived = bank.balance(account).posted.minor - before[made["id"]]
            assert arrived == sum(p.amount for p in paid), made["id"]
    finally:
        bank.close()

    # The payout files, each as its published format says.
    engine = create_engine(demo.details["databases"]["platform"])
    try:
        with reading(engine) as connection:
            files = connection.execute(sa.select(payout_files)).all()
    finally:
        engine.dispose()
    kinds = {f.kind for f in files}
    assert kinds == {"nacha", "pain.001"}
    for found in files:
        if found.kind == "nacha":
            ach = read_ach_file(found.content.decode("ascii"))
            assert sum(entry.detail.amount for _, entry in ach.entries()) == found.total
        else:
            iso20022.validate(found.content, "pain.001.001.03")
            assert sum(p.amount for p in read_pain001(found.content).payments) == found.total

    # The merchant sees the money arrive in internet banking.
    with httpx.Client(base_url=demo.details["bank_url"], follow_redirects=True) as web:
        page = web.get("/banking/")
        assert page.status_code == 200

    reconciled = mercato(demo, "reconcile")
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
    assert "Nothing unmatched" in reconciled.stdout
    verified = mercato(demo, "ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.count("balanced") == 3
    shown = mercato(demo, "clock", "show")
    assert "6 d 0 h" in shown.stdout
