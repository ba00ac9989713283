"""Amounts as people write them, per locale: formatting, parsing, and the round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mercato.money import InexactAmount, Money, UnknownLocale, UnparseableAmount

NBSP = "\u00a0"  # no-break space: between number and symbol in de_DE, fr_FR
NNBSP = "\u202f"  # narrow no-break space: fr_FR's group separator
RSQUO = "\u2019"  # right single quotation mark: de_CH's group separator

WRITTEN = [
    # (minor, currency, locale, as Babel's CLDR data writes it)
    (123456, "USD", "en_US", "$1,234.56"),
    (-500, "EUR", "en_US", "-€5.00"),
    (1235, "JPY", "en_US", "¥1,235"),
    (12345, "KWD", "en_US", "KWD12.345"),
    (12345, "CLF", "en_US", "CLF1.2345"),
    (123456, "EUR", "de_DE", f"1.234,56{NBSP}€"),
    (-123456789, "USD", "de_DE", f"-1.234.567,89{NBSP}$"),
    (1235, "JPY", "de_DE", f"1.235{NBSP}¥"),
    (123456, "EUR", "fr_FR", f"1{NNBSP}234,56{NBSP}€"),
    (123456, "USD", "fr_FR", f"1{NNBSP}234,56{NBSP}$US"),
    (12345, "KWD", "fr_FR", f"12,345{NBSP}KWD"),
    (1235, "JPY", "ja_JP", "￥1,235"),
    (123456, "USD", "ja_JP", "$1,234.56"),
    (123456, "CHF", "de_CH", f"CHF{NBSP}1{RSQUO}234.56"),
    (-123456, "CHF", "de_CH", f"CHF-1{RSQUO}234.56"),
    (123456789, "INR", "en_IN", "₹12,34,567.89"),
    (0, "GBP", "en_US", "£0.00"),
]


@pytest.mark.parametrize(("minor", "code", "locale", "text"), WRITTEN)
def test_amounts_are_written_as_each_locale_writes_them(
    minor: int, code: str, locale: str, text: str
) -> None:
    assert Money.of_minor(minor, code).format(locale) == text


@pytest.mark.parametrize(("minor", "code", "locale", "text"), WRITTEN)
def test_what_is_written_reads_back_as_the_same_amount(
    minor: int, code: str, locale: str, text: str
) -> None:
    assert Money.parse(text, code, locale) == Money.of_minor(minor, code)


def test_formatting_defaults_to_en_us() -> None:
    assert Money.of_minor(123456, "USD").format() == "$1,234.56"


@pytest.mark.parametrize(
    ("minor", "code", "text"),
    [
        # CLDR writes IQD with 0 decimals, RSD, MGA and LBP with 0; ISO 4217 says 3, 2, 2, 2.
        (1234567, "IQD", "IQD1,234.567"),
        (123456, "RSD", "RSD1,234.56"),
        (123456, "MGA", "MGA1,234.56"),
        (123456, "LBP", "LBP1,234.56"),
    ],
)
def test_iso_minor_units_win_over_the_locale_datas_currency_digits(
    minor: int, code: str, text: str
) -> None:
    assert Money.of_minor(minor, code).format("en_US") == text
    assert Money.parse(text, code) == Money.of_minor(minor, code)


def test_huge_amounts_are_written_exactly() -> None:
    huge = Money.of_minor(10**40 + 7, "USD")
    assert huge.format("en_US") == "$100," + "000," * 11 + "000.07"  # 10**38 dollars
    assert Money.parse(huge.format("de_DE"), "USD", "de_DE") == huge


@pytest.mark.parametrize(
    ("text", "code", "locale", "minor"),
    [
        ("1 234,56", "EUR", "fr_FR", 123456),  # typed with an ordinary space
        ("1 234,56", "EUR", "de_DE", 123456),  # a space never means a decimal point
        ("1234.56", "USD", "en_US", 123456),
        ("1,234.5", "USD", "en_US", 123450),
        ("12.345 KWD", "KWD", "en_US", 12345),
        ("12.345 kwd", "KWD", "en_US", 12345),
        ("USD 12.34", "USD", "en_US", 1234),
        ("  $12.34  ", "USD", "en_US", 1234),
        ("$.50", "USD", "en_US", 50),
        ("+$5", "USD", "en_US", 500),
        ("-$5", "USD", "en_US", -500),
        ("$-5", "USD", "en_US", -500),
        ("\u2212$5.00", "USD", "en_US", -500),  # the real minus sign
        ("($1,234.56)", "USD", "en_US", -123456),  # accounting style
        ("- 5,00 €", "EUR", "de_DE", -500),
        ("1.234.567,89 EUR", "EUR", "de_DE", 123456789),
        ("CHF 1'234.50", "CHF", "de_CH", 123450),  # the apostrophe keyboards have
        ("¥1,235", "JPY", "ja_JP", 1235),  # ASCII yen where ja_JP writes fullwidth
        ("￥1,235", "JPY", "en_US", 1235),
        ("1.00", "JPY", "en_US", 1),  # zero decimals beyond the yen are exact
        ("5", "USD", "en-US", 500),  # BCP 47 spelling of the locale
    ],
)
def test_what_people_type_is_understood(text: str, code: str, locale: str, minor: int) -> None:
    assert Money.parse(text, code, locale) == Money.of_minor(minor, code)


@pytest.mark.parametrize(
    ("text", "code", "locale"),
    [
        ("$1.234", "USD", "en_US"),
        ("¥1.5", "JPY", "en_US"),
        ("12,3456 KWD", "KWD", "de_DE"),
    ],
)
def test_more_decimals_than_the_currency_has_are_refused(text: str, code: str, locale: str) -> None:
    with pytest.raises(InexactAmount):
        Money.parse(text, code, locale)


@pytest.mark.parametrize(
    ("text", "code", "locale"),
    [
        ("", "USD", "en_US"),
        ("   ", "USD", "en_US"),
        ("$", "USD", "en_US"),
        ("-", "USD", "en_US"),
        ("abc", "USD", "en_US"),
        ("12abc", "USD", "en_US"),
        ("€5.00", "USD", "en_US"),  # a symbol of another currency
        ("5.00 EUR", "USD", "en_US"),
        ("$5 USD", "USD", "en_US"),  # two markers
        ("--5", "USD", "en_US"),
        ("-(5)", "USD", "en_US"),
        ("-($5)", "USD", "en_US"),
        ("1,5", "EUR", "en_US"),  # 1.5 or 15? refused rather than guessed
        ("1,234,56", "USD", "en_US"),
        ("1.234,56", "USD", "en_US"),
        ("1,234.56", "EUR", "de_DE"),
        ("12,34,5.00", "USD", "en_US"),
        ("5.", "USD", "en_US"),
        ("1e5", "USD", "en_US"),
        ("NaN", "USD", "en_US"),
        ("Infinity", "USD", "en_US"),
        ("1_000", "USD", "en_US"),
        ("١٢٣", "USD", "en_US"),  # Arabic-Indic digits
        ("5\t000", "USD", "en_US"),
    ],
)
def test_garbage_is_refused(text: str, code: str, locale: str) -> None:
    with pytest.raises(UnparseableAmount) as raised:
        Money.parse(text, code, locale)
    assert raised.value.code == "unparseable_amount"


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(UnknownLocale):
        Money.of_minor(1, "USD").format("xx_YY")
    with pytest.raises(UnknownLocale):
        Money.parse("1", "USD", "not a locale")


def test_parsing_reads_text_only() -> None:
    with pytest.raises(TypeError):
        Money.parse(12.34, "USD")  # type: ignore[arg-type]


SAMPLE_CURRENCIES = ["USD", "EUR", "JPY", "KWD", "CLF", "GBP", "CHF", "INR"]
SAMPLE_LOCALES = ["en_US", "de_DE", "fr_FR", "ja_JP", "de_CH", "en_IN"]


@settings(max_examples=150, deadline=None)
@given(
    minor=st.integers(min_value=-(10**15), max_value=10**15),
    code=st.sampled_from(SAMPLE_CURRENCIES),
    locale=st.sampled_from(SAMPLE_LOCALES),
)
def test_every_formatted_amount_parses_back_to_itself(minor: int, code: str, locale: str) -> None:
    amount = Money.of_minor(minor, code)
    assert Money.parse(amount.format(locale), code, locale) == amount
