"""An amount before and after tax, kept together so that neither is taken for the other.

A `Money` alone does not say whether tax is in it. Where that matters (a line of an order,
an order's total) the amount is a `TaxedMoney`: `net` before tax, `gross` after it, and
`tax` the difference, so `net + tax == gross` holds exactly by construction.

Rounding: half-up, once per line, on integers (`round_division`), never through a
`decimal` context:

    tax on a net amount      tax = net * p / 100            (prices entered without tax)
    tax in a gross amount    tax = gross * p / (100 + p)    (prices entered with tax)

    >>> from decimal import Decimal
    >>> from mercato.money import Money
    >>> line = TaxedMoney.from_gross(Money.of_minor(1190, "EUR"), Decimal("19"))
    >>> str(line.net), str(line.tax), str(line.gross)
    ('10.00 EUR', '1.90 EUR', '11.90 EUR')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mercato.money import Currency, CurrencyMismatch, Money, Rounding, round_division


@dataclass(frozen=True, slots=True)
class TaxedMoney:
    """`net` before tax and `gross` after it, in one currency. Immutable."""

    net: Money
    gross: Money

    def __post_init__(self) -> None:
        for name in ("net", "gross"):
            if not isinstance(getattr(self, name), Money):
                raise TypeError(f"{name} must be Money, not {getattr(self, name)!r}")
        if self.net.currency != self.gross.currency:
            raise CurrencyMismatch(
                f"net in {self.net.currency.code} and gross in {self.gross.currency.code}"
            )

    @property
    def tax(self) -> Money:
        """gross - net. Exact: no rounding."""
        return self.gross - self.net

    @property
    def currency(self) -> Currency:
        return self.net.currency

    @classmethod
    def from_net(cls, net: Money, percent: Decimal | int) -> TaxedMoney:
        """`net` plus tax at `percent`. Rounding: the tax, half-up to a minor unit."""
        numerator, denominator = _fraction(percent)
        tax = round_division(net.minor * numerator, denominator, Rounding.HALF_UP)
        return cls(net, Money(net.minor + tax, net.currency))

    @classmethod
    def from_gross(cls, gross: Money, percent: Decimal | int) -> TaxedMoney:
        """`gross` split into net and the tax at `percent` it contains.

        Rounding: the tax, half-up to a minor unit; the net is what is left, so
        net + tax == gross exactly.
        """
        numerator, denominator = _fraction(percent)
        tax = round_division(gross.minor * numerator, denominator + numerator, Rounding.HALF_UP)
        return cls(Money(gross.minor - tax, gross.currency), gross)

    @classmethod
    def untaxed(cls, amount: Money) -> TaxedMoney:
        """An amount with no tax on it: net == gross."""
        return cls(amount, amount)

    @classmethod
    def zero(cls, currency: str | Currency) -> TaxedMoney:
        return cls.untaxed(Money.zero(currency))

    def __add__(self, other: TaxedMoney) -> TaxedMoney:
        """Exact: no rounding. Both must be in the same currency."""
        if not isinstance(other, TaxedMoney):
            return NotImplemented
        return TaxedMoney(self.net + other.net, self.gross + other.gross)

    def __str__(self) -> str:
        return f"net {self.net}, tax {self.tax}, gross {self.gross}"


def _fraction(percent: Decimal | int) -> tuple[int, int]:
    """`percent / 100` as (numerator, denominator), exactly: Decimal("25.5") is 255/1000."""
    if isinstance(percent, float):
        raise TypeError(f"a tax rate is never a float (got {percent!r}); use a Decimal")
    if isinstance(percent, bool) or not isinstance(percent, (int, Decimal)):
        raise TypeError(f"a tax rate is a Decimal percentage, not {percent!r}")
    value = Decimal(percent)
    if not value.is_finite() or value < 0 or value >= 100:
        raise ValueError(f"a tax rate is a percentage from 0 up to 100, not {percent!r}")
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    coefficient = int("".join(map(str, digits)))
    if exponent >= 0:
        return coefficient * 10**exponent, 100
    return coefficient, 100 * 10**-exponent
