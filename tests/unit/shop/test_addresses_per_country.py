"""Addresses are checked as each country writes them: required fields, postal codes, and a
state for the United States; each problem said beside its field."""

from __future__ import annotations

import pytest

from mercato.shop.addresses import Address, read

BASE = {"name": "Ada Lovelace", "line1": "1 Main Street", "city": "Town"}


@pytest.mark.parametrize(
    ("country", "given", "kept"),
    [
        ("US", "94103", "94103"),
        ("US", "94103-1234", "94103-1234"),
        ("DE", "10115", "10115"),
        ("FR", "75001", "75001"),
        ("NL", "1012ab", "1012 AB"),
        ("GB", "sw1a1aa", "SW1A 1AA"),
        ("GB", "M1 1AE", "M1 1AE"),
        ("IE", "d02x285", "D02 X285"),
        ("IE", "D6W 1234", "D6W 1234"),
        ("IT", "00184", "00184"),
        ("ES", "28013", "28013"),
    ],
)
def test_a_good_postal_code_is_kept_in_its_countrys_form(
    country: str, given: str, kept: str
) -> None:
    address = read(BASE | {"country": country, "postal_code": given, "state": "ca"})
    assert isinstance(address, Address)
    assert address.postal_code == kept


@pytest.mark.parametrize(
    ("country", "given", "said"),
    [
        ("US", "9410", "ZIP code of 5 digits"),
        ("DE", "1011", "German postal code of 5 digits"),
        ("FR", "750011", "French postal code"),
        ("NL", "0123 AB", "Dutch postcode"),
        ("NL", "1012 SS", "Dutch postcode"),
        ("GB", "12345", "UK postcode"),
        ("IE", "B02 X285", "Eircode"),
        ("IT", "0018", "Italian postal code"),
        ("ES", "53001", "Spanish postal code"),
    ],
)
def test_a_postal_code_in_the_wrong_format_is_explained_with_an_example(
    country: str, given: str, said: str
) -> None:
    problems = read(BASE | {"country": country, "postal_code": given, "state": "NY"})
    assert isinstance(problems, dict)
    assert said in problems["postal_code"]


def test_missing_fields_are_named_one_by_one() -> None:
    problems = read({"country": "DE"})
    assert problems == {
        "name": "Enter the name.",
        "line1": "Enter the street and number.",
        "city": "Enter the town or city.",
        "postal_code": "Enter a German postal code of 5 digits, such as 10115.",
    }
    unknown = read(BASE | {"country": "XX", "postal_code": "1"})
    assert unknown == {"country": "Choose the country from the list."}


def test_a_us_address_needs_a_real_state_and_others_have_none() -> None:
    assert read(BASE | {"country": "US", "postal_code": "10001"}) == {"state": "Choose the state."}
    wrong = read(BASE | {"country": "US", "postal_code": "10001", "state": "ZZ"})
    assert isinstance(wrong, dict)
    assert "from the list" in wrong["state"]
    german = read(BASE | {"country": "DE", "postal_code": "10115", "state": "CA"})
    assert isinstance(german, Address)
    assert german.state is None
    american = read(BASE | {"country": "us", "postal_code": "10001", "state": "ny"})
    assert isinstance(american, Address)
    assert american.lines()[-2:] == ["Town, NY 10001", "United States"]
