"""A customer who pays on the hosted page gets one receipt (though two events announce the
payment) listing what they bought."""

from __future__ import annotations

import io
import socket
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from checkout_world import VISA, Customer, Shop
from mercato.clock import ManualClock
from mercato.mail import mailbox, sending
from mercato.mail.mailbox_store import MailboxStore
from mercato.mail.transport import SmtpTransport
from mercato.outbox import Worker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_checkout_payment_gets_one_receipt_with_its_lines(
    *,
    shop: Shop,
    wired_app: TestClient,
    bank_pages: TestClient,
    engine: Engine,
    clock: ManualClock,
) -> None:
    session: dict[str, Any] = shop.session(
        (shop.price(1900, name="Field Notes"), 2),
        (shop.price(1199, name="Harbour mug"), 1),
        customer_email="ada@example.com",
    )
    paid = Customer(wired_app, bank_pages).pay(session["url"], VISA, email="ada@example.com")
    assert paid.status_code == 303
    assert [e["type"] for e in shop.events("checkout.session.completed")]

    store = MailboxStore(engine, clock)
    port = free_port()
    stop = mailbox.serve("127.0.0.1", port, store)
    try:
        transport = SmtpTransport("127.0.0.1", port, sender="receipts@mercato.localhost")
        assert Worker(engine, clock, sending.handlers(engine, clock, transport)).run_once() == 1
    finally:
        stop()

    [letter] = store.letters(shop.merchant_id)
    assert letter.recipients == "ada@example.com"
    [pdf] = letter.attachments
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ("Field Notes", "$38.00", "Harbour mug", "$11.99", "$49.99", "•••• 4242"):
        assert expected in text, expected
