"""The demo's mailbox in the dashboard: a customer's receipt, received by the built-in SMTP
server, is listed with its PDF to download. And plain HTTP only ever sends to HTTPS."""

from __future__ import annotations

import socket

from dashboard_world import Owner, sign_in
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.mail import mailbox, sending
from mercato.mail.mailbox_store import MailboxStore
from mercato.mail.transport import SmtpTransport
from mercato.outbox import Worker
from mercato.web.https_redirect import redirect_app
from payments_world import Shop


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_receipt_in_the_mailbox_comes_with_its_pdf(
    *, browser: TestClient, owner: Owner, shop: Shop, engine: Engine, clock: ManualClock
) -> None:
    port = free_port()
    stop = mailbox.serve("127.0.0.1", port, MailboxStore(engine, clock))
    try:
        status, _intent = shop.pay(amount=1200, receipt_email="jenny@example.com")
        assert status == 200
        transport = SmtpTransport("127.0.0.1", port, sender="receipts@mercato.localhost")
        assert Worker(engine, clock, sending.handlers(engine, clock, transport)).run_once() == 1
    finally:
        stop()

    sign_in(browser, owner.email, owner.password)
    page = browser.get("/dashboard/mailbox")
    assert "Your receipt from Corner Bakery" in page.text
    assert "To jenny@example.com" in page.text
    link = page.text.split('href="/dashboard/mailbox/')[1].split('"')[0]
    pdf = browser.get(f"/dashboard/mailbox/{link}")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_plain_http_is_sent_to_https_with_the_same_path() -> None:
    client = TestClient(redirect_app(8443), base_url="http://localhost:8080")
    answer = client.post("/dashboard/sign-in?next=1", follow_redirects=False)
    assert answer.status_code == 308
    assert answer.headers["location"] == "https://localhost:8443/dashboard/sign-in?next=1"
