"""ISO 4217 currencies: codes, numbers, minor units."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from mercato.money import ISO_4217_PUBLISHED, Currency, MoneyError, UnknownCurrency, all_currencies


@pytest.mark.parametrize(
    ("code", "exponent"),
    [("JPY", 0), ("EUR", 2), ("USD", 2), ("KWD", 3), ("BHD", 3), ("CLF", 4), ("IQD", 3)],
)
def test_each_currency_counts_its_own_minor_units(code: str, exponent: int) -> None:
    assert Currency.of(code).exponent == exponent


def test_a_currency_knows_its_iso_number_and_name() -> None:
    usd = Currency.of("USD")
    assert (usd.code, usd.number, usd.name) == ("USD", 840, "US Dollar")


def test_currency_codes_are_case_insensitive_and_each_currency_exists_once() -> None:
    assert Currency.of("usd") is Currency.of("USD")
    assert Currency.of("Eur") is Currency.of("EUR")
    assert Currency.of(Currency.of("jpy")) is Currency.of("JPY")


def test_iso8583_numeric_codes_find_the_same_currency() -> None:
    assert Currency.of_number(840) is Currency.of("USD")
    assert Currency.of_number(978) is Currency.of("EUR")
    assert Currency.of_number(392) is Currency.of("JPY")


@pytest.mark.parametrize(
    "code", ["ZZZ", "US", "USDX", "", "usd ", "u\u017fd", "XAU", "XDR", "XTS", "XXX"]
)
def test_unknown_codes_and_currencies_without_minor_units_are_refused(code: str) -> None:
    with pytest.raises(UnknownCurrency) as raised:
        Currency.of(code)
    assert raised.value.code == "unknown_currency"
    assert isinstance(raised.value, MoneyError)


def test_an_unknown_currency_number_is_refused() -> None:
    with pytest.raises(UnknownCurrency):
        Currency.of_number(1)


def test_a_hand_built_currency_that_contradicts_iso_is_refused() -> None:
    fake_dollar = Currency(code="USD", number=840, exponent=3, name="US Dollar")
    with pytest.raises(UnknownCurrency):
        Currency.of(fake_dollar)


def test_a_currency_is_named_by_text_not_by_number() -> None:
    with pytest.raises(TypeError):
        Currency.of(840)  # type: ignore[arg-type]


def test_currencies_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Currency.of("USD").exponent = 3  # type: ignore[misc]


def test_all_currencies_lists_every_countable_currency_once_sorted_by_code() -> None:
    currencies = all_currencies()
    codes = [currency.code for currency in currencies]
    assert codes == sorted(set(codes))
    assert {"USD", "EUR", "JPY", "KWD", "CLF", "CHF", "INR", "GBP"} <= set(codes)
    assert not {"XAU", "XAG", "XPT", "XPD", "XDR", "XTS", "XXX"} & set(codes)
    assert all(currency is Currency.of(currency.code) for currency in currencies)
    assert len(currencies) > 150


def test_the_iso_table_edition_is_known() -> None:
    assert isinstance(ISO_4217_PUBLISHED, dt.date)
    assert dt.date(2024, 1, 1) <= ISO_4217_PUBLISHED


def test_a_currency_reads_as_its_code() -> None:
    assert str(Currency.of("chf")) == "CHF"
    assert repr(Currency.of("chf")) == "Currency.of('CHF')"
