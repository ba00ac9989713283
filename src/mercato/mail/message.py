"""The receipt as an e-mail: a plain-text part, an HTML part, and the PDF attached.

The Message-ID is made from the charge, so the same receipt sent twice (a worker that died
after the SMTP server took it, before it could record so) carries the same id, and a
mailbox that keeps one message per id shows it once.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from mercato.mail import receipts
from mercato.mail.facts import Receipt

ACCOUNT_HEADER = "X-Mercato-Account"
"""Names the merchant a message is from, for the demo's mailbox to file it."""


def message_id(receipt: Receipt, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "mercato.localhost"
    return f"<receipt.{receipt.charge_id}@{domain}>"


def receipt_message(receipt: Receipt, *, sender: str, pdf: bytes) -> EmailMessage:
    """The e-mail that carries ``receipt`` to its customer, with ``pdf`` attached."""
    values = receipts.values(receipt)
    message = EmailMessage()
    message["Subject"] = f"Your receipt from {receipt.merchant_name} #{receipt.number}"
    message["From"] = Address(display_name=receipt.merchant_name, addr_spec=sender)
    message["To"] = receipt.email
    message["Date"] = format_datetime(receipt.paid_at)
    message["Message-ID"] = message_id(receipt, sender)
    message[ACCOUNT_HEADER] = receipt.merchant_id
    message.set_content(receipts.environment.get_template("receipt.email.txt").render(values))
    message.add_alternative(
        receipts.environment.get_template("receipt.email.html").render(values), subtype="html"
    )
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=receipts.filename(receipt)
    )
    return message
