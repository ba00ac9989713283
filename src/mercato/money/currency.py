"""ISO 4217 currencies, as small immutable values.

The table comes from the `iso4217` package (the ISO maintenance agency's published list);
`ISO_4217_PUBLISHED` says which edition. Only currencies with a number of minor units are
kept: funds, precious metals and the testing codes (XAU, XDR, XTS, XXX...) have none, and an
amount in them cannot be counted in integer minor units.

Each currency exists once: `Currency.of("usd") is Currency.of("USD")`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import iso4217

from mercato.money.errors import UnknownCurrency

ISO_4217_PUBLISHED: dt.date = iso4217.__published__


@dataclass(frozen=True, slots=True)
class Currency:
    """One ISO 4217 currency: its letter code, its number, and how many minor units it has.

    `exponent` is the number of decimals of its minor unit: 2 for USD (cents), 0 for JPY,
    3 for KWD (fils), 4 for CLF. Build currencies with `Currency.of`, never directly.
    """

    code: str
    number: int
    exponent: int
    name: str

    @classmethod
    def of(cls, code: str | Currency) -> Currency:
        """The currency with this letter code, case-insensitive ("usd" and "USD" alike).

        Always the same object for the same code. A `Currency` given in is checked against
        the table and returned as the table's own object. Raises `UnknownCurrency`.
        """
        if isinstance(code, Currency):
            known = _BY_CODE.get(code.code)
            if known is None or known != code:
                raise UnknownCurrency(
                    f"{code.code} (number {code.number}, exponent {code.exponent}) "
                    "is not a currency of the ISO 4217 table"
                )
            return known
        if not isinstance(code, str):
            raise TypeError(f"a currency is named by its ISO 4217 code, not by {code!r}")
        # ASCII only: "u\u017fd".upper() is "USD" (long s), and a look-alike names nothing.
        known = _BY_CODE.get(code.upper()) if code.isascii() else None
        if known is None:
            raise UnknownCurrency(f"{code!r} is not an ISO 4217 currency code")
        return known

    @classmethod
    def of_number(cls, number: int) -> Currency:
        """The currency with this ISO 4217 numeric code (840 is USD), as ISO 8583 sends it.

        Raises `UnknownCurrency`.
        """
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"an ISO 4217 currency number is an int, not {number!r}")
        try:
            return _BY_NUMBER[number]
        except KeyError:
            raise UnknownCurrency(f"{number!r} is not an ISO 4217 currency number") from None

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"Currency.of({self.code!r})"


def all_currencies() -> tuple[Currency, ...]:
    """Every currency that has minor units, sorted by code."""
    return tuple(_BY_CODE[code] for code in sorted(_BY_CODE))


# Filled once, at import, from the ISO table; read-only afterwards.
_BY_CODE: dict[str, Currency] = {}
_BY_NUMBER: dict[int, Currency] = {}


def _load_table() -> None:
    for entry in iso4217.Currency:
        if entry.exponent is None:  # funds, metals, testing codes: no minor unit
            continue
        currency = Currency(
            code=entry.code.upper(),
            number=entry.number,
            exponent=entry.exponent,
            name=entry.currency_name,
        )
        _BY_CODE[currency.code] = currency
        _BY_NUMBER[currency.number] = currency


_load_table()
