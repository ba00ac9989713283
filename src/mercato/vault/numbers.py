"""Card numbers, expiry dates and security codes, checked as Stripe checks them.

Pure values and rules, standard library only. A ``CardNumber`` holds the digits and shows
only its masked form: its ``repr`` and ``str`` are safe in a log line, an exception or a
debugger, and ``digits`` is the one way to the full number. It cannot be pickled or copied
out of the process by accident (``pickle`` refuses it): a number that must travel is stored
in the vault, and its id travels instead.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any, NoReturn

from mercato import luhn
from mercato.vault.errors import (
    ExpiredCard,
    IncorrectCardNumber,
    InvalidCardNumber,
    InvalidCvc,
    InvalidExpiryMonth,
    InvalidExpiryYear,
)

SHORTEST = 13
LONGEST = 19
"""ISO/IEC 7812 allows up to 19 digits; no card network issues fewer than 13 today. The
log masking (``mercato.logs``) recognises exactly this range, so every number the vault
accepts is one the last line of defence would also mask."""

BRANDS = ("visa", "mastercard", "amex", "discover", "diners", "jcb", "unionpay", "unknown")

# (brand, lowest prefix, highest prefix): a number belongs to the first range that its
# leading digits (as many as the bounds have) fall in. Narrow ranges come before wide ones.
_RANGES: tuple[tuple[str, str, str], ...] = (
    ("amex", "34", "34"),
    ("amex", "37", "37"),
    ("diners", "300", "305"),
    ("diners", "3095", "3095"),
    ("diners", "36", "36"),
    ("diners", "38", "39"),
    ("jcb", "3528", "3589"),
    ("visa", "4", "4"),
    ("mastercard", "51", "55"),
    ("mastercard", "2221", "2720"),
    ("discover", "6011", "6011"),
    ("discover", "644", "649"),
    ("discover", "65", "65"),
    # Stripe reports China UnionPay for every 62 prefix, the Discover co-branded range too.
    ("unionpay", "62", "62"),
    ("unionpay", "81", "81"),
)

_LENGTHS: dict[str, range | tuple[int, ...]] = {
    "visa": (13, 16, 19),
    "mastercard": (16,),
    "amex": (15,),
    "discover": range(16, 20),
    "diners": range(14, 20),
    "jcb": range(16, 20),
    "unionpay": range(16, 20),
    "unknown": range(SHORTEST, LONGEST + 1),
}

_GROUPS: dict[tuple[str, int], tuple[int, ...]] = {
    ("amex", 15): (4, 6, 5),
    ("diners", 14): (4, 6, 4),
}
"""How the number is printed on the card, where it is not in fours."""

_SEPARATORS = str.maketrans("", "", " -")
_HIDDEN = "•"


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit alone accepts "²" and digits of other scripts, which int() would then read.
    return text.isascii() and text.isdigit()


def brand_of(digits: str) -> str:
    """The card network a number belongs to, from its leading digits (``"unknown"`` if none)."""
    for brand, low, high in _RANGES:
        if low <= digits[: len(low)] <= high:
            return brand
    return "unknown"


class CardNumber:
    """A valid card number (primary account number). Immutable; compared and hashed by its
    digits; shown everywhere as ``4242 •••• •••• 4242``."""

    __slots__ = ("_digits",)
    _digits: str

    def __init__(self, digits: str) -> None:
        """``digits`` exactly, with no separators; ``parse`` is for what people type."""
        if not isinstance(digits, str) or not _is_ascii_digits(digits):
            raise InvalidCardNumber
        if not SHORTEST <= len(digits) <= LONGEST:
            raise InvalidCardNumber
        if len(digits) not in _LENGTHS[brand_of(digits)]:
            raise InvalidCardNumber
        if not luhn.is_valid(digits):
            raise IncorrectCardNumber
        object.__setattr__(self, "_digits", digits)

    @classmethod
    def parse(cls, text: str) -> CardNumber:
        """A card number as typed: spaces and dashes between the digits are ignored."""
        if not isinstance(text, str):
            raise InvalidCardNumber
        return cls(text.strip().translate(_SEPARATORS))

    @classmethod
    def with_check_digit(cls, partial: str) -> CardNumber:
        """``partial`` (every digit but the last) completed with its Luhn check digit: how an
        issuer mints a number from its range and an account number."""
        if not isinstance(partial, str) or not _is_ascii_digits(partial):
            raise InvalidCardNumber
        return cls(partial + luhn.check_digit(partial))

    @property
    def digits(self) -> str:
        """The full number. Only for encryption and for the authorisation message: never log,
        store or display it."""
        return self._digits

    @property
    def last4(self) -> str:
        return self._digits[-4:]

    @property
    def bin(self) -> str:
        """The bank identification number: the first six digits."""
        return self._digits[:6]

    @property
    def brand(self) -> str:
        return brand_of(self._digits)

    @property
    def masked(self) -> str:
        """The first four and last four digits, the rest hidden, grouped as on the card."""
        digits = self._digits
        shown = digits[:4] + _HIDDEN * (len(digits) - 8) + digits[-4:]
        groups = _GROUPS.get((self.brand, len(digits)))
        if groups is None:
            groups = (4,) * (len(digits) // 4) + ((len(digits) % 4,) if len(digits) % 4 else ())
        parts, start = [], 0
        for size in groups:
            parts.append(shown[start : start + size])
            start += size
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"CardNumber({self.brand} {self.masked})"

    def __str__(self) -> str:
        return self.masked

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CardNumber):
            return NotImplemented
        return hmac.compare_digest(self._digits, other._digits)

    def __hash__(self) -> int:
        return hash(self._digits)

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("a CardNumber cannot be changed")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("a CardNumber cannot be changed")

    def __copy__(self) -> CardNumber:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> CardNumber:
        return self

    def __reduce__(self) -> NoReturn:
        raise TypeError("a card number is not pickled: store it in the vault and pass its id")


TWO_DIGIT_WINDOW = 50
"""A two-digit year is the one within 50 years of today (``95`` in 2026 is 1995, ``34`` is
2034), which is how Stripe reads it: its documented way to get ``invalid_expiry_year`` is
"a year up to 50 years in the past, such as 95"."""


def check_expiry(month: int, year: int, now: dt.datetime) -> None:
    """Refuse an expiry date as Stripe does. A card is valid through the last day of its
    expiry month, in UTC.

    * a month outside 1-12: ``invalid_expiry_month``;
    * a year before this one (or not a year at all): ``invalid_expiry_year``, as Stripe
      answers, rather than ``expired_card``;
    * this year, a month already over: ``expired_card``.
    """
    if now.tzinfo is None:
        raise ValueError("check_expiry needs a timezone-aware time")
    today = now.astimezone(dt.UTC).date()
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise InvalidExpiryMonth
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidExpiryYear
    if 0 <= year < 100:
        year += today.year // 100 * 100
        if year >= today.year + TWO_DIGIT_WINDOW:
            year -= 100
    if not today.year <= year <= 9999:
        raise InvalidExpiryYear
    if (year, month) < (today.year, today.month):
        raise ExpiredCard


def check_cvc(cvc: str, brand: str) -> None:
    """Refuse a security code of the wrong shape: four digits for American Express, three for
    every other brand. (Whether it is the right code is the issuer's business.)"""
    length = 4 if brand == "amex" else 3
    if not isinstance(cvc, str) or len(cvc) != length or not _is_ascii_digits(cvc):
        raise InvalidCvc
