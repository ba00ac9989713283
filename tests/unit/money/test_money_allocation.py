"""Splitting an amount: every minor unit allocated, none invented, always the same way."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mercato.money import InvalidRatios, Money, allocate


def usd(minor: int) -> Money:
    return Money.of_minor(minor, "USD")


def test_a_hundred_dollars_split_three_ways_loses_no_cent() -> None:
    assert allocate(usd(10000), [1, 1, 1]) == [usd(3334), usd(3333), usd(3333)]


def test_the_leftover_cent_goes_to_the_largest_remainder_not_the_first_share() -> None:
    # Exact shares: 0.5, 1.5, 3.0 cents of 5: the 0.5 and 1.5 tie, the earlier one wins.
    assert allocate(usd(5), [1, 3, 6]) == [usd(1), usd(1), usd(3)]
    # Exact shares: 2.8 and 7.2 cents: the larger remainder (0.8) takes the cent.
    assert allocate(usd(10), [7, 18]) == [usd(3), usd(7)]


def test_ties_go_to_the_earlier_share() -> None:
    assert allocate(usd(2), [1, 1, 1]) == [usd(1), usd(1), usd(0)]
    assert allocate(usd(1), [1, 1]) == [usd(1), usd(0)]


def test_a_zero_ratio_gets_nothing() -> None:
    assert allocate(usd(101), [0, 1, 0, 1]) == [usd(0), usd(51), usd(0), usd(50)]


def test_a_negative_amount_is_split_like_a_positive_one_then_negated() -> None:
    assert allocate(usd(-10000), [1, 1, 1]) == [usd(-3334), usd(-3333), usd(-3333)]


def test_decimal_ratios_such_as_percentages_split_like_their_integer_equivalents() -> None:
    commission = [Decimal("0.7"), Decimal("0.25"), Decimal("0.05")]
    assert allocate(usd(999), commission) == allocate(usd(999), [70, 25, 5])
    assert allocate(usd(999), [Decimal("0.5"), 1]) == [usd(333), usd(666)]


def test_money_allocate_is_the_same_split() -> None:
    assert usd(1000).allocate([1, 2]) == allocate(usd(1000), [1, 2])
    assert Money.of_minor(7, "JPY").allocate([1, 1]) == [
        Money.of_minor(4, "JPY"),
        Money.of_minor(3, "JPY"),
    ]


@pytest.mark.parametrize(
    "ratios",
    [[], [0], [0, 0], [1, -1], [-1, -1], [Decimal("-0.5"), 1], [Decimal("NaN"), 1]],
)
def test_ratios_must_be_non_negative_with_a_positive_sum(ratios: list[int | Decimal]) -> None:
    with pytest.raises(InvalidRatios) as raised:
        allocate(usd(100), ratios)
    assert raised.value.code == "invalid_ratios"


@pytest.mark.parametrize("ratios", [[0.5, 0.5], [True, False], ["1", "2"], "12"])
def test_ratios_are_ints_or_decimals_only(ratios: object) -> None:
    with pytest.raises(TypeError):
        allocate(usd(100), ratios)  # type: ignore[arg-type]


amounts = st.integers(min_value=-(10**12), max_value=10**12)
ratio_lists = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(
    lambda ratios: sum(ratios) > 0
)


@settings(max_examples=200)
@given(minor=amounts, ratios=ratio_lists)
def test_allocation_never_loses_or_invents_a_minor_unit(minor: int, ratios: list[int]) -> None:
    shares = allocate(usd(minor), ratios)
    assert len(shares) == len(ratios)
    assert sum(share.minor for share in shares) == minor
    assert all(share.currency.code == "USD" for share in shares)


@settings(max_examples=200)
@given(minor=amounts, ratios=ratio_lists)
def test_each_share_is_within_one_minor_unit_of_its_exact_proportion(
    minor: int, ratios: list[int]
) -> None:
    shares = allocate(usd(minor), ratios)
    total = sum(ratios)
    for share, ratio in zip(shares, ratios, strict=True):
        exact = Fraction(minor * ratio, total)
        assert abs(share.minor - exact) < 1
        if ratio == 0:
            assert share.minor == 0


@settings(max_examples=100)
@given(minor=amounts, ratios=ratio_lists)
def test_allocation_is_deterministic(minor: int, ratios: list[int]) -> None:
    assert allocate(usd(minor), ratios) == allocate(usd(minor), list(ratios))
    assert allocate(usd(-minor), ratios) == [-share for share in allocate(usd(minor), ratios)]


@settings(max_examples=100)
@given(minor=amounts, ratios=ratio_lists, scale=st.integers(min_value=1, max_value=1000))
def test_scaling_every_ratio_changes_nothing(minor: int, ratios: list[int], scale: int) -> None:
    scaled = [ratio * scale for ratio in ratios]
    as_decimals = [Decimal(ratio) / 1000 for ratio in ratios]
    assert allocate(usd(minor), scaled) == allocate(usd(minor), ratios)
    assert allocate(usd(minor), as_decimals) == allocate(usd(minor), ratios)
