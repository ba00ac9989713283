"""The hosted payment form as the customer filled it in: read, checked field by field, and
turned into a ``Card``. What is wrong is said per field, in plain words, so the page can
put each message beside its field. The card number and security code are never echoed
back into the page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from email_validator import EmailNotValidError, validate_email

from mercato.gateway.checkout_payments import Card

MAX_BYTES = 8192
_EXPIRY = re.compile(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*")


@dataclass(frozen=True)
class Filled:
    """The form's fields as sent (what may be shown again: never the number or code)."""

    email: str = ""
    name: str = ""
    expiry: str = ""
    csrf_token: str = ""
    number: str = field(default="", repr=False)
    cvc: str = field(default="", repr=False)


def read(body: bytes) -> Filled:
    """The fields of a form-encoded body (unknown ones ignored)."""
    fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=20)

    def first(name: str) -> str:
        return (fields.get(name) or [""])[0].strip()

    return Filled(
        email=first("email"),
        name=first("name"),
        expiry=first("expiry"),
        csrf_token=first("csrf_token"),
        number=first("number"),
        cvc=first("cvc"),
    )


def card(filled: Filled) -> Card | dict[str, str]:
    """The card, or a message for each field that is not right."""
    problems: dict[str, str] = {}
    try:
        validate_email(filled.email, check_deliverability=False)
    except EmailNotValidError:
        problems["email"] = "Enter your e-mail address, such as name@example.com."
    number = re.sub(r"[\s-]", "", filled.number)
    if not number.isdigit():
        problems["number"] = "Enter the long number on the front of your card."
    expiry = _EXPIRY.fullmatch(filled.expiry)
    if expiry is None or not 1 <= int(expiry.group(1)) <= 12:
        problems["expiry"] = "Enter the expiry date as it is on the card: month / year (MM / YY)."
    if not (filled.cvc.isdigit() and 3 <= len(filled.cvc) <= 4):
        problems["cvc"] = "Enter the 3 or 4 digit security code, usually on the back of the card."
    if not filled.name:
        problems["name"] = "Enter the name as it is written on the card."
    if problems or expiry is None:
        return problems
    year = int(expiry.group(2))
    return Card(
        email=filled.email,
        name=filled.name,
        number=number,
        exp_month=int(expiry.group(1)),
        exp_year=year + 2000 if year < 100 else year,
        cvc=filled.cvc,
    )
