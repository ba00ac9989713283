"""Amounts as people write them: formatting and parsing by locale, with Babel's CLDR data.

This is the one module of the package that knows Babel. It works on `Decimal` major units
and a `Currency`; `Money.format` and `Money.parse` are its callers.

Two things in the locale data need care:

- CLDR has its own idea of a currency's decimals (0 for IQD, RSD, MGA, LBP), which differs
  from ISO 4217 (3 for IQD, 2 for the others). The ledger counts ISO minor units, so ISO
  wins: the locale's pattern is used with its fraction digits replaced.
- Locales separate groups with characters that keyboards do not have: U+202F (narrow
  no-break space) in fr_FR, U+2019 (right single quotation mark) in de_CH, and U+00A0
  (no-break space) between number and symbol. Parsing therefore folds text to Unicode NFKC
  and accepts any space as a group separator, and an ASCII apostrophe where U+2019 is used.
"""

from __future__ import annotations

import copy
import decimal
import functools
import unicodedata
from decimal import Decimal

import babel
import babel.numbers

from mercato.money.currency import Currency
from mercato.money.errors import UnknownLocale, UnparseableAmount

_MINUS_SIGNS = frozenset({"-", "\u2212"})  # hyphen-minus and the real minus sign
_PLUS_SIGNS = frozenset({"+"})
# Direction marks that right-to-left locales put around numbers; they carry no meaning here.
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"))


def format_amount(value: Decimal, currency: Currency, locale: str) -> str:
    """`value` major units of `currency`, written by `locale`'s standard currency pattern.

    Rounding: none. `value` must already have at most the currency's decimals; exactly
    `currency.exponent` decimals are shown, whatever the locale data says.
    """
    pattern = _currency_pattern(locale, currency.exponent)
    # Babel rounds through the thread's decimal context (28 digits by default); give it
    # room for every digit, so that a large amount is written exactly or not at all.
    digits = len(value.as_tuple().digits) + currency.exponent + 2
    with decimal.localcontext(decimal.Context(prec=max(digits, 28))):
        text: str = pattern.apply(
            value,
            _locale(locale),
            currency=currency.code,
            currency_digits=False,  # use the pattern's fraction digits, set to ISO's above
            decimal_quantization=True,
        )
    return text


def parse_amount(text: str, currency: Currency, locale: str) -> Decimal:
    """The exact value of an amount of `currency` written as people of `locale` write it.

    Accepts a sign (or accounting parentheses), at most one currency marker before or after
    the number (the ISO code, or `currency`'s symbol in `locale` or in English), the
    locale's decimal symbol, and group separators between groups of digits.
    Rounding: none; the caller decides what too many decimals mean. Raises
    `UnparseableAmount` for anything else, including a symbol of another currency.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse reads a str, not {type(text).__name__}")
    loc = _locale(locale)
    rest = _fold(text).strip()
    negative = False
    if rest.startswith("(") and rest.endswith(")"):  # accounting style: (1,234.56)
        negative, rest = True, rest[1:-1].strip()

    # A sign may stand before or after a leading marker: "-$5" (en_US), "CHF-5" (de_CH).
    markers = _currency_markers(currency, locale)
    locale_minus = _fold(babel.numbers.get_minus_sign_symbol(loc))
    sign, rest = _take_sign(rest, locale_minus)
    marker, rest = _take_marker(rest, markers, at_start=True)
    if sign is None:
        sign, rest = _take_sign(rest, locale_minus)
    if marker is None:
        marker, rest = _take_marker(rest, markers, at_start=False)
    if negative and sign is not None:
        raise UnparseableAmount(f"{text!r} has both parentheses and a sign")
    negative = negative or sign == "-"

    number = _plain_number(
        rest,
        decimal_symbol=_fold(babel.numbers.get_decimal_symbol(loc)),
        group_symbol=_fold(babel.numbers.get_group_symbol(loc)),
    )
    if number is None:
        raise UnparseableAmount(f"{text!r} is not an amount in {currency.code} ({locale})")
    return Decimal(("-" if negative else "") + number)


def _plain_number(text: str, decimal_symbol: str, group_symbol: str) -> str | None:
    """`text` as a plain decimal ("1234.56"), or None if it is not a well-formed number."""
    whole, point, fraction = text.partition(decimal_symbol)
    if point and not _is_digits(fraction):
        return None
    separators = {char for char in whole if not _is_digits(char)}
    if not separators:
        if not whole and not fraction:
            return None
        return (whole or "0") + (f".{fraction}" if fraction else "")
    if len(separators) > 1 or separators.pop() not in _group_separators(group_symbol):
        return None
    separator = next(char for char in whole if not _is_digits(char))
    groups = whole.split(separator)
    # 1,234,567 and the Indian 12,34,567: a leading group of 1 to 3 digits, inner groups of
    # 2 or 3, and a last group of exactly 3; "1,5" is refused, as it may mean 1.5.
    well_grouped = (
        1 <= len(groups[0]) <= 3
        and all(len(group) in (2, 3) for group in groups[1:-1])
        and len(groups[-1]) == 3
        and all(_is_digits(group) for group in groups)
    )
    if not well_grouped:
        return None
    return "".join(groups) + (f".{fraction}" if fraction else "")


def _group_separators(group_symbol: str) -> frozenset[str]:
    # A space never means a decimal point, so any locale accepts it between groups.
    accepted = {group_symbol, " "}
    if group_symbol == "\u2019":  # de_CH groups with U+2019; keyboards type an apostrophe
        accepted.add("'")
    return frozenset(accepted)


def _take_sign(text: str, locale_minus: str) -> tuple[str | None, str]:
    """("-" or "+" if `text` starts with a sign, else None; the text after it)."""
    if locale_minus and text.startswith(locale_minus):
        return "-", text[len(locale_minus) :].lstrip()
    if text[:1] in _MINUS_SIGNS:
        return "-", text[1:].lstrip()
    if text[:1] in _PLUS_SIGNS:
        return "+", text[1:].lstrip()
    return None, text


def _take_marker(text: str, markers: tuple[str, ...], *, at_start: bool) -> tuple[str | None, str]:
    """(the currency marker at the start or end of `text`, or None; the text without it)."""
    for marker in markers:  # longest first, so "US$" is tried before "$"
        size = len(marker)
        candidate = text[:size] if at_start else text[len(text) - size :]
        if len(text) > size and candidate.casefold() == marker.casefold():
            return marker, (text[size:] if at_start else text[:-size]).strip()
    return None, text


@functools.lru_cache(maxsize=512)
def _currency_markers(currency: Currency, locale: str) -> tuple[str, ...]:
    """What may stand for `currency` in text: its code and its symbols, longest first."""
    symbols = {
        currency.code,
        _fold(babel.numbers.get_currency_symbol(currency.code, _locale(locale))),
        _fold(babel.numbers.get_currency_symbol(currency.code, _locale("en"))),
    }
    return tuple(sorted(symbols, key=lambda symbol: (-len(symbol), symbol)))


@functools.lru_cache(maxsize=512)
def _currency_pattern(locale: str, exponent: int) -> babel.numbers.NumberPattern:
    """The locale's standard currency pattern, showing exactly `exponent` decimals."""
    standard: babel.numbers.NumberPattern = _locale(locale).currency_formats["standard"]
    pattern = copy.copy(standard)  # the locale's own object is shared: never change it
    pattern.frac_prec = (exponent, exponent)
    return pattern


@functools.lru_cache(maxsize=64)
def _locale(identifier: str) -> babel.Locale:
    """The Babel locale for "en_US" or "en-US"; `UnknownLocale` if there is none."""
    if not isinstance(identifier, str):
        raise TypeError(f"a locale is named by a str such as 'en_US', not {identifier!r}")
    try:
        return babel.Locale.parse(identifier.replace("-", "_"))
    except (babel.UnknownLocaleError, ValueError, TypeError) as error:
        raise UnknownLocale(f"{identifier!r} is not a known locale") from error


def _fold(text: str) -> str:
    """Text in the form it is compared in: NFKC (fullwidth ￥ is ¥, U+202F is a space)."""
    return unicodedata.normalize("NFKC", text).translate(_BIDI_MARKS)


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()
