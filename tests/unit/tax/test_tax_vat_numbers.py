"""VAT numbers: format and check digits per country, the compact form, the issuing state."""

from __future__ import annotations

import pytest

from mercato.tax import InvalidVatNumber, parse_vat_number


@pytest.mark.parametrize(
    ("typed", "compact", "country"),
    [
        ("DE 136 695 976", "DE136695976", "DE"),
        ("de136695976", "DE136695976", "DE"),
        ("FR 61 954 506 077", "FR61954506077", "FR"),
        ("ATU57194903", "ATU57194903", "AT"),
        ("BE697449992", "BE0697449992", "BE"),
        ("NL004495445B01", "NL004495445B01", "NL"),
        ("EL094259216", "EL094259216", "GR"),
        ("GR094259216", "EL094259216", "GR"),
        ("DE-136.695.976", "DE136695976", "DE"),
    ],
)
def test_a_valid_number_is_given_back_in_compact_form_with_its_country(
    typed: str, compact: str, country: str
) -> None:
    number = parse_vat_number(typed)

    assert (number.value, number.country, str(number)) == (compact, country, compact)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("DE136695977", "checksum"),
        ("DE12345", "length"),
        ("DE13669597A", "format"),
        ("XX123456789", "country"),
        ("136695976", "country"),
        ("", "country"),
        ("\uff24\uff25136695976", "country"),  # fullwidth DE
        ("EU372000041", "country"),
    ],
)
def test_an_invalid_number_is_refused_with_the_reason(typed: str, reason: str) -> None:
    with pytest.raises(InvalidVatNumber) as caught:
        parse_vat_number(typed)

    assert caught.value.reason == reason
    assert caught.value.code == "invalid_vat_number"
    assert caught.value.param == "vat_number"
    assert repr(typed) in str(caught.value)


def test_a_northern_irish_number_is_well_formed_but_not_of_a_member_state() -> None:
    number = parse_vat_number("XI 980780684")

    assert number.country == "XI"
