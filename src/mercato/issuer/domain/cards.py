"""What the bank knows about a card and the account behind it, as plain values.

A card's number lives in the bank's vault, never here: these values carry what the bank
judges an authorisation by (status, expiry, whether 3-D Secure is required) and the CVC the
bank derives for the card, which is never stored.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass


class CardStatus(enum.StrEnum):
    """Where a card stands. Only an active card can be used."""

    ACTIVE = "active"
    LOST = "lost"
    STOLEN = "stolen"
    BLOCKED = "blocked"


class AccountKind(enum.StrEnum):
    """A debit account spends its balance; a credit account spends a credit line."""

    DEBIT = "debit"
    CREDIT = "credit"


class Fault(enum.StrEnum):
    """A failure the simulator injects on purpose for one card (Stripe's test cards need one:
    4000000000000119 must fail with a processing error whatever its account holds)."""

    PROCESSING_ERROR = "processing_error"


@dataclass(frozen=True, order=True, slots=True)
class Expiry:
    """A card's expiry month. The card is good through the last day of that month (UTC)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"no month {self.month}")
        if not 2000 <= self.year <= 2099:
            raise ValueError(f"no card expires in {self.year}")

    @classmethod
    def parse_yymm(cls, text: str) -> Expiry:
        """The expiry as ISO 8583 field 14 carries it: ``YYMM`` (``2812`` is December 2028)."""
        if len(text) != 4 or not text.isascii() or not text.isdigit():
            raise ValueError(f"an expiry is four digits YYMM, not {text!r}")
        return cls(2000 + int(text[:2]), int(text[2:]))

    @property
    def yymm(self) -> str:
        return f"{self.year % 100:02d}{self.month:02d}"

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def expired_on(self, today: dt.date) -> bool:
        """Whether a card with this expiry can no longer be used on ``today``."""
        return today > self.last_day

    def years_later(self, years: int) -> Expiry:
        return Expiry(self.year + years, self.month)

    @classmethod
    def of(cls, day: dt.date) -> Expiry:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year % 100:02d}"


@dataclass(frozen=True, slots=True)
class CardState:
    """A card as the bank judges it.

    ``cvc`` is the value the bank derives from the number and expiry with its own key
    (see ``cvc.derive_cvc``); it is computed for each authorisation and never stored.
    ``accepts_any_expiry`` and ``accepts_any_cvc`` are what Stripe's test cards do: any
    future expiry and any CVC of the right length pass. The cards the bank issues itself are
    judged strictly: the expiry presented must be the card's, the CVC the derived one.
    """

    status: CardStatus
    expiry: Expiry
    cvc: str
    requires_3ds: bool = False
    accepts_any_expiry: bool = False
    accepts_any_cvc: bool = False
