"""EU VAT numbers: format and check digits, checked offline with python-stdnum.

    >>> from mercato.tax import parse_vat_number
    >>> number = parse_vat_number("de 136 695 976")
    >>> number.value, number.country
    ('DE136695976', 'DE')
    >>> parse_vat_number("GR094259216").value   # Greece's numbers carry the prefix EL
    'EL094259216'

Danger: a number that passes is well formed, not necessarily registered. No registry
(VIES) is asked here: that is an online call with its own outages and its own answer to
keep as evidence, and belongs behind an interface of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat

from mercato.tax.errors import InvalidVatNumber

# A VAT number's prefix, where it is not the ISO country code of its member state.
_PREFIX_TO_COUNTRY = {"EL": "GR"}
_COUNTRY_TO_PREFIX = {"GR": "EL"}
# Prefixes stdnum accepts that are not a member state's VAT numbers: XI is Northern
# Ireland (a UK number usable for goods); EU and IM are One-Stop-Shop identifiers of
# non-EU sellers, which never make a buyer liable for VAT.
_NOT_A_MEMBER_STATE = {"EU", "IM"}


@dataclass(frozen=True, slots=True)
class VatNumber:
    """A well-formed VAT number in its compact form ("DE136695976", "EL094259216").

    `country` is the ISO 3166 code of the state that issued it ("GR" for "EL...", "XI"
    for Northern Ireland); `prefix` is the two letters the number starts with.
    Build it with `parse_vat_number`.
    """

    value: str
    country: str

    @property
    def prefix(self) -> str:
        return self.value[:2]

    def __str__(self) -> str:
        return self.value


def parse_vat_number(text: str) -> VatNumber:
    """The VAT number in `text`, checked for its country's format and check digits.

    Spaces, dots and dashes are ignored and letters upper-cased; the number must start with
    its country prefix ("DE", "FR", "EL", "XI"...). Greek numbers given with "GR" are
    written "EL". Raises `InvalidVatNumber` with a `reason` of "format", "length",
    "checksum" or "country".
    """
    if not isinstance(text, str):
        raise TypeError(f"a VAT number is a str, not {type(text).__name__}")
    # ASCII only: fullwidth or look-alike letters must not become a prefix on upper().
    prefix = text.strip()[:2].upper() if text.isascii() else ""
    if prefix in _NOT_A_MEMBER_STATE:
        raise InvalidVatNumber(
            f"{text!r} is a One-Stop-Shop identification number of a non-EU seller, not a "
            "VAT number of an EU member state",
            reason="country",
        )
    if not prefix.isalpha():
        raise InvalidVatNumber(
            f"{text!r} is not a VAT number of an EU member state: it must start with the "
            "country prefix, e.g. DE, FR or EL",
            reason="country",
        )
    try:
        validated = eu_vat.validate(text)
    except stdnum_errors.InvalidChecksum:
        raise InvalidVatNumber(
            f"{text!r} is not a valid VAT number: its check digits do not match",
            reason="checksum",
        ) from None
    except stdnum_errors.InvalidLength:
        raise InvalidVatNumber(
            f"{text!r} is not a valid VAT number: it has the wrong number of characters for "
            f"a {prefix} number",
            reason="length",
        ) from None
    except stdnum_errors.InvalidComponent:
        raise InvalidVatNumber(
            f"{text!r} is not a VAT number of an EU member state (unknown prefix {prefix!r})",
            reason="country",
        ) from None
    except stdnum_errors.ValidationError:
        raise InvalidVatNumber(
            f"{text!r} is not a valid VAT number: it does not have the format of a {prefix} number",
            reason="format",
        ) from None
    country = _PREFIX_TO_COUNTRY.get(validated[:2], validated[:2])
    value = _COUNTRY_TO_PREFIX.get(country, country) + validated[2:]
    return VatNumber(value=value, country=country)
