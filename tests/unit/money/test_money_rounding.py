"""Rounding rules, carried out on integers, agree with the decimal module's."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mercato.money import Rounding, round_division


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        # value:              +0.5 +1.5 -0.5 -1.5 +1.2 -1.2 +1.7 -1.7
        (Rounding.HALF_UP, [1, 2, -1, -2, 1, -1, 2, -2]),
        (Rounding.HALF_EVEN, [0, 2, 0, -2, 1, -1, 2, -2]),
        (Rounding.DOWN, [0, 1, 0, -1, 1, -1, 1, -1]),
        (Rounding.UP, [1, 2, -1, -2, 2, -2, 2, -2]),
        (Rounding.FLOOR, [0, 1, -1, -2, 1, -2, 1, -2]),
        (Rounding.CEILING, [1, 2, 0, -1, 2, -1, 2, -1]),
    ],
)
def test_each_rule_rounds_ties_and_signs_its_own_way(
    rounding: Rounding, expected: list[int]
) -> None:
    tenths = [5, 15, -5, -15, 12, -12, 17, -17]
    assert [round_division(value, 10, rounding) for value in tenths] == expected


@pytest.mark.parametrize("rounding", list(Rounding))
def test_an_exact_quotient_is_never_rounded(rounding: Rounding) -> None:
    assert round_division(1500, 100, rounding) == 15
    assert round_division(-1500, 100, rounding) == -15
    assert round_division(0, 7, rounding) == 0


def test_each_rule_names_the_decimal_modules_constant() -> None:
    assert Rounding.HALF_UP.decimal_mode == decimal.ROUND_HALF_UP
    assert Rounding.HALF_EVEN.decimal_mode == decimal.ROUND_HALF_EVEN
    assert Rounding.DOWN.decimal_mode == decimal.ROUND_DOWN
    assert Rounding.UP.decimal_mode == decimal.ROUND_UP
    assert Rounding.FLOOR.decimal_mode == decimal.ROUND_FLOOR
    assert Rounding.CEILING.decimal_mode == decimal.ROUND_CEILING


def test_a_division_needs_a_positive_denominator() -> None:
    with pytest.raises(ValueError, match="positive"):
        round_division(1, 0, Rounding.HALF_UP)
    with pytest.raises(ValueError, match="positive"):
        round_division(1, -3, Rounding.HALF_UP)


def test_a_division_refuses_floats() -> None:
    with pytest.raises(TypeError):
        round_division(1.5, 2, Rounding.HALF_UP)  # type: ignore[arg-type]


def test_integer_rounding_stays_exact_beyond_decimals_default_precision() -> None:
    # 40 digits: the decimal module's default context (28 digits) would round this.
    numerator = 10**40 + 5
    assert round_division(numerator, 10, Rounding.HALF_UP) == 10**39 + 1
    assert round_division(numerator, 10, Rounding.HALF_EVEN) == 10**39


@settings(max_examples=300)
@given(
    numerator=st.integers(min_value=-(10**15), max_value=10**15),
    denominator=st.integers(min_value=1, max_value=10**6),
    rounding=st.sampled_from(Rounding),
)
def test_integer_rounding_agrees_with_the_decimal_module(
    numerator: int, denominator: int, rounding: Rounding
) -> None:
    context = decimal.Context(prec=60, rounding=rounding.decimal_mode)
    exact = context.divide(Decimal(numerator), Decimal(denominator))
    expected = int(exact.quantize(Decimal(1), context=context))
    assert round_division(numerator, denominator, rounding) == expected
