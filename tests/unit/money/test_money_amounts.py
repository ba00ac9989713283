"""Amounts: ways in and out, exactness, and rounding only where a rule is named."""

from __future__ import annotations

import dataclasses
import decimal
from decimal import Decimal
from typing import Any

import pytest

from mercato.money import (
    Currency,
    CurrencyMismatch,
    InexactAmount,
    Money,
    MoneyError,
    Rounding,
    UnknownCurrency,
    UnparseableAmount,
)


def usd(minor: int) -> Money:
    return Money.of_minor(minor, "USD")


# -- ways in ------------------------------------------------------------------------------


def test_an_amount_is_a_count_of_minor_units_in_one_currency() -> None:
    price = Money.of_minor(1234, "usd")
    assert price.minor == 1234
    assert price.currency is Currency.of("USD")
    assert price.to_decimal() == Decimal("12.34")


@pytest.mark.parametrize(
    ("major", "code", "minor"),
    [
        ("12.34", "USD", 1234),
        ("1235", "JPY", 1235),
        ("12.345", "KWD", 12345),
        ("12.345", "BHD", 12345),
        ("1.2345", "CLF", 12345),
        ("7", "EUR", 700),
        ("0.1", "EUR", 10),
        ("-0.01", "USD", -1),
        (Decimal("19.99"), "EUR", 1999),
        (Decimal("5E+2"), "USD", 50000),
        (Decimal("-0.00"), "USD", 0),
        (25, "USD", 2500),
        (25, "JPY", 25),
    ],
)
def test_major_units_convert_exactly_to_minor_units(
    major: Decimal | int | str, code: str, minor: int
) -> None:
    assert Money.from_major(major, code) == Money.of_minor(minor, code)


def test_trailing_zeros_beyond_the_minor_unit_are_still_exact() -> None:
    assert Money.from_major("12.3400", "USD") == usd(1234)
    assert Money.from_major("500.000", "JPY") == Money.of_minor(500, "JPY")


@pytest.mark.parametrize(
    ("major", "code"),
    [("12.345", "USD"), ("0.5", "JPY"), (Decimal("1.10"), "JPY"), ("1.00001", "CLF")],
)
def test_more_decimals_than_the_currency_has_is_refused_without_a_rule(
    major: str | Decimal, code: str
) -> None:
    with pytest.raises(InexactAmount) as raised:
        Money.from_major(major, code)
    assert raised.value.code == "inexact_amount"


@pytest.mark.parametrize(
    ("rounding", "plus_half", "minus_half", "plus_third", "minus_third"),
    [
        (Rounding.HALF_UP, 1, -1, 0, 0),
        (Rounding.HALF_EVEN, 0, 0, 0, 0),
        (Rounding.DOWN, 0, 0, 0, 0),
        (Rounding.UP, 1, -1, 1, -1),
        (Rounding.FLOOR, 0, -1, 0, -1),
        (Rounding.CEILING, 1, 0, 1, 0),
    ],
)
def test_a_named_rule_rounds_half_a_cent_and_a_third_of_a_cent(
    rounding: Rounding, plus_half: int, minus_half: int, plus_third: int, minus_third: int
) -> None:
    assert Money.from_major("0.005", "USD", rounding).minor == plus_half
    assert Money.from_major("-0.005", "USD", rounding).minor == minus_half
    assert Money.from_major("0.0033", "USD", rounding).minor == plus_third
    assert Money.from_major("-0.0033", "USD", rounding).minor == minus_third


def test_half_up_rounds_a_negative_half_cent_away_from_zero() -> None:
    assert Money.from_major(Decimal("-0.005"), "USD", Rounding.HALF_UP) == usd(-1)
    assert Money.from_major(Decimal("-2.675"), "USD", Rounding.HALF_UP) == usd(-268)


def test_floor_and_down_differ_only_for_negative_amounts() -> None:
    assert Money.from_major("1.239", "USD", Rounding.FLOOR) == usd(123)
    assert Money.from_major("1.239", "USD", Rounding.DOWN) == usd(123)
    assert Money.from_major("-1.231", "USD", Rounding.FLOOR) == usd(-124)
    assert Money.from_major("-1.231", "USD", Rounding.DOWN) == usd(-123)


def test_half_even_sends_ties_to_the_even_cent() -> None:
    assert Money.from_major("0.125", "USD", Rounding.HALF_EVEN) == usd(12)
    assert Money.from_major("0.135", "USD", Rounding.HALF_EVEN) == usd(14)


def test_a_rule_on_an_exact_value_changes_nothing() -> None:
    for rounding in Rounding:
        assert Money.from_major("-12.34", "USD", rounding) == usd(-1234)


def test_a_vanishingly_small_value_rounds_by_its_sign_alone() -> None:
    tiny = Decimal("1E-999999999")  # must not build a billion-digit divisor
    assert Money.from_major(tiny, "USD", Rounding.HALF_UP) == usd(0)
    assert Money.from_major(tiny, "USD", Rounding.UP) == usd(1)
    assert Money.from_major(Decimal("-1E-999999999"), "USD", Rounding.FLOOR) == usd(-1)
    with pytest.raises(InexactAmount):
        Money.from_major(tiny, "USD")


@pytest.mark.parametrize(
    "bad", ["12,34", "1e3", "1_000", " 12", "12 ", "$12", "", "-", ".", "NaN", "Infinity", "٣"]
)
def test_major_text_must_be_a_plain_decimal(bad: str) -> None:
    with pytest.raises(UnparseableAmount):
        Money.from_major(bad, "USD")


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("-Infinity"), Decimal("1E+5000")])
def test_non_finite_or_absurd_decimals_are_not_amounts(bad: Decimal) -> None:
    with pytest.raises(UnparseableAmount):
        Money.from_major(bad, "USD")


def test_zero_exists_in_every_currency() -> None:
    assert Money.zero("JPY") == Money.of_minor(0, "JPY")
    assert Money.zero("JPY").is_zero
    assert Money.zero("USD") != Money.zero("EUR")


def test_an_unknown_currency_makes_no_amount() -> None:
    with pytest.raises(UnknownCurrency):
        Money.of_minor(100, "ABC")
    with pytest.raises(UnknownCurrency):
        Money.from_major("1.00", "XAU")


# -- floats and other non-amounts are refused ---------------------------------------------

# The type checker already rejects these calls; the tests show the runtime refuses them too.
UNTYPED_MONEY: Any = Money
A_DOLLAR: Any = Money.of_minor(100, "USD")


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: UNTYPED_MONEY.of_minor(12.0, "USD"),
        lambda: UNTYPED_MONEY.from_major(0.1, "USD"),
        lambda: UNTYPED_MONEY.from_major(12.34, "USD", Rounding.HALF_UP),
        lambda: UNTYPED_MONEY(1.0, Currency.of("USD")),
        lambda: A_DOLLAR.multiply(1.1, Rounding.HALF_UP),
        lambda: A_DOLLAR * 1.5,
        lambda: 1.5 * A_DOLLAR,
        lambda: A_DOLLAR.allocate([0.5, 0.5]),
    ],
    ids=[
        "of_minor",
        "from_major",
        "from_major-rounded",
        "init",
        "multiply",
        "mul",
        "rmul",
        "alloc",
    ],
)
def test_a_float_is_refused_everywhere_with_a_type_error(attempt: Any) -> None:
    with pytest.raises(TypeError, match="float"):
        attempt()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: UNTYPED_MONEY.of_minor(True, "USD"),
        lambda: UNTYPED_MONEY.of_minor("100", "USD"),
        lambda: UNTYPED_MONEY.of_minor(Decimal(100), "USD"),
        lambda: UNTYPED_MONEY.from_major(True, "USD"),
        lambda: UNTYPED_MONEY(100, "USD"),
        lambda: A_DOLLAR * True,
        lambda: A_DOLLAR * Decimal("1.5"),
        lambda: A_DOLLAR * A_DOLLAR,
        lambda: A_DOLLAR.multiply("1.5", Rounding.HALF_UP),
        lambda: A_DOLLAR.multiply(Decimal("1.5"), "half_up"),
        lambda: UNTYPED_MONEY.from_major("1.005", "USD", "HALF_UP"),
    ],
)
def test_other_non_amounts_are_refused_with_a_type_error(attempt: Any) -> None:
    with pytest.raises(TypeError):
        attempt()


def test_a_decimal_factor_must_go_through_multiply_with_a_rule() -> None:
    with pytest.raises(TypeError, match="multiply"):
        A_DOLLAR * Decimal("1.5")


# -- arithmetic ---------------------------------------------------------------------------


def test_adding_and_subtracting_is_exact() -> None:
    assert usd(1050) + usd(299) == usd(1349)
    assert usd(1050) - usd(2000) == usd(-950)
    assert -usd(5) == usd(-5)
    assert +usd(5) == usd(5)
    assert abs(usd(-5)) == usd(5)
    assert usd(250) * 3 == usd(750)
    assert 3 * usd(250) == usd(750)
    assert usd(250) * -1 == usd(-250)
    assert sum([usd(1), usd(2), usd(3)], Money.zero("USD")) == usd(6)


@pytest.mark.parametrize(
    "attempt",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
    ids=["+", "-", "<", "<=", ">", ">="],
)
def test_amounts_in_different_currencies_never_meet(attempt: Any) -> None:
    with pytest.raises(CurrencyMismatch) as raised:
        attempt(usd(100), Money.of_minor(100, "EUR"))
    assert raised.value.code == "currency_mismatch"
    assert isinstance(raised.value, MoneyError)


def test_amounts_in_different_currencies_are_simply_unequal() -> None:
    assert usd(100) != Money.of_minor(100, "EUR")
    assert len({usd(100), usd(100), Money.of_minor(100, "EUR")}) == 2


def test_amounts_order_within_one_currency() -> None:
    assert usd(1) < usd(2) <= usd(2) < usd(3)
    assert usd(-5) < Money.zero("USD")
    assert usd(3) > usd(2) >= usd(2)
    assert sorted([usd(3), usd(-1), usd(2)]) == [usd(-1), usd(2), usd(3)]
    assert max(usd(3), usd(7)) == usd(7)


def test_amounts_do_not_compare_with_bare_numbers() -> None:
    bare_zero: Any = 0
    with pytest.raises(TypeError):
        _ = A_DOLLAR < 2
    with pytest.raises(TypeError):
        _ = A_DOLLAR + 1
    assert usd(0) != bare_zero


def test_multiplying_by_a_rate_rounds_once_by_the_named_rule() -> None:
    price = Money.from_major("19.99", "EUR")
    vat = price.multiply(Decimal("0.19"), Rounding.HALF_UP)  # 3.7981
    assert vat == Money.of_minor(380, "EUR")
    assert price.multiply(Decimal("0.19"), Rounding.DOWN) == Money.of_minor(379, "EUR")
    assert usd(-1).multiply(Decimal("0.5"), Rounding.HALF_UP) == usd(-1)
    assert usd(-1).multiply(Decimal("0.5"), Rounding.HALF_EVEN) == usd(0)
    assert usd(-1).multiply(Decimal("0.5"), Rounding.FLOOR) == usd(-1)
    assert usd(-1).multiply(Decimal("0.5"), Rounding.CEILING) == usd(0)
    assert usd(1001).multiply(3, Rounding.HALF_UP) == usd(3003)
    assert usd(1001).multiply(Decimal("1E+2"), Rounding.HALF_UP) == usd(100100)


def test_multiplying_huge_amounts_stays_exact() -> None:
    huge = Money.of_minor(10**40 + 1, "USD")
    assert huge.multiply(Decimal("1.5"), Rounding.HALF_EVEN).minor == 15 * 10**39 + 2
    assert huge.to_decimal() == Decimal(10**40 + 1).scaleb(-2, context=decimal.Context(prec=50))


# -- ways out -----------------------------------------------------------------------------


def test_to_decimal_gives_major_units_with_the_currencys_decimals() -> None:
    assert str(Money.of_minor(5, "USD").to_decimal()) == "0.05"
    assert str(Money.of_minor(-1234, "KWD").to_decimal()) == "-1.234"
    assert str(Money.of_minor(1, "CLF").to_decimal()) == "0.0001"
    assert str(Money.of_minor(1235, "JPY").to_decimal()) == "1235"
    assert str(Money.zero("USD").to_decimal()) == "0.00"


def test_an_amount_reads_plainly_without_a_locale() -> None:
    assert str(usd(1234)) == "12.34 USD"
    assert str(usd(-5)) == "-0.05 USD"
    assert str(Money.of_minor(1235, "JPY")) == "1235 JPY"
    assert str(Money.of_minor(10**30, "KWD")) == "1" + "0" * 27 + ".000 KWD"
    assert repr(usd(1234)) == "Money('12.34', 'USD')"
    assert repr(Money.of_minor(-1, "CLF")) == "Money('-0.0001', 'CLF')"


def test_an_amount_knows_its_sign() -> None:
    assert (usd(5).is_positive, usd(5).is_negative, usd(5).is_zero) == (True, False, False)
    assert (usd(-5).is_positive, usd(-5).is_negative, usd(-5).is_zero) == (False, True, False)
    assert (usd(0).is_positive, usd(0).is_negative, usd(0).is_zero) == (False, False, True)


def test_an_amount_is_immutable_and_hashable() -> None:
    price = usd(100)
    with pytest.raises(dataclasses.FrozenInstanceError):
        price.minor = 200  # type: ignore[misc]
    assert {price: "ok"}[usd(100)] == "ok"
