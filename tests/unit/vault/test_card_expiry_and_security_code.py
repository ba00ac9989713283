"""Expiry dates and security codes are refused with Stripe's codes."""

from __future__ import annotations

import datetime as dt

import pytest

from mercato.vault import (
    ExpiredCard,
    InvalidCvc,
    InvalidExpiryMonth,
    InvalidExpiryYear,
    check_cvc,
    check_expiry,
)

NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def test_a_card_is_valid_through_the_last_day_of_its_expiry_month() -> None:
    check_expiry(11, 2026, NOW)
    check_expiry(11, 2026, dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=dt.UTC))
    with pytest.raises(ExpiredCard) as refused:
        check_expiry(11, 2026, dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC))
    assert refused.value.code == "expired_card"


def test_the_end_of_the_month_is_judged_in_utc() -> None:
    # 1 December 00:30 in Berlin is still 30 November in UTC.
    berlin = dt.timezone(dt.timedelta(hours=1))
    check_expiry(11, 2026, dt.datetime(2026, 12, 1, 0, 30, tzinfo=berlin))


def test_a_month_of_this_year_that_is_over_is_an_expired_card() -> None:
    for month in (1, 10):
        with pytest.raises(ExpiredCard) as refused:
            check_expiry(month, 2026, NOW)
        assert (refused.value.code, refused.value.param) == ("expired_card", "exp_month")


@pytest.mark.parametrize("month", [0, 13, -1])
def test_a_month_outside_one_to_twelve_is_invalid(month: int) -> None:
    with pytest.raises(InvalidExpiryMonth) as refused:
        check_expiry(month, 2030, NOW)
    assert (refused.value.code, refused.value.param) == ("invalid_expiry_month", "exp_month")


@pytest.mark.parametrize("year", [2025, 1999, 95, 25, 999, 10000, -1])
def test_a_past_year_is_an_invalid_year_as_stripe_answers(year: int) -> None:
    # Stripe's documented way to get invalid_expiry_year: "a year up to 50 years in the past,
    # such as 95".
    with pytest.raises(InvalidExpiryYear) as refused:
        check_expiry(12, year, NOW)
    assert (refused.value.code, refused.value.param) == ("invalid_expiry_year", "exp_year")


def test_a_two_digit_year_is_the_one_within_fifty_years() -> None:
    check_expiry(12, 34, NOW)  # Stripe's "any future date, such as 12/34"
    check_expiry(12, 75, NOW)  # 2075
    check_expiry(12, 2099, NOW)  # written out, any future year is a year
    with pytest.raises(InvalidExpiryYear):
        check_expiry(12, 76, NOW)  # 1976


def test_expiry_needs_a_time_with_a_zone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check_expiry(12, 2030, dt.datetime(2026, 11, 2))  # noqa: DTZ001


@pytest.mark.parametrize(("cvc", "brand"), [("123", "visa"), ("1234", "amex"), ("000", "unknown")])
def test_a_security_code_of_the_right_shape_passes(cvc: str, brand: str) -> None:
    check_cvc(cvc, brand)


@pytest.mark.parametrize(
    ("cvc", "brand"),
    [("99", "visa"), ("1234", "visa"), ("123", "amex"), ("12a", "mastercard"), ("١٢٣", "visa")],
)
def test_a_security_code_of_the_wrong_shape_is_invalid(cvc: str, brand: str) -> None:
    with pytest.raises(InvalidCvc) as refused:
        check_cvc(cvc, brand)
    assert (refused.value.code, refused.value.param) == ("invalid_cvc", "cvc")
    assert cvc not in str(refused.value)
