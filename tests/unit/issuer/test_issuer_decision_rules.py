"""How the issuing bank judges an authorisation, without a database or a wire."""

from __future__ import annotations

import datetime as dt

import pytest

from mercato.issuer.domain.cards import AccountKind, CardState, CardStatus, Expiry
from mercato.issuer.domain.decisions import (
    CvcResult,
    Decline,
    Presented,
    ThreeDS,
    funds_decline,
    judge,
)
from mercato.money import Money

TODAY = dt.date(2026, 11, 2)
CARD_EXPIRY = Expiry(2029, 11)


def card(**changes: object) -> CardState:
    values: dict[str, object] = {
        "status": CardStatus.ACTIVE,
        "expiry": CARD_EXPIRY,
        "cvc": "123",
        "requires_3ds": False,
        "accepts_any_expiry": False,
        "accepts_any_cvc": False,
    }
    values.update(changes)
    return CardState(**values)  # type: ignore[arg-type]


def presented(
    amount: Money | None = None,
    expiry: str | None = "2911",
    cvc: str | None = "123",
    three_ds: ThreeDS = ThreeDS.ABSENT,
) -> Presented:
    return Presented(amount or Money.from_major("25.00", "USD"), expiry, cvc, three_ds)


def test_an_active_card_in_date_with_its_own_cvc_goes_on_to_the_funds_check() -> None:
    judgement = judge(card(), presented(), TODAY)
    assert judgement.decline is None
    assert judgement.cvc_result is CvcResult.MATCH


def test_an_amount_of_zero_is_an_invalid_amount() -> None:
    assert judge(card(), presented(Money.zero("USD")), TODAY).decline is Decline.INVALID_AMOUNT


def test_more_than_a_million_dollars_in_one_authorisation_is_an_invalid_amount() -> None:
    just_enough = Money.from_major("1000000.00", "USD")
    too_much = Money.from_major("1000000.01", "USD")
    assert judge(card(), presented(just_enough), TODAY).decline is None
    assert judge(card(), presented(too_much), TODAY).decline is Decline.INVALID_AMOUNT


def test_the_limit_applies_to_other_currencies_at_the_banks_rates() -> None:
    # 0.92 EUR to the dollar: a million euros is more than a million dollars.
    assert (
        judge(card(), presented(Money.from_major("1000000", "EUR")), TODAY).decline
        is Decline.INVALID_AMOUNT
    )
    assert judge(card(), presented(Money.from_major("900000", "EUR")), TODAY).decline is None


def test_a_currency_the_bank_has_no_rate_for_is_an_invalid_transaction() -> None:
    amount = Money.from_major("10", "KWD")
    assert judge(card(), presented(amount), TODAY).decline is Decline.INVALID_TRANSACTION


def test_a_card_the_bank_does_not_know_is_refused() -> None:
    assert judge(None, presented(), TODAY).decline is Decline.UNKNOWN_CARD


@pytest.mark.parametrize(
    ("status", "decline"),
    [
        (CardStatus.LOST, Decline.LOST_CARD),
        (CardStatus.STOLEN, Decline.STOLEN_CARD),
        (CardStatus.BLOCKED, Decline.BLOCKED_CARD),
    ],
)
def test_a_lost_stolen_or_blocked_card_is_refused_before_anything_else(
    status: CardStatus, decline: Decline
) -> None:
    bad_everything = presented(expiry="2001", cvc="999")
    assert judge(card(status=status), bad_everything, TODAY).decline is decline


def test_a_card_past_its_expiry_is_expired_whatever_expiry_is_presented() -> None:
    expired = card(expiry=Expiry(2020, 1), accepts_any_expiry=True, accepts_any_cvc=True)
    assert judge(expired, presented(expiry="3412"), TODAY).decline is Decline.EXPIRED_CARD


def test_a_card_is_good_through_the_last_day_of_its_expiry_month() -> None:
    ends_this_month = card(expiry=Expiry(2026, 11))
    assert judge(ends_this_month, presented(expiry="2611"), dt.date(2026, 11, 30)).decline is None
    assert (
        judge(ends_this_month, presented(expiry="2611"), dt.date(2026, 12, 1)).decline
        is Decline.EXPIRED_CARD
    )


def test_an_expiry_in_the_past_is_expired_even_on_a_test_card() -> None:
    test_card = card(accepts_any_expiry=True, accepts_any_cvc=True)
    assert judge(test_card, presented(expiry="2510"), TODAY).decline is Decline.EXPIRED_CARD


def test_the_banks_own_card_needs_its_own_expiry() -> None:
    assert judge(card(), presented(expiry="3001"), TODAY).decline is Decline.EXPIRED_CARD


def test_a_test_card_takes_any_future_expiry_and_any_cvc_of_the_right_length() -> None:
    test_card = card(accepts_any_expiry=True, accepts_any_cvc=True)
    judgement = judge(test_card, presented(expiry="3412", cvc="987"), TODAY)
    assert judgement.decline is None
    assert judgement.cvc_result is CvcResult.MATCH


def test_a_test_card_refuses_a_cvc_of_the_wrong_length() -> None:
    test_card = card(accepts_any_expiry=True, accepts_any_cvc=True)
    assert judge(test_card, presented(cvc="9876"), TODAY).decline is Decline.INCORRECT_CVC


def test_a_wrong_cvc_is_refused_with_the_check_reported_as_no_match() -> None:
    judgement = judge(card(), presented(cvc="124"), TODAY)
    assert judgement.decline is Decline.INCORRECT_CVC
    assert judgement.cvc_result is CvcResult.NO_MATCH


def test_a_cvc_left_out_is_not_checked() -> None:
    judgement = judge(card(), presented(cvc=None), TODAY)
    assert judgement.decline is None
    assert judgement.cvc_result is CvcResult.NOT_PROCESSED


def test_a_malformed_expiry_is_a_format_error() -> None:
    assert judge(card(), presented(expiry="2913"), TODAY).decline is Decline.FORMAT_ERROR


def test_a_card_that_requires_3ds_is_refused_without_an_authentication() -> None:
    needs_3ds = card(requires_3ds=True)
    assert judge(needs_3ds, presented(), TODAY).decline is Decline.AUTHENTICATION_REQUIRED


def test_a_card_that_requires_3ds_is_approved_with_a_valid_authentication() -> None:
    needs_3ds = card(requires_3ds=True)
    assert judge(needs_3ds, presented(three_ds=ThreeDS.VALID), TODAY).decline is None


def test_an_authentication_that_does_not_hold_is_refused_on_any_card() -> None:
    assert (
        judge(card(), presented(three_ds=ThreeDS.INVALID), TODAY).decline
        is Decline.AUTHENTICATION_REQUIRED
    )


def test_the_cvc_is_checked_before_3ds() -> None:
    needs_3ds = card(requires_3ds=True)
    assert judge(needs_3ds, presented(cvc="000"), TODAY).decline is Decline.INCORRECT_CVC


def test_short_funds_are_insufficient_on_a_debit_account_and_over_the_limit_on_credit() -> None:
    assert funds_decline(AccountKind.DEBIT) is Decline.INSUFFICIENT_FUNDS
    assert funds_decline(AccountKind.CREDIT) is Decline.OVER_CREDIT_LIMIT


def test_an_expiry_reads_as_iso_8583_carries_it() -> None:
    assert Expiry.parse_yymm("2812") == Expiry(2028, 12)
    assert Expiry(2028, 12).yymm == "2812"
    with pytest.raises(ValueError, match="four digits"):
        Expiry.parse_yymm("12/28")
