"""The receipt a customer gets: the e-mail's parts and the PDF's words."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from mercato.mail import receipts
from mercato.mail.facts import Line, Receipt
from mercato.mail.mailbox_store import parse
from mercato.mail.message import receipt_message
from mercato.money import Money


def usd(minor: int) -> Money:
    return Money.of_minor(minor, "usd")


def a_receipt(**changes: object) -> Receipt:
    values: dict[str, object] = {
        "number": "1234-5678",
        "charge_id": "ch_123",
        "merchant_id": "acct_1",
        "merchant_name": "Corner Bakery",
        "merchant_country": "US",
        "email": "jenny@example.com",
        "paid_at": dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC),
        "lines": (Line("Sourdough loaf", 2, usd(1200)), Line("Croissant", 1, usd(350))),
        "taxes": (Line("Sales tax 8.875%", None, usd(138)),),
        "subtotal": usd(1550),
        "total": usd(1688),
        "card_brand": "Visa",
        "card_last4": "4242",
    }
    values.update(changes)
    return Receipt(**values)  # type: ignore[arg-type]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_shows_lines_tax_totals_card_and_merchant() -> None:
    text = pdf_text(receipts.render_pdf(a_receipt()))
    for expected in (
        "Corner Bakery",
        "Receipt #1234-5678",
        "Sourdough loaf",
        "$12.00",
        "Croissant",
        "$3.50",
        "Sales tax 8.875%",
        "$1.38",
        "Subtotal",
        "$15.50",
        "Total",
        "$16.88",
        "Visa •••• 4242",
        "2 November 2026",
        "US",
    ):
        assert expected in text, expected


def test_the_pdf_never_shows_more_of_the_card_than_its_last_four_digits() -> None:
    text = pdf_text(receipts.render_pdf(a_receipt()))
    assert "424242" not in text.replace(" ", "")


def test_a_merchants_text_is_shown_as_text_not_markup() -> None:
    html = receipts.render_html(a_receipt(lines=(Line("<b>Cake</b>", 1, usd(1688)),), taxes=()))
    assert "&lt;b&gt;Cake&lt;/b&gt;" in html
    assert "Subtotal" not in html  # no tax: no subtotal either


def test_the_email_has_text_html_and_the_pdf_attached() -> None:
    receipt = a_receipt()
    message = receipt_message(receipt, sender="receipts@mercato.localhost", pdf=b"%PDF-1.7 x")
    received = parse(message.as_bytes())
    assert received["To"] == "jenny@example.com"
    assert received["Subject"] == "Your receipt from Corner Bakery #1234-5678"
    assert "Corner Bakery" in received["From"]
    plain = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert plain is not None
    assert html is not None
    assert "Total: $16.88" in plain.get_content()
    assert "Visa •••• 4242" in html.get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "receipt-1234-5678.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_payload(decode=True) == b"%PDF-1.7 x"


def test_the_same_receipt_always_carries_the_same_message_id() -> None:
    first = receipt_message(a_receipt(), sender="receipts@shop.test", pdf=b"x")
    again = receipt_message(a_receipt(), sender="receipts@shop.test", pdf=b"x")
    assert first["Message-ID"] == again["Message-ID"] == "<receipt.ch_123@shop.test>"
