"""The simulated bank's foreign-exchange rates: a small fixed table, not a market feed.

A card transaction in a currency other than the account's is converted at these rates and
held in the account's currency. The rates are invented round numbers near real mid-market
levels, quoted as units of each currency per one US dollar; the bank adds no markup. The
converted amount rounds up (``CEILING``), in the house's favour as the brief asks: the
cardholder is never held for less than the transaction is worth at the table's rate.
"""

from __future__ import annotations

from decimal import Decimal

from mercato.money import Currency, Money, Rounding, round_division

RATES_PER_USD: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "CHF": Decimal("0.88"),
    "JPY": Decimal("150"),
    "CAD": Decimal("1.36"),
    "AUD": Decimal("1.52"),
    "NZD": Decimal("1.64"),
    "SEK": Decimal("10.5"),
    "NOK": Decimal("10.7"),
    "DKK": Decimal("6.86"),
    "PLN": Decimal("4.00"),
    "SGD": Decimal("1.34"),
    "HKD": Decimal("7.80"),
    "CNY": Decimal("7.20"),
    "INR": Decimal("83.20"),
    "MXN": Decimal("17.10"),
    "BRL": Decimal("5.00"),
}
"""Units of each currency that one US dollar buys, at the simulated bank."""


class UnsupportedCurrency(ValueError):
    """The bank has no rate for this currency."""


def supports(currency: Currency) -> bool:
    return currency.code in RATES_PER_USD


def convert(amount: Money, to: Currency, rounding: Rounding = Rounding.CEILING) -> Money:
    """``amount`` in currency ``to`` at the table's rates.

    Rounding: ``rounding`` (by default ``CEILING``, in the bank's favour), applied once to
    the exact quotient of integers; the same currency converts to itself unchanged.
    """
    if amount.currency == to:
        return amount
    for currency in (amount.currency, to):
        if not supports(currency):
            raise UnsupportedCurrency(f"the bank has no exchange rate for {currency.code}")
    to_num, to_den = RATES_PER_USD[to.code].as_integer_ratio()
    from_num, from_den = RATES_PER_USD[amount.currency.code].as_integer_ratio()
    # minor_to = minor_from / 10^e_from / rate_from * rate_to * 10^e_to, kept in integers.
    numerator = amount.minor * to_num * from_den * 10**to.exponent
    denominator = to_den * from_num * 10**amount.currency.exponent
    return Money.of_minor(round_division(numerator, denominator, rounding), to)


def proportion(held: Money, part: int, whole: int) -> Money:
    """The share of ``held`` that ``part`` of ``whole`` stands for (a partial completion of
    a converted authorisation). Rounding: ``CEILING``, never more than ``held``."""
    if whole <= 0 or not 0 <= part <= whole:
        raise ValueError(f"{part} is not a part of {whole}")
    share = round_division(held.minor * part, whole, Rounding.CEILING)
    return Money.of_minor(min(share, held.minor), held.currency)
