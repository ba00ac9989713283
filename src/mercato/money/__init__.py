"""Money: integer minor units of an ISO 4217 currency, never a float.

    >>> from decimal import Decimal
    >>> from mercato.money import Money, Rounding
    >>> price = Money.from_major("19.99", "EUR")
    >>> price.minor, str(price)
    (1999, '19.99 EUR')
    >>> str(price.multiply(Decimal("0.19"), Rounding.HALF_UP))
    '3.80 EUR'
    >>> [str(share) for share in Money.of_minor(10000, "USD").allocate([1, 1, 1])]
    ['33.34 USD', '33.33 USD', '33.33 USD']

Every rounding names its rule (`Rounding`); splits allocate every minor unit (`allocate`);
amounts in different currencies never meet (`CurrencyMismatch`). See
docs/adr/0003-money-as-integer-minor-units.md for why.
"""

from mercato.money.allocation import allocate
from mercato.money.currency import ISO_4217_PUBLISHED, Currency, all_currencies
from mercato.money.errors import (
    CurrencyMismatch,
    InexactAmount,
    InvalidRatios,
    MoneyError,
    UnknownCurrency,
    UnknownLocale,
    UnparseableAmount,
)
from mercato.money.money import Money
from mercato.money.rounding import Rounding, round_division

__all__ = [
    "ISO_4217_PUBLISHED",
    "Currency",
    "CurrencyMismatch",
    "InexactAmount",
    "InvalidRatios",
    "Money",
    "MoneyError",
    "Rounding",
    "UnknownCurrency",
    "UnknownLocale",
    "UnparseableAmount",
    "all_currencies",
    "allocate",
    "round_division",
]
