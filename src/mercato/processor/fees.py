"""What the processor charges a merchant for a captured payment: a percentage of the amount
plus a fixed fee, as Stripe prices cards (2.9% + 30 cents for USD by default).

Pure values. The percentage is a ``Decimal``; amounts are integer minor units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from mercato.money import Currency, Money, Rounding, round_division

DEFAULT_PERCENT = Decimal("2.9")
DEFAULT_FIXED_CENTS = 30
"""The default fixed fee: 30 minor units of a currency with two decimals (USD 0.30)."""


class InvalidFeeSchedule(ValueError):
    """A fee schedule that cannot be right: a percentage outside 0 to 100, a negative fee."""


def default_fixed_fee(currency: Currency) -> Money:
    """USD 0.30 carried to ``currency``'s exponent: 30 minor units for two decimals, 300 for
    three (KWD), 0 for none (JPY 0.3 rounds to 0).

    Rounding: half-up, once, on the scaled amount.
    """
    return Money.of_minor(
        round_division(DEFAULT_FIXED_CENTS * 10**currency.exponent, 100, Rounding.HALF_UP),
        currency,
    )


@dataclass(frozen=True)
class FeeSchedule:
    """``percent`` of each captured amount, plus ``fixed`` minor units per currency code (a
    currency not named pays ``default_fixed_fee``)."""

    percent: Decimal = DEFAULT_PERCENT
    fixed: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.percent, Decimal) or not self.percent.is_finite():
            raise InvalidFeeSchedule("the percentage is a finite Decimal")
        if not Decimal(0) <= self.percent <= Decimal(100):
            raise InvalidFeeSchedule(f"the percentage must be 0 to 100, not {self.percent}")
        for code, minor in self.fixed.items():
            Currency.of(code)
            if isinstance(minor, bool) or not isinstance(minor, int) or minor < 0:
                raise InvalidFeeSchedule(f"the fixed fee in {code} must be a whole number >= 0")

    @classmethod
    def from_record(cls, percent: str, fixed: Mapping[str, int]) -> FeeSchedule:
        try:
            value = Decimal(percent)
        except InvalidOperation:
            raise InvalidFeeSchedule(f"not a percentage: {percent!r}") from None
        return cls(value, {code.upper(): minor for code, minor in fixed.items()})

    def fixed_fee(self, currency: Currency) -> Money:
        configured = self.fixed.get(currency.code)
        if configured is None:
            return default_fixed_fee(currency)
        return Money.of_minor(configured, currency)

    def fee(self, captured: Money) -> Money:
        """The fee on a captured amount: ``percent`` of it, rounded half-up on the computed
        amount, plus the fixed fee; never more than the amount itself (a fee cannot take
        more than the payment brought in)."""
        share = captured.multiply(self.percent.scaleb(-2), Rounding.HALF_UP)  # exact: /100
        total = share + self.fixed_fee(captured.currency)
        return min(total, captured)
