"""A merchant's balance and payouts through the official ``stripe`` package, unchanged,
against the running demo: its bank account, a payment's balance transaction, the sandbox's
clock moved two days, and a payout of what became available."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stripe
from running_demo import RunningDemo
from stripe_client import as_merchant


@pytest.fixture
def merchant(shared_demo: RunningDemo) -> Iterator[dict[str, str]]:
    made = shared_demo.create_merchant("Corner Bakery")
    with as_merchant(shared_demo, made):
        yield made


def _advance_days(demo: RunningDemo, days: int) -> None:
    with demo.client() as client:
        answer = client.post(
            demo.details["api_base"] + "/v1/test_helpers/clock/advance",
            data={"days": str(days)},
            headers={"Authorization": f"Bearer {demo.details['admin_key']}"},
        )
    assert answer.status_code == 200, answer.text


def test_a_payment_becomes_available_and_is_paid_out(
    merchant: dict[str, str], shared_demo: RunningDemo
) -> None:
    account_id = merchant["id"]
    bank_account = stripe.Account.create_external_account(
        account_id,
        external_account={
            "object": "bank_account",
            "country": "US",
            "currency": "usd",
            "routing_number": "110000000",
            "account_number": "000123456789",
            "account_holder_name": "Corner Bakery LLC",
        },
    )
    assert (bank_account.object, bank_account.last4) == ("bank_account", "6789")
    assert bank_account.default_for_currency is True
    manual = stripe.Account.modify(
        account_id, settings={"payouts": {"schedule": {"interval": "manual"}}}
    )
    assert manual.settings.payouts.schedule.interval == "manual"

    intent = stripe.PaymentIntent.create(
        amount=10_000, currency="usd", payment_method="pm_card_visa", confirm=True
    )
    assert intent.status == "succeeded"
    (transaction,) = stripe.BalanceTransaction.list(limit=10).data
    assert (transaction.type, transaction.amount, transaction.net) == ("charge", 10_000, 9680)
    assert transaction.status == "pending"
    balance = stripe.Balance.retrieve()
    assert (balance.available[0].amount, balance.pending[0].amount) == (0, 9680)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Payout.create(amount=1000, currency="usd")
    assert refused.value.code == "balance_insufficient"

    _advance_days(shared_demo, 2)
    balance = stripe.Balance.retrieve()
    assert (balance.available[0].amount, balance.pending[0].amount) == (9680, 0)
    payout = stripe.Payout.create(amount=9680, currency="usd", description="November")
    assert (payout.status, payout.destination) == ("pending", bank_account.id)
    assert stripe.Payout.retrieve(payout.id).amount == 9680
    assert [p.id for p in stripe.Payout.list().data] == [payout.id]
    assert stripe.Balance.retrieve().available[0].amount == 0
