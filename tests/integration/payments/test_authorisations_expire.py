"""An authorisation never captured runs out after seven days, as Stripe's do: the payment
intent is canceled as ``automatic``, the money held for the merchant is released in the
platform's books and at the issuer, and the merchant is told by events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.gateway import authorisation_expiry
from mercato.gateway.intent_records import Payments
from mercato.issuer import IssuingBank
from mercato.outbox import Worker
from payments_world import Shop, issuer_authorisations, merchant_balance, run_jobs


def test_an_authorisation_left_uncaptured_for_seven_days_is_canceled_and_released(
    shop: Shop,
    engine: Engine,
    *,
    merchant_id: str,
    bank: IssuingBank,
    clock: ManualClock,
    payments: Payments,
    worker: Worker,
) -> None:
    _, kept = shop.pay(amount=5000, capture_method="manual")
    clock.advance(dt.timedelta(days=3))
    _, younger = shop.pay(amount=1200, capture_method="manual")
    assert merchant_balance(engine, merchant_id) == (0, 6200)

    clock.advance(dt.timedelta(days=4, minutes=1))
    assert authorisation_expiry.cancel_expired(engine, payments) == 1
    assert authorisation_expiry.cancel_expired(engine, payments) == 0  # once only

    expired = shop.intent(kept["id"])
    assert (expired["status"], expired["cancellation_reason"]) == ("canceled", "automatic")
    assert expired["amount_capturable"] == 0
    assert shop.intent(younger["id"])["status"] == "requires_capture"  # three days younger
    assert merchant_balance(engine, merchant_id) == (0, 1200)  # only the younger is held

    status, refused = shop.post(f"/v1/payment_intents/{kept['id']}/capture")
    assert status == 400
    assert refused["error"]["code"] == "payment_intent_unexpected_state"

    told = [
        (event["type"], event["data"]["object"]["id"])
        for event in shop.get("/v1/events", limit=10)["data"]
    ]
    assert ("charge.expired", kept["latest_charge"]) in told
    assert ("payment_intent.canceled", kept["id"]) in told

    run_jobs(worker, clock)  # the 0400, if it did not go through at once
    first = issuer_authorisations(bank)[0]
    assert first["status"] in {"reversed", "expired"}  # nothing left held for the cardholder

    status, captured = shop.post(f"/v1/payment_intents/{younger['id']}/capture")
    assert status == 200, captured
    assert merchant_balance(engine, merchant_id)[1] == 0
