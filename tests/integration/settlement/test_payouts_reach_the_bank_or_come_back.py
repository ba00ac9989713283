"""Payouts: a shop adds its bank account, pays out what is available (never more), the
payout goes into a NACHA file for the bank, and one the bank returns fails and gives the
money back. Every money-moving request is idempotent, and a shop sees only its own."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient
from settlement_world import US_BANK, Settlement

from mercato.bankfiles.nacha import ReturnReason, ReturnRequest, read_ach_file, write_returns_file
from mercato.database.engine import reading
from mercato.settlement.tables import external_accounts, payout_files
from payments_world import Shop


def _add_bank(shop: Shop, merchant_id: str, **overrides: str) -> tuple[int, dict[str, object]]:
    account = {"object": "bank_account", "country": "US", "currency": "usd", **US_BANK}
    account.update(overrides)
    return shop.post(
        f"/v1/accounts/{merchant_id}/external_accounts",
        external_account=account,
    )


def _funded(shop: Shop, settlement: Settlement, amount: int = 10_000) -> None:
    status, _ = shop.pay(amount=amount)
    assert status == 200
    settlement.days_pass(2)


def test_a_bank_account_is_checked_and_never_shown_whole(
    shop: Shop, merchant_id: str, engine: object, settlement: Settlement
) -> None:
    status, bad = _add_bank(shop, merchant_id, routing_number="110000001")
    assert status == 400
    assert bad["error"]["param"] == "external_account[routing_number]"
    status, account = _add_bank(shop, merchant_id, account_holder_name="Corner Bakery LLC")
    assert status == 200, account
    assert (account["object"], account["last4"], account["routing_number"]) == (
        "bank_account",
        "6789",
        "110000000",
    )
    assert (account["status"], account["default_for_currency"]) == ("new", True)
    assert "000123456789" not in str(account)
    with reading(settlement.engine) as connection:
        sealed = connection.execute(sa.select(external_accounts.c.sealed_number)).scalar_one()
    assert b"123456789" not in sealed
    listed = shop.get(f"/v1/accounts/{merchant_id}/external_accounts")
    assert [a["id"] for a in listed["data"]] == [account["id"]]
    status, iban = _add_bank(
        shop,
        merchant_id,
        country="DE",
        currency="eur",
        account_number="DE89 3704 0044 0532 0130 00",
        routing_number="",
    )
    assert status == 200, iban
    assert (iban["last4"], iban["currency"]) == ("3000", "eur")


def test_another_merchants_account_and_payouts_are_not_found(
    shop: Shop, other_shop: Shop, merchant_id: str, settlement: Settlement
) -> None:
    _add_bank(shop, merchant_id)
    _funded(shop, settlement)
    status, payout = shop.post("/v1/payouts", amount=1000, currency="usd")
    assert status == 200, payout
    status, _ = other_shop.post(
        f"/v1/accounts/{merchant_id}/external_accounts",
        external_account={"object": "bank_account", "country": "US", "currency": "usd", **US_BANK},
    )
    assert status == 404
    assert (
        other_shop.api.get(f"/v1/payouts/{payout['id']}", headers=other_shop.headers).status_code
        == 404
    )
    status, _ = other_shop.post(f"/v1/payouts/{payout['id']}/cancel")
    assert status == 404
    assert other_shop.get("/v1/payouts")["data"] == []


def test_a_payout_beyond_the_available_balance_is_refused(
    shop: Shop, merchant_id: str, settlement: Settlement
) -> None:
    status, error = shop.post("/v1/payouts", amount=100, currency="usd")
    assert status == 400
    assert error["error"]["code"] == "no_external_account"
    _add_bank(shop, merchant_id)
    shop.pay(amount=10_000)
    status, error = shop.post("/v1/payouts", amount=100, currency="usd")
    assert status == 400  # captured, but still pending
    assert error["error"]["code"] == "balance_insufficient"
    settlement.days_pass(2)
    status, error = shop.post("/v1/payouts", amount=9681, currency="usd")
    assert error["error"]["code"] == "balance_insufficient"
    status, payout = shop.post("/v1/payouts", amount=9680, currency="usd", key="all-of-it")
    assert status == 200, payout
    assert settlement.books(merchant_id) == (0, 0)


def test_payouts_and_their_cancellation_are_idempotent(
    shop: Shop, merchant_id: str, settlement: Settlement
) -> None:
    _add_bank(shop, merchant_id)
    _funded(shop, settlement)
    status, first = shop.post(
        "/v1/payouts",
        key="payout-1",
        amount=4000,
        currency="usd",
        description="Weekly takings",
        metadata={"week": "45"},
    )
    assert status == 200, first
    assert (first["object"], first["status"], first["amount"]) == ("payout", "pending", 4000)
    assert first["metadata"] == {"week": "45"}
    status, again = shop.post(
        "/v1/payouts",
        key="payout-1",
        amount=4000,
        currency="usd",
        description="Weekly takings",
        metadata={"week": "45"},
    )
    assert (status, again["id"]) == (200, first["id"])
    status, other = shop.post("/v1/payouts", key="payout-1", amount=4001, currency="usd")
    assert status == 400
    assert other["error"]["type"] == "idempotency_error"
    assert [p["id"] for p in shop.get("/v1/payouts")["data"]] == [first["id"]]
    assert settlement.books(merchant_id) == (5680, 0)
    transaction = shop.get(f"/v1/balance_transactions/{first['balance_transaction']}")
    assert (transaction["type"], transaction["net"]) == ("payout", -4000)

    status, canceled = shop.post(f"/v1/payouts/{first['id']}/cancel", key="cancel-1")
    assert (status, canceled["status"]) == (200, "canceled")
    status, replayed = shop.post(f"/v1/payouts/{first['id']}/cancel", key="cancel-1")
    assert (status, replayed["status"]) == (200, "canceled")
    status, twice = shop.post(f"/v1/payouts/{first['id']}/cancel")
    assert (status, twice["error"]["code"]) == (400, "payout_not_cancelable")
    assert settlement.books(merchant_id) == (9680, 0)
    types = [e["type"] for e in shop.get("/v1/events", limit=100)["data"]]
    assert types.count("payout.created") == 1
    assert types.count("payout.canceled") == 1


def test_a_payout_goes_to_the_bank_in_a_nacha_file_and_a_return_gives_the_money_back(
    shop: Shop, merchant_id: str, settlement: Settlement, app_client: TestClient
) -> None:
    _add_bank(shop, merchant_id)
    _funded(shop, settlement)
    _, payout = shop.post("/v1/payouts", amount=9000, currency="usd")
    (file_id,) = settlement.write_files()
    assert settlement.write_files() == []  # a payout goes in one file only

    status, error = shop.post(f"/v1/payouts/{payout['id']}/cancel")
    assert (status, error["error"]["code"]) == (400, "payout_not_cancelable")
    with reading(settlement.engine) as connection:
        content = connection.execute(
            sa.select(payout_files.c.content).where(payout_files.c.id == file_id)
        ).scalar_one()
    ach = read_ach_file(content.decode("ascii"))
    entries = [entry for _, entry in ach.entries()]
    assert [
        (e.detail.amount, e.detail.routing_number, e.detail.account_number) for e in entries
    ] == [(9000, "110000000", "000123456789")]
    assert ach.control.totals.total_credit == 9000

    returned = write_returns_file(
        [
            ReturnRequest(batch=header, entry=entry.detail, reason=ReturnReason.NO_ACCOUNT)
            for header, entry in ach.entries()
        ],
        returning_bank_routing_number="110000000",
        returning_bank_name="Receiving Bank",
        destination_name="Mercato Payments",
        created_at=settlement.clock.now(),
        effective_date=settlement.clock.now().date(),
    ).text()
    assert settlement.returns("nacha-returns", returned.encode("ascii")) == 1
    assert settlement.returns("nacha-returns", returned.encode("ascii")) == 0  # once only
    failed = shop.get(f"/v1/payouts/{payout['id']}")
    assert (failed["status"], failed["failure_code"]) == ("failed", "no_account")
    assert failed["failure_message"]
    back = shop.get(f"/v1/balance_transactions/{failed['failure_balance_transaction']}")
    assert (back["type"], back["net"]) == ("payout_failure", 9000)
    assert settlement.books(merchant_id) == (9680, 0)
    accounts = shop.get(f"/v1/accounts/{merchant_id}/external_accounts")["data"]
    assert accounts[0]["status"] == "errored"
    types = [e["type"] for e in shop.get("/v1/events", limit=100)["data"]]
    assert "payout.failed" in types

    operator = app_client.get(f"/v1/payout_files/{file_id}/download", headers=shop.headers)
    assert operator.status_code == 403  # a merchant's key is not the operator's

    # Nothing more goes to the errored account, day after day: the money waits.
    settlement.days_pass(1)
    assert settlement.automatic_payouts() == 0
    assert settlement.books(merchant_id) == (9680, 0)
    status, fresh = shop.post(
        f"/v1/accounts/{merchant_id}/external_accounts",
        external_account={
            "object": "bank_account",
            "country": "US",
            "currency": "usd",
            **US_BANK,
            "account_number": "000987654321",
        },
        default_for_currency="true",
    )
    assert status == 200, fresh
    assert fresh["default_for_currency"] is True
    assert settlement.automatic_payouts() == 1  # to the new account
    (latest, _) = shop.get("/v1/payouts", limit=2)["data"]
    assert (latest["amount"], latest["destination"]) == (9680, fresh["id"])


def test_automatic_payouts_pay_what_is_available_once_a_day(
    shop: Shop, merchant_id: str, settlement: Settlement
) -> None:
    _add_bank(shop, merchant_id)
    _funded(shop, settlement)
    assert settlement.automatic_payouts() == 1
    assert settlement.automatic_payouts() == 0
    (payout,) = shop.get("/v1/payouts")["data"]
    assert (payout["automatic"], payout["amount"]) == (True, 9680)
    paid_out = shop.get("/v1/balance_transactions", payout=payout["id"])["data"]
    assert sorted(t["type"] for t in paid_out) == ["charge", "payout"]
    settlement.write_files()
    assert settlement.books(merchant_id) == (0, 0)


def test_a_manual_schedule_makes_no_automatic_payouts(
    shop: Shop, merchant_id: str, settlement: Settlement
) -> None:
    status, account = shop.post(
        f"/v1/accounts/{merchant_id}",
        settings={"payouts": {"schedule": {"interval": "manual", "delay_days": 3}}},
    )
    assert status == 200, account
    assert account["settings"]["payouts"]["schedule"] == {"delay_days": 3, "interval": "manual"}
    status, error = shop.post(
        f"/v1/accounts/{merchant_id}", settings={"payouts": {"schedule": {"interval": "weekly"}}}
    )
    assert (status, error["error"]["code"]) == (400, "invalid_schedule")
    _add_bank(shop, merchant_id)
    _funded(shop, settlement)
    assert settlement.books(merchant_id) == (0, 9680)  # three days' delay now
    settlement.days_pass(1)
    assert settlement.automatic_payouts() == 0
    assert settlement.books(merchant_id) == (9680, 0)
