"""Payments as a merchant meets them, through the official ``stripe`` package against the
running demo: every decline reason, a 3-D Secure challenge passed in Chromium, a payment's
webhook verified, a retried confirmation; and after it all, both parties' books balance."""

from __future__ import annotations

import datetime as dt
import queue
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from browser import shot
from running_demo import RunningDemo, mercato_env
from stripe_client import as_merchant

NEXT_YEAR = dt.datetime.now(dt.UTC).year + 1


@pytest.fixture
def merchant(shared_demo: RunningDemo) -> Iterator[dict[str, str]]:
    made = shared_demo.create_merchant("Harbour Books")
    with as_merchant(shared_demo, made):
        yield made


@pytest.mark.parametrize(
    ("payment_method", "code", "decline_code"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedLostCard", "card_declined", "lost_card"),
        ("pm_card_chargeDeclinedStolenCard", "card_declined", "stolen_card"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", None),
        ("pm_card_chargeDeclinedProcessingError", "processing_error", None),
    ],
)
def test_each_decline_reason_reaches_the_merchant_as_stripe_reports_it(
    merchant: dict[str, str], payment_method: str, code: str, decline_code: str | None
) -> None:
    with pytest.raises(stripe.CardError) as declined:
        stripe.PaymentIntent.create(
            amount=1500, currency="usd", payment_method=payment_method, confirm=True
        )
    assert declined.value.http_status == 402
    assert declined.value.code == code
    if decline_code:
        assert declined.value.error.decline_code == decline_code
    intent = stripe.PaymentIntent.retrieve(declined.value.error.payment_intent.id)
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == code


def test_a_wrong_security_code_is_declined_as_incorrect_cvc(merchant: dict[str, str]) -> None:
    method = stripe.PaymentMethod.create(
        type="card",
        card={"number": "4000000000000127", "exp_month": 12, "exp_year": NEXT_YEAR, "cvc": "999"},
    )
    with pytest.raises(stripe.CardError) as declined:
        stripe.PaymentIntent.create(
            amount=1500, currency="usd", payment_method=method.id, confirm=True
        )
    assert declined.value.code == "incorrect_cvc"


def test_a_cardholder_passes_3d_secure_in_the_browser_and_the_payment_succeeds(
    merchant: dict[str, str],
    browser_page: Any,
    shop: str,
) -> None:
    intent = stripe.PaymentIntent.create(
        amount=4200,
        currency="usd",
        payment_method="pm_card_authenticationRequired",
        payment_method_options={"card": {"request_three_d_secure": "any"}},
        confirm=True,
        return_url=shop,
    )
    assert intent.status == "requires_action"
    assert intent.next_action.type == "redirect_to_url"
    browser_page.goto(intent.next_action.redirect_to_url.url)
    shot(browser_page, "challenge")
    browser_page.get_by_role("button", name="Complete authentication").click()
    browser_page.wait_for_url(shop + "*")
    shot(browser_page, "back-at-the-shop")
    assert f"payment_intent={intent.id}" in browser_page.url
    assert stripe.PaymentIntent.retrieve(intent.id).status == "succeeded"


def test_a_cardholder_who_fails_3d_secure_is_not_charged(
    merchant: dict[str, str],
    browser_page: Any,
    shop: str,
) -> None:
    intent = stripe.PaymentIntent.create(
        amount=4200,
        currency="usd",
        payment_method="pm_card_authenticationRequired",
        payment_method_options={"card": {"request_three_d_secure": "any"}},
        confirm=True,
        return_url=shop,
    )
    browser_page.goto(intent.next_action.redirect_to_url.url)
    browser_page.get_by_role("button", name="Fail authentication").click()
    browser_page.wait_for_url(shop + "*")
    failed = stripe.PaymentIntent.retrieve(intent.id)
    assert failed.status == "requires_payment_method"
    assert failed.amount_received == 0


def test_the_merchant_receives_and_verifies_the_payments_webhook(
    merchant: dict[str, str],
    receiver: tuple[str, queue.Queue[tuple[bytes, str]]],
) -> None:
    url, received = receiver
    endpoint = stripe.WebhookEndpoint.create(url=url, enabled_events=["payment_intent.succeeded"])
    intent = stripe.PaymentIntent.create(
        amount=990, currency="usd", payment_method="pm_card_visa", confirm=True
    )
    body, signature = received.get(timeout=30)
    event = stripe.Webhook.construct_event(body, signature, endpoint.secret)
    assert event.type == "payment_intent.succeeded"
    assert event.data.object.id == intent.id
    assert event.data.object.amount_received == 990


def test_a_confirmation_retried_with_its_idempotency_key_charges_once(
    merchant: dict[str, str],
) -> None:
    intent = stripe.PaymentIntent.create(amount=5000, currency="usd", payment_method="pm_card_visa")
    first = stripe.PaymentIntent.confirm(intent.id, idempotency_key=f"confirm-{intent.id}")
    again = stripe.PaymentIntent.confirm(intent.id, idempotency_key=f"confirm-{intent.id}")
    assert first.status == again.status == "succeeded"
    assert again.latest_charge == first.latest_charge
    charges = stripe.Charge.list(payment_intent=intent.id)
    assert len(charges.data) == 1


def test_after_every_scenario_every_partys_books_balance(shared_demo: RunningDemo) -> None:
    """Runs last in this module: the demo has taken every payment above by now."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mercato",
            "--data-dir",
            shared_demo.details["data_dir"],
            "ledger",
            "verify",
        ],
        capture_output=True,
        text=True,
        env=mercato_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "platform" in result.stdout
    assert "issuer" in result.stdout
    assert "bank" in result.stdout
    assert result.stdout.count("balanced") == 3
