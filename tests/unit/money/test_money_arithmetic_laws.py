"""The laws a ledger relies on when it adds amounts up."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mercato.money import Money, Rounding

CODES = ["USD", "EUR", "JPY", "KWD", "CLF"]
minors = st.integers(min_value=-(10**18), max_value=10**18)


@st.composite
def same_currency(draw: st.DrawFn, count: int) -> list[Money]:
    code = draw(st.sampled_from(CODES))
    return [Money.of_minor(draw(minors), code) for _ in range(count)]


@settings(max_examples=200)
@given(same_currency(3))
def test_adding_amounts_is_associative(amounts: list[Money]) -> None:
    a, b, c = amounts
    assert (a + b) + c == a + (b + c)


@settings(max_examples=200)
@given(same_currency(2))
def test_adding_amounts_is_commutative(amounts: list[Money]) -> None:
    a, b = amounts
    assert a + b == b + a


@settings(max_examples=200)
@given(same_currency(1))
def test_an_amount_and_its_negation_sum_to_zero(amounts: list[Money]) -> None:
    (a,) = amounts
    assert (a + (-a)).is_zero
    assert a + (-a) == Money.zero(a.currency)
    assert a - a == Money.zero(a.currency)


@settings(max_examples=200)
@given(same_currency(2))
def test_subtracting_is_adding_the_negation(amounts: list[Money]) -> None:
    a, b = amounts
    assert a - b == a + (-b)


@settings(max_examples=200)
@given(same_currency(1), st.sampled_from(Rounding))
def test_major_units_round_trip_exactly(amounts: list[Money], rounding: Rounding) -> None:
    (a,) = amounts
    assert Money.from_major(a.to_decimal(), a.currency) == a
    assert Money.from_major(str(a.to_decimal()), a.currency, rounding) == a
    assert a.multiply(Decimal(1), rounding) == a
