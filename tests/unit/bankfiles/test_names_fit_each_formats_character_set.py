"""Merchants' names reach the bank in the letters each format can carry, or not at all."""

from __future__ import annotations

import pytest
from bankfile_examples import latin_names
from hypothesis import given, settings

from mercato.bankfiles.charsets import is_sepa_text, nacha_text, sepa_reference, sepa_text
from mercato.bankfiles.errors import InvalidReference, UnsupportedText


@pytest.mark.parametrize(
    ("name", "nacha"),
    [
        ("Müller & Söhne GmbH", "MULLER & SOHNE GMBH"),
        ("Café Łódź", "CAFE LODZ"),
        ("Straße  der   Einheit", "STRASSE DER EINHEIT"),
        ("Ørsted Æble", "ORSTED AEBLE"),
        ("O\u2019Brien \u2013 Sons", "O'BRIEN - SONS"),
    ],
)
def test_nacha_names_are_upper_case_ascii(name: str, nacha: str) -> None:
    assert nacha_text(name, 22, what="name") == nacha


@pytest.mark.parametrize(
    ("name", "sepa"),
    [
        ("Müller & Söhne GmbH", "Muller + Sohne GmbH"),
        ("Café Łódź", "Cafe Lodz"),
        ("Ação #1 @ Porto", "Acao 1 Porto"),
        ("Smith_and_Sons!", "Smith and Sons"),
    ],
)
def test_sepa_names_keep_to_the_epc_basic_latin_set(name: str, sepa: str) -> None:
    assert sepa_text(name, 70, what="name") == sepa


NON_LATIN = ["Αθήνα Ταβέρνα", "Москва ООО", "北京商店", "Shop 🛒"]  # noqa: RUF001 -- on purpose


@pytest.mark.parametrize("name", NON_LATIN)
def test_a_name_without_a_latin_spelling_is_refused_not_guessed(name: str) -> None:
    with pytest.raises(UnsupportedText) as refused:
        nacha_text(name, 22, what="receiver name")
    assert refused.value.code == "unsupported_text"
    assert "receiver name" in str(refused.value)
    with pytest.raises(UnsupportedText):
        sepa_text(name, 70, what="creditor name")


def test_long_names_are_cut_to_their_field_as_banks_do() -> None:
    name = "The Very Long Name Of A Small Business Incorporated"
    assert nacha_text(name, 22, what="name") == "THE VERY LONG NAME OF"
    assert len(sepa_text(name * 2, 70, what="name")) <= 70


def test_a_name_with_nothing_left_in_the_sepa_set_is_refused() -> None:
    with pytest.raises(UnsupportedText):
        sepa_text("#@!", 70, what="creditor name")


@settings(max_examples=60, deadline=None)
@given(name=latin_names)
def test_any_latin_name_comes_out_in_the_formats_sets(name: str) -> None:
    nacha = nacha_text(name, 22, what="name")
    assert len(nacha) <= 22
    assert nacha == nacha.upper()
    assert all(" " <= char <= "~" for char in nacha)
    sepa = sepa_text(name, 70, what="name")
    assert len(sepa) <= 70
    assert is_sepa_text(sepa)


@pytest.mark.parametrize(
    "reference",
    ["", "po_123", "A" * 36, "/PO-1", "PO-1/", "PO//1", " PO-1", "PO-ü"],
)
def test_a_sepa_reference_that_does_not_fit_is_refused_not_rewritten(reference: str) -> None:
    with pytest.raises(InvalidReference) as refused:
        sepa_reference(reference, what="end-to-end id")
    assert refused.value.code == "invalid_reference"


def test_a_sepa_reference_that_fits_is_kept_exactly() -> None:
    assert sepa_reference("PO-2026/03-0001", what="end-to-end id") == "PO-2026/03-0001"
