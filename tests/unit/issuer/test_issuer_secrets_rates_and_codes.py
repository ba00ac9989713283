"""The bank's derived secrets, exchange rates, response codes and test-card catalogue."""

from __future__ import annotations

import uuid

import pytest

from mercato.issuer import codes, issuer_prefixes
from mercato.issuer.domain import fx
from mercato.issuer.domain.cards import AccountKind, CardStatus, Expiry
from mercato.issuer.domain.decisions import Decline
from mercato.issuer.domain.secrets import (
    BankKeys,
    authentication_holds,
    authentication_value,
    derive_cvc,
)
from mercato.issuer.domain.stripe_cards import STRIPE_TEST_CARDS, stripe_test_card
from mercato.logs import luhn_valid
from mercato.money import Currency, Money
from mercato.network.messages import ResponseCode

KEYS = BankKeys(b"k" * 32)
OTHER_KEYS = BankKeys(b"o" * 32)
CARD = uuid.UUID("0192d3c4-0000-7000-8000-000000000001")
OTHER_CARD = uuid.UUID("0192d3c4-0000-7000-8000-000000000002")


def test_a_cards_cvc_is_derived_the_same_way_every_time_and_never_needs_storing() -> None:
    cvc = derive_cvc(KEYS, "4571190000000001", Expiry(2030, 1), length=3)
    assert cvc == derive_cvc(KEYS, "4571190000000001", Expiry(2030, 1), length=3)
    assert len(cvc) == 3
    assert cvc.isdigit()


def test_american_express_cards_get_four_digit_cvcs() -> None:
    assert len(derive_cvc(KEYS, "374245000000001", Expiry(2030, 1), length=4)) == 4


def test_the_cvc_depends_on_the_expiry_and_on_the_banks_secret() -> None:
    cvcs = {
        derive_cvc(keys, "4571190000000001", expiry, length=3)
        for keys in (KEYS, OTHER_KEYS)
        for expiry in (Expiry(2030, 1), Expiry(2031, 1), Expiry(2032, 1))
    }
    assert len(cvcs) >= 5  # six draws of 1,000 values: a collision or two at most


def test_an_authentication_value_holds_only_for_its_card_and_amount() -> None:
    amount = Money.from_major("49.90", "EUR")
    value = authentication_value(KEYS, "tx-1", CARD, amount)
    assert authentication_holds(
        KEYS, eci="05", value=value, transaction_id="tx-1", card_id=CARD, amount=amount
    )
    for card, paid, transaction in (
        (OTHER_CARD, amount, "tx-1"),
        (CARD, Money.from_major("49.91", "EUR"), "tx-1"),
        (CARD, Money.from_major("49.90", "USD"), "tx-1"),
        (CARD, amount, "tx-2"),
    ):
        assert not authentication_holds(
            KEYS, eci="05", value=value, transaction_id=transaction, card_id=card, amount=paid
        )


def test_an_authentication_value_does_not_hold_with_an_unauthenticated_eci() -> None:
    amount = Money.from_major("10", "USD")
    value = authentication_value(KEYS, "tx-1", CARD, amount)
    assert not authentication_holds(
        KEYS, eci="07", value=value, transaction_id="tx-1", card_id=CARD, amount=amount
    )


def test_the_bank_converts_at_its_table_and_rounds_in_its_own_favour() -> None:
    # 10.00 EUR at 0.92 EUR per USD is 10.869565... USD: the cardholder is held 10.87.
    held = fx.convert(Money.from_major("10.00", "EUR"), Currency.of("USD"))
    assert held == Money.from_major("10.87", "USD")
    # 1,000 JPY at 150 per USD is 6.666... USD: 6.67.
    assert fx.convert(Money.of_minor(1000, "JPY"), Currency.of("USD")) == Money.of_minor(667, "USD")
    same = Money.from_major("5", "USD")
    assert fx.convert(same, Currency.of("USD")) == same


def test_a_currency_without_a_rate_cannot_be_converted() -> None:
    with pytest.raises(fx.UnsupportedCurrency):
        fx.convert(Money.from_major("1", "KWD"), Currency.of("USD"))


def test_a_partial_completion_takes_its_share_of_the_converted_hold() -> None:
    held = Money.from_major("10.87", "USD")
    assert fx.proportion(held, 1000, 1000) == held
    assert fx.proportion(held, 500, 1000) == Money.from_major("5.44", "USD")  # 5.435 up
    assert fx.proportion(held, 1, 1000) == Money.of_minor(2, "USD")


def test_a_failed_cvc_is_n7_for_visa_and_82_for_other_brands() -> None:
    assert codes.response_code(Decline.INCORRECT_CVC, "visa") is ResponseCode.CVC_FAILED_N7
    assert codes.response_code(Decline.INCORRECT_CVC, "mastercard") is ResponseCode.CVC_FAILED
    assert codes.response_code(Decline.INCORRECT_CVC) is ResponseCode.CVC_FAILED


def test_every_reason_has_its_iso_8583_code() -> None:
    expected = {
        Decline.INVALID_AMOUNT: "13",
        Decline.UNKNOWN_CARD: "14",
        Decline.LOST_CARD: "41",
        Decline.STOLEN_CARD: "43",
        Decline.BLOCKED_CARD: "05",
        Decline.EXPIRED_CARD: "54",
        Decline.AUTHENTICATION_REQUIRED: "1A",
        Decline.INSUFFICIENT_FUNDS: "51",
        Decline.OVER_CREDIT_LIMIT: "61",
    }
    for decline, code in expected.items():
        assert codes.response_code(decline).value == code
    for decline in Decline:
        codes.response_code(decline)  # none is missing


def test_approval_codes_are_six_letters_and_digits() -> None:
    code = codes.new_approval_code()
    assert len(code) == 6
    assert code.isalnum()


def test_stripes_test_cards_are_valid_distinct_numbers_the_bank_routes_to_itself() -> None:
    numbers = [card.number for card in STRIPE_TEST_CARDS]
    assert len(set(numbers)) == len(numbers)
    assert all(luhn_valid(number) for number in numbers)
    prefixes = issuer_prefixes()
    assert all(number[:6] in prefixes for number in numbers)


def test_stripes_decline_cards_get_the_state_that_makes_them_decline() -> None:
    assert stripe_test_card("generic-decline").status is CardStatus.BLOCKED
    assert stripe_test_card("lost-card").status is CardStatus.LOST
    assert stripe_test_card("stolen-card").status is CardStatus.STOLEN
    insufficient = stripe_test_card("insufficient-funds")
    assert insufficient.kind is AccountKind.DEBIT
    assert insufficient.funds.is_zero
    assert not stripe_test_card("incorrect-cvc").accepts_any_cvc
    assert stripe_test_card("incorrect-cvc").accepts_any_expiry
    assert stripe_test_card("authentication-required").requires_3ds
    then_declines = stripe_test_card("authentication-then-insufficient-funds")
    assert then_declines.requires_3ds
    assert then_declines.funds.is_zero


def test_the_bank_issues_debit_and_credit_cards_from_bins_of_their_own() -> None:
    from mercato.issuer import OWN_RANGES

    prefixes = [prefix for prefix, _length in OWN_RANGES.values()]
    assert len(set(prefixes)) == len(prefixes)
    assert set(prefixes) <= set(issuer_prefixes())
    assert all(
        not prefix.startswith(card.number[:6]) for prefix in prefixes for card in STRIPE_TEST_CARDS
    )
