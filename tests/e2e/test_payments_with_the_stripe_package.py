"""Card payments through the official ``stripe`` package, unchanged, against the running
demo: its processor authorises over ISO 8583 at the demo's issuing bank."""

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


def test_a_payment_is_confirmed_and_its_charge_shows_the_card(merchant: dict[str, str]) -> None:
    intent = stripe.PaymentIntent.create(
        amount=2000,
        currency="usd",
        payment_method="pm_card_visa",
        confirm=True,
        description="Two croissants",
        metadata={"order": "7"},
        expand=["latest_charge"],
    )
    assert intent.status == "succeeded"
    assert intent.amount_received == 2000
    charge = intent.latest_charge
    assert isinstance(charge, stripe.Charge)
    assert (charge.status, charge.captured, charge.paid) == ("succeeded", True, True)
    card = charge.payment_method_details.card
    assert (card.brand, card.last4, card.funding, card.country) == ("visa", "4242", "credit", "US")
    assert charge.outcome.type == "authorized"
    assert charge["mercato_network"]["response_code"] == "00"
    assert stripe.PaymentIntent.retrieve(intent.id).latest_charge == charge.id
    assert [c.id for c in stripe.Charge.list(payment_intent=intent.id).data] == [charge.id]


def test_a_decline_is_a_card_error_that_keeps_the_intent(merchant: dict[str, str]) -> None:
    with pytest.raises(stripe.CardError) as declined:
        stripe.PaymentIntent.create(
            amount=2000,
            currency="usd",
            payment_method="pm_card_chargeDeclinedInsufficientFunds",
            confirm=True,
        )
    error = declined.value
    assert error.http_status == 402
    assert error.code == "card_declined"
    assert error.error is not None
    assert error.error.decline_code == "insufficient_funds"
    intent = error.error.payment_intent
    assert intent is not None
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error is not None
    assert intent.last_payment_error.decline_code == "insufficient_funds"
    retried = stripe.PaymentIntent.confirm(intent.id, payment_method="pm_card_mastercard")
    assert retried.status == "succeeded"


def test_a_manual_capture_takes_part_and_releases_the_rest(merchant: dict[str, str]) -> None:
    intent = stripe.PaymentIntent.create(
        amount=5000,
        currency="usd",
        payment_method="pm_card_visa",
        capture_method="manual",
        confirm=True,
    )
    assert intent.status == "requires_capture"
    assert intent.amount_capturable == 5000
    captured = stripe.PaymentIntent.capture(intent.id, amount_to_capture=3000)
    assert captured.status == "succeeded"
    assert captured.amount_received == 3000
    charge = stripe.Charge.retrieve(captured.latest_charge)
    assert (charge.amount_captured, charge.captured) == (3000, True)


def test_an_authorisation_is_canceled(merchant: dict[str, str]) -> None:
    intent = stripe.PaymentIntent.create(
        amount=1200, currency="usd", payment_method="pm_card_visa", capture_method="manual"
    )
    assert intent.status == "requires_confirmation"
    intent = stripe.PaymentIntent.confirm(intent.id)
    canceled = stripe.PaymentIntent.cancel(intent.id, cancellation_reason="abandoned")
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "abandoned"


def test_refunds_up_to_what_was_captured(merchant: dict[str, str]) -> None:
    intent = stripe.PaymentIntent.create(
        amount=4000, currency="usd", payment_method="pm_card_visa", confirm=True
    )
    first = stripe.Refund.create(payment_intent=intent.id, amount=1500, reason="duplicate")
    assert (first.status, first.amount, first.reason) == ("succeeded", 1500, "duplicate")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Refund.create(charge=intent.latest_charge, amount=2501)
    assert refused.value.code == "amount_too_large"
    rest = stripe.Refund.create(charge=intent.latest_charge)
    assert rest.amount == 2500
    charge = stripe.Charge.retrieve(intent.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (4000, True)
    assert {r.id for r in stripe.Refund.list(payment_intent=intent.id).data} == {
        first.id,
        rest.id,
    }
