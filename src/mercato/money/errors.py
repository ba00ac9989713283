"""What can go wrong with money, designed once for the whole package.

    ValueError
    └── MoneyError                  money_error
        ├── UnknownCurrency         unknown_currency
        ├── CurrencyMismatch        currency_mismatch
        ├── InexactAmount           inexact_amount
        ├── UnparseableAmount       unparseable_amount
        ├── InvalidRatios           invalid_ratios
        └── UnknownLocale           unknown_locale

Each class carries a short, stable `code`, so that the API's edge can turn any of them into
an error response without knowing the class. They derive from `ValueError` because each one
means "this value is not acceptable", which lets generic validation code catch them.

A float given where an amount belongs is not among them: it is a programming mistake, not a
bad value, and is refused with a `TypeError`.
"""

from __future__ import annotations


class MoneyError(ValueError):
    """Base class of every error the money package raises on purpose."""

    code = "money_error"


class UnknownCurrency(MoneyError):
    """The code names no ISO 4217 currency with minor units (funds and metals are excluded)."""

    code = "unknown_currency"


class CurrencyMismatch(MoneyError):
    """Two amounts in different currencies were added, subtracted or compared."""

    code = "currency_mismatch"


class InexactAmount(MoneyError):
    """The value has more decimals than the currency has minor units, and no rounding was named."""

    code = "inexact_amount"


class UnparseableAmount(MoneyError):
    """The text or value is not a finite decimal amount (garbage, NaN, Infinity, wrong symbol)."""

    code = "unparseable_amount"


class InvalidRatios(MoneyError):
    """Allocation ratios must be non-negative and have a positive sum."""

    code = "invalid_ratios"


class UnknownLocale(MoneyError):
    """The locale identifier names no locale that the formatting data knows."""

    code = "unknown_locale"
