"""What a merchant pays for a captured payment: a percentage rounded half-up, plus a fixed
fee scaled to the currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mercato.money import Currency, Money
from mercato.processor.fees import FeeSchedule, InvalidFeeSchedule, default_fixed_fee


def usd(minor: int) -> Money:
    return Money.of_minor(minor, "USD")


@pytest.mark.parametrize(
    ("captured", "fee"),
    [
        (10_000, 320),  # 2.9% of 100.00 = 2.90, + 0.30
        (2_000, 88),  # 58 + 30
        (1_050, 60),  # 30.45 rounds to 30, + 30
        (1_550, 75),  # 44.95 rounds to 45, + 30
        (50, 31),  # 1.45 rounds to 1, + 30
    ],
)
def test_stripes_default_price_rounds_the_percentage_half_up(captured: int, fee: int) -> None:
    assert FeeSchedule().fee(usd(captured)) == usd(fee)


def test_a_tie_goes_up() -> None:
    # 2.5% of 1.00 is 2.5 cents exactly: half-up makes it 3.
    schedule = FeeSchedule(Decimal("2.5"), {"USD": 0})
    assert schedule.fee(usd(100)) == usd(3)


def test_the_fixed_fee_scales_with_the_currencys_exponent() -> None:
    assert default_fixed_fee(Currency.of("EUR")) == Money.of_minor(30, "EUR")
    assert default_fixed_fee(Currency.of("KWD")) == Money.of_minor(300, "KWD")
    assert default_fixed_fee(Currency.of("JPY")) == Money.of_minor(0, "JPY")


def test_a_merchant_can_have_its_own_terms_per_currency() -> None:
    schedule = FeeSchedule.from_record("1.4", {"eur": 25})
    assert schedule.fee(Money.of_minor(10_000, "EUR")) == Money.of_minor(165, "EUR")
    assert schedule.fee(usd(10_000)) == usd(170)  # no USD term: the default fixed fee


def test_a_fee_never_takes_more_than_the_payment() -> None:
    assert FeeSchedule().fee(usd(20)) == usd(20)


@pytest.mark.parametrize("percent", [Decimal("-1"), Decimal("100.1"), Decimal("NaN")])
def test_a_percentage_outside_0_to_100_is_refused(percent: Decimal) -> None:
    with pytest.raises(InvalidFeeSchedule):
        FeeSchedule(percent)


def test_a_negative_fixed_fee_is_refused() -> None:
    with pytest.raises(InvalidFeeSchedule):
        FeeSchedule(Decimal("2.9"), {"USD": -1})
