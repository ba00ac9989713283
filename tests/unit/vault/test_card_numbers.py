"""Card numbers are checked as Stripe checks them, and never show their digits."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato import logs
from mercato.vault import CardNumber, IncorrectCardNumber, InvalidCardNumber
from mercato.vault.numbers import brand_of

STRIPE_TEST_CARDS = [
    ("4242424242424242", "visa"),
    ("4000056655665556", "visa"),
    ("5555555555554444", "mastercard"),
    ("2223003122003222", "mastercard"),
    ("378282246310005", "amex"),
    ("371449635398431", "amex"),
    ("6011111111111117", "discover"),
    ("6011000990139424", "discover"),
    ("3056930009020004", "diners"),
    ("36227206271667", "diners"),
    ("3566002020360505", "jcb"),
    ("6200000000000005", "unionpay"),
    ("6205500000000000004", "unionpay"),
]


@pytest.mark.parametrize(("number", "brand"), STRIPE_TEST_CARDS)
def test_stripes_test_cards_are_valid_and_of_their_brand(number: str, brand: str) -> None:
    card = CardNumber.parse(number)
    assert card.brand == brand
    assert card.digits == number
    assert card.last4 == number[-4:]
    assert card.bin == number[:6]


def test_spaces_and_dashes_between_digits_are_ignored() -> None:
    assert CardNumber.parse(" 4242 4242-4242 4242 ") == CardNumber("4242424242424242")


def test_a_failed_luhn_check_is_an_incorrect_number() -> None:
    with pytest.raises(IncorrectCardNumber) as refused:
        CardNumber.parse("4242424242424241")
    assert refused.value.code == "incorrect_number"
    assert refused.value.param == "number"
    assert isinstance(refused.value, InvalidCardNumber)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "4242 4242 4242 424x",
        "4242.4242.4242.4242",
        "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢",  # Arabic-Indic digits: str.isdigit says yes, cards say no
        "424242424242",  # 12 digits
        "42424242424242424242",  # 20 digits
        "378282246310",  # an amex prefix with a length amex never has
        "5555555555555555554",  # mastercard is 16 digits only
    ],
)
def test_what_is_not_a_card_number_is_an_invalid_number(text: str) -> None:
    with pytest.raises(InvalidCardNumber) as refused:
        CardNumber.parse(text)
    assert refused.value.code == "invalid_number"
    assert refused.value.param == "number"


def test_an_issuer_mints_numbers_by_appending_the_check_digit() -> None:
    assert CardNumber.with_check_digit("424242424242424").digits == "4242424242424242"
    assert CardNumber.with_check_digit("37828224631000").digits == "378282246310005"
    with pytest.raises(InvalidCardNumber):
        CardNumber.with_check_digit("4242 4242")


@given(st.text(alphabet="0123456789", min_size=15, max_size=15).map(lambda s: "9" + s))
def test_every_minted_number_passes_the_luhn_check(partial: str) -> None:
    minted = CardNumber.with_check_digit(partial)
    assert logs.luhn_valid(minted.digits)
    assert minted.brand == "unknown"


@pytest.mark.parametrize(("number", "brand"), STRIPE_TEST_CARDS)
def test_a_card_number_shows_only_its_masked_form(number: str, brand: str) -> None:
    card = CardNumber.parse(number)
    for shown in (repr(card), str(card), f"{card}", card.masked, repr([card]), repr({"c": card})):
        assert number not in shown
        assert number[4:-4] not in shown.replace(" ", "")
        assert logs.mask_card_numbers(shown) == shown  # nothing in it even looks like a number


def test_the_masked_form_shows_the_first_and_last_four_grouped_as_on_the_card() -> None:
    assert CardNumber.parse("4242424242424242").masked == "4242 •••• •••• 4242"
    assert CardNumber.parse("378282246310005").masked == "3782 •••••• •0005"
    assert CardNumber.parse("36227206271667").masked == "3622 •••••• 1667"
    assert (
        repr(CardNumber.parse("5555555555554444")) == "CardNumber(mastercard 5555 •••• •••• 4444)"
    )


def test_a_card_number_cannot_be_changed_or_pickled() -> None:
    card = CardNumber.parse("4242424242424242")
    with pytest.raises(AttributeError):
        card._digits = "5555555555554444"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        card.__dict__  # noqa: B018
    with pytest.raises(TypeError, match="store it in the vault"):
        pickle.dumps(card)
    assert copy.deepcopy(card) is card


def test_equal_numbers_are_equal_and_hash_alike() -> None:
    assert CardNumber.parse("4242 4242 4242 4242") == CardNumber.parse("4242424242424242")
    assert len({CardNumber.parse("4242424242424242"), CardNumber("4242424242424242")}) == 1
    assert CardNumber.parse("4242424242424242") != CardNumber.parse("5555555555554444")


def test_an_error_never_carries_the_number() -> None:
    with pytest.raises(IncorrectCardNumber) as refused:
        CardNumber.parse("4242424242424241")
    assert "4242424242424241" not in str(refused.value)
    assert "4242424242424241" not in repr(refused.value)
    assert str(refused.value) == "Your card number is incorrect."


@pytest.mark.parametrize(
    ("prefix", "brand"),
    [("2221", "mastercard"), ("2720", "mastercard"), ("2721", "unknown"), ("3095", "diners")],
)
def test_brands_follow_the_networks_number_ranges(prefix: str, brand: str) -> None:
    assert brand_of(prefix + "000000000000") == brand
