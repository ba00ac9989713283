"""When the issuer is slow, down, or the request dies half-way: the customer is told, every
hold the issuer may have placed is reversed, nothing is charged twice, and the books of both
banks still balance."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.gateway.confirmations import STUCK_AFTER
from mercato.issuer import IssuingBank
from mercato.outbox import Worker
from mercato.processor import Processor
from payments_fixtures import SLOW
from payments_world import (
    Shop,
    Wire,
    issuer_authorisations,
    merchant_balance,
    processor_authorisations,
    run_jobs,
)


def wait_for(condition: Any, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the issuer did not get there in time"
        time.sleep(0.05)


def test_an_answer_that_comes_too_late_is_reversed_at_once(
    shop: Shop, wire: Wire, bank: IssuingBank, engine: Engine, merchant_id: str
) -> None:
    wire.delay_after = SLOW  # the bank approves, but its answer outlives the timeout
    status, body = shop.pay(amount=2500)
    assert status == 402, body
    assert body["error"]["code"] == "processing_error"
    assert body["error"]["payment_intent"]["status"] == "requires_payment_method"
    assert wire.seen == ["0100", "0400"]
    (authorisation,) = issuer_authorisations(bank)
    assert authorisation["status"] == "reversed"
    (sent,) = processor_authorisations(engine)
    assert (sent["status"], sent["follow_up"]) == ("failed", None)
    assert merchant_balance(engine, merchant_id) == (0, 0)


def test_a_reversal_that_overtakes_its_authorisation_is_sent_again_later(
    *, shop: Shop, wire: Wire, bank: IssuingBank, engine: Engine, worker: Worker, clock: ManualClock
) -> None:
    wire.delay_before = SLOW  # the bank reads the 0100 only after the 0400
    status, body = shop.pay(amount=2500)
    assert status == 402, body
    (sent,) = processor_authorisations(engine)
    assert sent["follow_up"] == "reverse"  # the bank did not know the 0100 yet (25)
    wait_for(lambda: [a["status"] for a in issuer_authorisations(bank)] == ["approved"])
    wire.delay_before = 0
    run_jobs(worker, clock)
    assert [a["status"] for a in issuer_authorisations(bank)] == ["reversed"]
    (sent,) = processor_authorisations(engine)
    assert sent["follow_up"] is None


def test_an_issuer_that_is_down_fails_the_payment_clearly(
    shop: Shop, wire: Wire, bank: IssuingBank, engine: Engine, merchant_id: str
) -> None:
    wire.stop()
    status, body = shop.pay()
    assert status == 402, body
    error = body["error"]
    assert (error["code"], error["decline_code"]) == ("processing_error", "processing_error")
    assert "network_decline_code" not in error
    assert error["payment_intent"]["status"] == "requires_payment_method"
    assert issuer_authorisations(bank) == []
    (sent,) = processor_authorisations(engine)
    assert (sent["status"], sent["follow_up"]) == ("failed", None)  # nothing reached it
    assert merchant_balance(engine, merchant_id) == (0, 0)


def test_a_capture_while_the_issuer_is_down_is_delivered_when_it_is_back(
    *,
    shop: Shop,
    wire: Wire,
    bank: IssuingBank,
    engine: Engine,
    merchant_id: str,
    worker: Worker,
    clock: ManualClock,
) -> None:
    _, intent = shop.pay(amount=3000, capture_method="manual")
    wire.stop()
    status, captured = shop.post(f"/v1/payment_intents/{intent['id']}/capture")
    assert status == 200, captured
    assert captured["status"] == "succeeded"
    assert merchant_balance(engine, merchant_id) == (3000 - 117, 0)
    assert issuer_authorisations(bank)[0]["status"] == "approved"
    assert processor_authorisations(engine)[0]["follow_up"] == "complete"
    run_jobs(worker, clock)  # still down: tried, and tried again later
    wire.restart()
    run_jobs(worker, clock, after_seconds=3600)
    assert issuer_authorisations(bank)[0]["status"] == "completed"
    assert processor_authorisations(engine)[0]["follow_up"] is None


def test_a_request_that_dies_after_the_issuer_approved_is_reversed_and_failed(
    *,
    shop: Shop,
    bank: IssuingBank,
    engine: Engine,
    merchant_id: str,
    worker: Worker,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(*_args: object, **_kwargs: object) -> bool:
        raise RuntimeError("the process died here")

    monkeypatch.setattr(Processor, "settle", crash)
    with pytest.raises(RuntimeError):
        shop.pay(amount=2500, key="order-9")
    monkeypatch.undo()
    (intent,) = shop.get("/v1/payment_intents")["data"]
    assert intent["status"] == "processing"
    assert [a["status"] for a in issuer_authorisations(bank)] == ["approved"]
    # The same request again, meanwhile, is told to wait: it never pays twice.
    status, busy = shop.pay(amount=2500, key="order-9")
    assert status == 409, busy

    clock.advance(STUCK_AFTER)
    run_jobs(worker, clock)  # the recovery: the intent fails, a reversal is owed
    run_jobs(worker, clock)  # the reversal
    failed = shop.intent(intent["id"])
    assert failed["status"] == "requires_payment_method"
    assert failed["last_payment_error"]["code"] == "processing_error"
    assert [a["status"] for a in issuer_authorisations(bank)] == ["reversed"]
    assert merchant_balance(engine, merchant_id) == (0, 0)
    types = {e["type"] for e in shop.get("/v1/events")["data"]}
    assert "payment_intent.payment_failed" in types
