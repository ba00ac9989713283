"""A customer who paid with an e-mail address for receipts gets one e-mail, with its PDF,
through a real SMTP server; when that server is down the receipt waits and then arrives."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
from mail_world import SmtpServer
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.database.engine import reading
from mercato.mail.mailbox_store import Letter
from mercato.mail.tables import receipts
from mercato.outbox import Worker
from payments_world import Shop


def receipt_status(engine: Engine, charge_id: str) -> str | None:
    with reading(engine) as connection:
        return connection.execute(
            sa.select(receipts.c.status).where(receipts.c.charge_id == charge_id)
        ).scalar_one_or_none()


def pdf_text(letter: Letter) -> str:
    [pdf] = [a for a in letter.attachments if a.content_type == "application/pdf"]
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)


def test_a_paid_customer_gets_one_receipt_with_its_pdf(
    shop: Shop, merchant_id: str, smtp_server: SmtpServer, mail_worker: Worker, engine: Engine
) -> None:
    smtp_server.start()
    status, intent = shop.pay(
        amount=2599, receipt_email="jenny@example.com", description="Birthday cake"
    )
    assert status == 200, intent
    charge_id = intent["latest_charge"]

    assert mail_worker.run_once(limit=10) == 1
    assert mail_worker.run_once(limit=10) == 0  # nothing owed twice

    [letter] = smtp_server.store.letters(merchant_id)
    assert letter.recipients == "jenny@example.com"
    assert letter.subject.startswith("Your receipt from Corner Bakery")
    assert "Birthday cake" in letter.text
    text = pdf_text(letter)
    assert "Birthday cake" in text
    assert "$25.99" in text
    assert "Visa •••• 4242" in text
    assert receipt_status(engine, charge_id) == "sent"


def test_no_receipt_without_an_email_address(
    shop: Shop, merchant_id: str, smtp_server: SmtpServer, mail_worker: Worker
) -> None:
    smtp_server.start()
    status, _intent = shop.pay(amount=1000)
    assert status == 200
    assert mail_worker.run_once(limit=10) == 0
    assert smtp_server.store.letters(merchant_id) == []


def test_a_receipt_waits_for_the_mail_server_and_then_arrives(
    *,
    shop: Shop,
    merchant_id: str,
    smtp_server: SmtpServer,
    mail_worker: Worker,
    engine: Engine,
    clock: ManualClock,
) -> None:
    status, intent = shop.pay(amount=1500, receipt_email="sam@example.com")
    assert status == 200
    charge_id = intent["latest_charge"]

    assert mail_worker.run_once(limit=10) == 1  # the server is down: tried, not sent
    assert receipt_status(engine, charge_id) == "pending"
    assert mail_worker.run_once(limit=10) == 0  # and not tried again at once

    smtp_server.start()
    clock.advance(dt.timedelta(minutes=1))
    assert mail_worker.run_once(limit=10) == 1
    [letter] = smtp_server.store.letters(merchant_id)
    assert letter.recipients == "sam@example.com"
    assert receipt_status(engine, charge_id) == "sent"
