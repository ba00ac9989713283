"""The operator's settlement pages in a real browser, against the running demo: two shops
are paid with the official ``stripe`` package, one with a business account at the
commercial bank and one whose account number the bank cannot read; the sandbox's clock
moves six days. The operator (``operator_login`` in demo.json) finds the NACHA file,
downloads exactly the bytes kept, reads the issuer's clearing report, reconciles with the
keyboard, and looks at it on a phone; each shop's owner sees its own payouts arrive or
come back, and cannot open the operator's pages. Every page visited is photographed; any
breach of the pages' Content-Security-Policy fails."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import stripe
from browser import shot
from running_demo import RunningDemo
from stripe_client import as_merchant

from mercato.bank import CommercialBank, CustomerKind
from mercato.bank.identity import ROUTING_NUMBER
from mercato.clock import SANDBOX_CLOCK_FILE, SandboxClock
from mercato.database.engine import create_engine, reading
from mercato.settings import Settings
from mercato.settlement.tables import payout_files

UNREADABLE_ACCOUNT = "000999999999"


def _shop(demo: RunningDemo, name: str, account_number: str, amount: int) -> dict[str, str]:
    made = demo.create_merchant(name)
    with as_merchant(demo, made):
        stripe.Account.create_external_account(
            made["id"],
            external_account={
                "object": "bank_account",
                "country": "US",
                "currency": "usd",
                "account_holder_name": name,
                "routing_number": ROUTING_NUMBER,
                "account_number": account_number,
            },
        )
        paid = stripe.PaymentIntent.create(
            amount=amount, currency="usd", payment_method="pm_card_visa", confirm=True
        )
    assert paid.status == "succeeded"
    return made


def _business_account(demo: RunningDemo, name: str) -> str:
    data_dir = Path(demo.details["data_dir"])
    bank = CommercialBank(Settings(data_dir=data_dir), SandboxClock(data_dir / SANDBOX_CLOCK_FILE))
    try:
        customer = bank.create_customer(name, CustomerKind.BUSINESS).customer
        return str(bank.open_account(str(customer.id), "usd").account_number)
    finally:
        bank.close()


def _sign_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(url)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")


def test_the_operator_downloads_the_payout_file_and_reconciles(
    demo: RunningDemo, watched: Any
) -> None:
    page = watched
    harbour_account = _business_account(demo, "Harbour Books")
    harbour = _shop(demo, "Harbour Books", harbour_account, 12_000)
    teas = _shop(demo, "Lighthouse Teas", UNREADABLE_ACCOUNT, 3_000)
    with demo.client() as client:
        moved = client.post(
            demo.details["api_base"] + "/v1/test_helpers/clock/advance",
            data={"days": "6"},
            headers={"Authorization": f"Bearer {demo.details['admin_key']}"},
            timeout=300,
        )
    assert moved.status_code == 200, moved.text
    dashboard = demo.details["api_base"] + "/dashboard/"
    operator = demo.details["operator_login"]

    _sign_in(page, dashboard, operator["email"], operator["password"])
    page.get_by_role("heading", name="Payout files").wait_for()
    assert page.get_by_text("Settlement", exact=True).is_visible()
    assert page.get_by_role("link", name="API keys").count() == 0
    engine = create_engine(demo.details["databases"]["platform"])
    try:
        with reading(engine) as connection:
            kept = connection.execute(sa.select(payout_files).order_by(payout_files.c.id)).first()
    finally:
        engine.dispose()
    assert kept is not None
    row = page.get_by_role("row").filter(has_text=kept.id)
    assert "NACHA" in row.inner_text()
    assert "acknowledged" in row.inner_text()
    shot(page, "payout-files")

    with page.expect_download() as downloading:
        row.get_by_role("link", name="Download").click()
    download = downloading.value
    assert download.suggested_filename == kept.name
    assert Path(download.path()).read_bytes() == kept.content

    page.get_by_role("link", name="Clearing files").click()
    page.get_by_role("heading", name="Clearing files").wait_for()
    assert page.get_by_text("No differences: the issuers booked every record").is_visible()
    assert "$150.00" in page.get_by_role("row").filter(has_text="2 booked").inner_text()
    shot(page, "clearing-files")

    page.get_by_role("link", name="Reconciliation").click()
    # The worker reconciles every six hours: the days the clock moved ran it already.
    page.get_by_text(re.compile(r"Last run .* by the worker")).wait_for()
    # With the keyboard alone: Tab to the button, Enter.
    run = page.get_by_role("button", name="Run again")
    for _ in range(20):
        page.keyboard.press("Tab")
        if run.evaluate("button => button === document.activeElement"):
            break
    page.keyboard.press("Enter")
    page.get_by_text("Reconciled just now.").wait_for()
    assert page.get_by_text("Nothing unmatched.").is_visible()
    assert page.get_by_text("statement entries to payouts").is_visible()
    shot(page, "reconciliation")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.get_by_role("button", name="Run again").is_visible()
    shot(page, "reconciliation-on-a-phone")
    page.set_viewport_size({"width": 1100, "height": 800})
    page.get_by_role("button", name="Sign out").click()

    for made, email, seen in (
        (harbour, "owner@harbour-books.test", "arrived"),
        (teas, "owner@lighthouse-teas.test", "came back"),
    ):
        user = demo.dashboard_user(made["id"], email)
        _sign_in(page, dashboard, user["email"], user["password"])
        page.get_by_role("heading", name="Overview").wait_for()
        page.get_by_role("link", name="Payouts", exact=True).click()
        page.get_by_role("heading", name="Payouts").wait_for()
        assert page.get_by_text(seen).first.is_visible()
        shot(page, f"payouts-{seen.replace(' ', '-')}")
        page.goto(dashboard + "settlement/payout-files")
        page.get_by_text("We can't find this.").wait_for()
        page.get_by_role("button", name="Sign out").click()

    log = demo.stop()
    assert "dashboard.payout_file_downloaded" in log
    assert harbour_account not in log
