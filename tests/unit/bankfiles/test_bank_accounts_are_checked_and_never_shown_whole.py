"""A merchant's business bank account: checked when entered, and never printed whole."""

from __future__ import annotations

import dataclasses

import pytest
from bankfile_examples import account_numbers, iban, routing_number, routing_numbers
from hypothesis import given, settings

from mercato.bankfiles.accounts import AccountType, HolderType, SepaAccount, UsBankAccount
from mercato.bankfiles.errors import (
    BankFileError,
    InvalidAccount,
    InvalidAccountNumber,
    InvalidBic,
    InvalidIban,
    InvalidRoutingNumber,
)

# -- US accounts --------------------------------------------------------------------------


def test_a_us_account_is_kept_without_the_spaces_and_dashes_it_was_typed_with() -> None:
    account = UsBankAccount("0110-0001-5", "1234 5678 9")
    assert account.routing_number == "011000015"
    assert account.account_number == "123456789"
    assert account == UsBankAccount("011000015", "123456789")
    assert account.account_type is AccountType.CHECKING
    assert account.holder_type is HolderType.COMPANY
    assert account.country == "US"


def test_a_routing_number_with_a_wrong_check_digit_is_refused_with_its_code() -> None:
    with pytest.raises(InvalidRoutingNumber) as refused:
        UsBankAccount("011000016", "123456789")
    assert refused.value.code == "invalid_routing_number"
    assert isinstance(refused.value, InvalidAccount)
    assert isinstance(refused.value, BankFileError)
    assert "011000016" in str(refused.value)


@pytest.mark.parametrize("routing", ["01100001", "0110000155", "01100001X", ""])
def test_a_routing_number_must_be_nine_digits(routing: str) -> None:
    with pytest.raises(InvalidRoutingNumber):
        UsBankAccount(routing, "123456789")


@pytest.mark.parametrize("number", ["123", "123456789012345678", "12345678A", ""])
def test_an_account_number_must_be_four_to_seventeen_digits(number: str) -> None:
    with pytest.raises(InvalidAccountNumber) as refused:
        UsBankAccount("011000015", number)
    assert refused.value.code == "invalid_account_number"


def test_the_error_for_a_bad_account_number_shows_only_its_last_four_digits() -> None:
    with pytest.raises(InvalidAccountNumber) as refused:
        UsBankAccount("011000015", "123456789012345678")
    assert "123456789012345678" not in str(refused.value)
    assert "****5678" in str(refused.value)


@settings(max_examples=50, deadline=None)
@given(routing=routing_numbers, number=account_numbers)
def test_any_valid_account_prints_only_its_last_four_digits(routing: str, number: str) -> None:
    account = UsBankAccount(routing, number, AccountType.SAVINGS, HolderType.INDIVIDUAL)
    assert account.last4 == number[-4:]
    assert account.masked == f"****{number[-4:]}"
    shown = repr(account)
    assert routing in shown
    assert account.masked in shown
    if len(number) > 4:
        assert number not in shown.replace(routing, "")


def test_an_account_cannot_be_changed_once_made() -> None:
    account = UsBankAccount("011000015", "123456789")
    with pytest.raises(dataclasses.FrozenInstanceError):
        account.account_number = "987654321"  # type: ignore[misc]


def test_the_bank_behind_a_us_routing_number_is_not_guessed() -> None:
    assert UsBankAccount(routing_number("02100002"), "12345678").bank_name is None


# -- SEPA accounts ------------------------------------------------------------------------


def test_an_iban_is_kept_compact_and_its_country_named() -> None:
    account = SepaAccount("de89 3704 0044 0532 0130 00", "cobadeffxxx")
    assert account.iban == "DE89370400440532013000"
    assert account.bic == "COBADEFFXXX"
    assert account.country == "DE"
    assert account.country_name == "Germany"
    assert account.masked == "****3000"


def test_a_belgian_iban_names_its_bank_and_bic_from_the_national_directory() -> None:
    account = SepaAccount("BE71 0961 2345 6769")
    assert account.bank_name == "BELFIUS BANQUE"
    assert account.bic == "GKCCBEBB"


def test_where_no_directory_is_known_the_bank_is_not_guessed() -> None:
    account = SepaAccount(iban("FR", "20041010050500013M02606"))
    assert account.bank_name is None
    assert account.bic is None


def test_an_iban_with_wrong_check_digits_is_refused_without_echoing_it() -> None:
    with pytest.raises(InvalidIban) as refused:
        SepaAccount("DE88370400440532013000")
    assert refused.value.code == "invalid_iban"
    assert "DE88370400440532013000" not in str(refused.value)
    assert "****3000" in str(refused.value)


@pytest.mark.parametrize("value", ["", "DE89", "XX89370400440532013000", "DE8937040044053201300"])
def test_what_is_not_an_iban_is_refused(value: str) -> None:
    with pytest.raises(InvalidIban):
        SepaAccount(value)


@pytest.mark.parametrize("bic", ["COBADE", "COBADEFFXX", "C0BADEFF", "COBADEFFXXXX"])
def test_a_bic_must_be_eight_or_eleven_characters_of_the_right_kinds(bic: str) -> None:
    with pytest.raises(InvalidBic) as refused:
        SepaAccount("DE89370400440532013000", bic)
    assert refused.value.code == "invalid_bic"


def test_a_sepa_account_prints_only_its_last_four_characters() -> None:
    account = SepaAccount("DE89370400440532013000")
    assert "DE89370400440532013000" not in repr(account)
    assert "****3000" in repr(account)
