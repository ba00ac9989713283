"""An amount of money: an integer count of minor units in one ISO 4217 currency.

`Money.of_minor(1234, "USD")` is $12.34. The integer is the truth; a `Decimal` of major
units is only ever a way in or out (`from_major`, `to_decimal`), and a float is refused
everywhere with a `TypeError`, because 0.1 + 0.2 != 0.3 in binary floating point.

Whatever can make a value fall between two minor units (a major amount with too many
decimals, a multiplication by a rate) takes a `Rounding`, or refuses to guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mercato.money.allocation import allocate
from mercato.money.currency import Currency
from mercato.money.errors import CurrencyMismatch, InexactAmount, UnparseableAmount
from mercato.money.rounding import Rounding, round_division

# A plain decimal number: no exponent, no underscores, no spaces, ASCII digits only.
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
# No amount has more digits than Python converts from text by default (sys.int_max_str_digits).
_MAX_DIGITS = 4300


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units of one currency. Immutable; compares only within a currency.

    Arithmetic never rounds except where a `Rounding` is named: `+`, `-`, unary `-`, `abs()`
    and `* int` are exact; `multiply` takes a rule; `allocate` splits every minor unit.
    """

    minor: int
    currency: Currency

    def __post_init__(self) -> None:
        _require_int(self.minor, "an amount in minor units")
        if not isinstance(self.currency, Currency):
            raise TypeError(f"currency must be a Currency, not {self.currency!r}")
        # A hand-built Currency is checked against the ISO table and swapped for the table's.
        object.__setattr__(self, "currency", Currency.of(self.currency))

    # -- ways in ---------------------------------------------------------------------------

    @classmethod
    def of_minor(cls, minor: int, currency: str | Currency) -> Money:
        """The amount of `minor` minor units (cents, yen, fils...). Exact: no rounding."""
        _require_int(minor, "an amount in minor units")
        return cls(minor, Currency.of(currency))

    @classmethod
    def from_major(
        cls,
        value: Decimal | int | str,
        currency: str | Currency,
        rounding: Rounding | None = None,
    ) -> Money:
        """The amount of `value` major units (dollars, yen, dinars...).

        Rounding: none by default. A value with more decimals than the currency's minor
        units raises `InexactAmount` (`"12.345"` USD), unless a `rounding` is named, which
        then rounds it to a whole minor unit by that rule. Strings must be plain decimals
        (`"-12.34"`, no exponent or grouping); use `parse` for what people type.
        """
        resolved = Currency.of(currency)
        if rounding is not None and not isinstance(rounding, Rounding):
            raise TypeError(f"rounding must be a Rounding or None, not {rounding!r}")
        coefficient, exponent = _decimal_parts(_as_decimal(value))
        minor = _whole_units(coefficient, exponent + resolved.exponent, rounding)
        if minor is None:
            raise InexactAmount(
                f"{value!s} has more decimals than {resolved.code} has minor units "
                f"({resolved.exponent}); name a Rounding to round it"
            )
        return cls(minor, resolved)

    @classmethod
    def zero(cls, currency: str | Currency) -> Money:
        """No money, in this currency. Exact: no rounding."""
        return cls(0, Currency.of(currency))

    @classmethod
    def parse(cls, text: str, currency: str | Currency, locale: str = "en_US") -> Money:
        """The amount a person wrote, in the conventions of `locale`.

        Accepts what `format` writes and what people type: "$1,234.56", "1.234,56 €",
        "-€5.00", "¥1,235", "1 234,56", "12.345 KWD", "(1,234.56)". A currency symbol or
        code, if present, must be one for `currency`.
        Rounding: none. More decimals than the currency has raise `InexactAmount`; anything
        else that is not an amount raises `UnparseableAmount`.
        """
        from mercato.money.text import parse_amount  # babel loads only when text is needed

        resolved = Currency.of(currency)
        return cls.from_major(parse_amount(text, resolved, locale), resolved)

    # -- ways out --------------------------------------------------------------------------

    def to_decimal(self) -> Decimal:
        """The amount in major units, with exactly the currency's decimals. Exact: no rounding.

        Built from the digits, so no `decimal` context can round it, however large it is.
        """
        sign = 1 if self.minor < 0 else 0
        digits = tuple(int(d) for d in str(abs(self.minor)))
        return Decimal((sign, digits, -self.currency.exponent))

    def format(self, locale: str = "en_US") -> str:
        """The amount as people of `locale` write it, e.g. "1.234,56 €" for de_DE.

        Always shows exactly the currency's ISO 4217 minor units, even where the locale
        data says otherwise (ISO has 3 decimals for IQD, CLDR shows 0). Rounding: none.
        """
        from mercato.money.text import format_amount

        return format_amount(self.to_decimal(), self.currency, locale)

    def __str__(self) -> str:
        return f"{self.to_decimal():f} {self.currency.code}"

    def __repr__(self) -> str:
        return f"Money('{self.to_decimal():f}', '{self.currency.code}')"

    # -- questions -------------------------------------------------------------------------

    @property
    def is_zero(self) -> bool:
        return self.minor == 0

    @property
    def is_positive(self) -> bool:
        return self.minor > 0

    @property
    def is_negative(self) -> bool:
        return self.minor < 0

    # -- arithmetic ------------------------------------------------------------------------

    def multiply(self, factor: Decimal | int, rounding: Rounding) -> Money:
        """This amount times `factor` (a rate, a percentage as a fraction, a quantity).

        Rounding: `rounding`, applied once to the exact product, to a whole minor unit.
        """
        if not isinstance(rounding, Rounding):
            raise TypeError(f"multiply needs a Rounding, not {rounding!r}")
        if isinstance(factor, str):
            raise TypeError("a factor is a Decimal or an int, not a str")
        coefficient, exponent = _decimal_parts(_as_decimal(factor))
        minor = _whole_units(self.minor * coefficient, exponent, rounding)
        assert minor is not None  # a rounding was named
        return Money(minor, self.currency)

    def allocate(self, ratios: Sequence[int | Decimal]) -> list[Money]:
        """Split this amount by `ratios`, every minor unit allocated: see `allocate`."""
        return allocate(self, ratios)

    def __add__(self, other: Money) -> Money:
        """Exact: no rounding. Both amounts must be in the same currency."""
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.minor + other.minor, self._same_currency(other, "add"))

    def __sub__(self, other: Money) -> Money:
        """Exact: no rounding. Both amounts must be in the same currency."""
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.minor - other.minor, self._same_currency(other, "subtract"))

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __mul__(self, other: int) -> Money:
        """Exact: times a whole number only. A `Decimal` factor goes through `multiply`."""
        if isinstance(other, bool) or not isinstance(other, int):
            raise TypeError(
                f"Money can be multiplied by an int only, not by {type(other).__name__}; "
                "use Money.multiply(factor, rounding) for a Decimal factor"
            )
        return Money(self.minor * other, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.minor >= other.minor

    def _same_currency(self, other: Money, operation: str) -> Currency:
        if self.currency != other.currency:
            raise CurrencyMismatch(
                f"cannot {operation} {self.currency.code} and {other.currency.code}"
            )
        return self.currency


def _require_int(value: object, what: str) -> None:
    if isinstance(value, float):
        raise TypeError(f"{what} is never a float (got {value!r}); use an int or a Decimal")
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")


def _as_decimal(value: object) -> Decimal:
    """A finite `Decimal` from a Decimal, an int or a plain decimal string; never a float."""
    if isinstance(value, float):
        raise TypeError(f"amounts are never floats (got {value!r}); use a Decimal or a str")
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        if not _PLAIN_DECIMAL.fullmatch(value):
            raise UnparseableAmount(f"{value!r} is not a plain decimal number")
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise UnparseableAmount(f"{value!r} is not a finite number")
        if value.adjusted() > _MAX_DIGITS:  # 1E+999999999 would take minutes to multiply out
            raise UnparseableAmount(f"{value!r} is too large to be an amount")
        return value
    raise TypeError(f"expected a Decimal, an int or a str, not {type(value).__name__}")


def _decimal_parts(value: Decimal) -> tuple[int, int]:
    """(coefficient, exponent) with value == coefficient * 10**exponent, exactly."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite: checked by _as_decimal
    try:
        coefficient = int("".join(map(str, digits)))
    except ValueError:  # more digits than Python converts from text (sys.int_max_str_digits)
        raise UnparseableAmount(f"{value!r} has too many digits to be an amount") from None
    return (-coefficient if sign else coefficient), exponent


def _whole_units(coefficient: int, exponent: int, rounding: Rounding | None) -> int | None:
    """`coefficient * 10**exponent` as an int: rounded by `rounding`; if that is None, the
    exact value, or None when there is none.
    """
    if exponent >= 0:
        scale: int = 10**exponent
        return coefficient * scale
    # Below a tenth of a unit every rule rounds alike (by the sign alone), so the divisor
    # need not grow past that: 1E-999999999 must not become a billion-digit integer.
    # Digits of the coefficient < bit_length // 3 + 1, as 2**3 < 10.
    places = min(-exponent, abs(coefficient).bit_length() // 3 + 2)
    divisor: int = 10**places
    if rounding is not None:
        return round_division(coefficient, divisor, rounding)
    whole, remainder = divmod(coefficient, divisor)
    return None if remainder else whole
