"""Where tax is due: countries (ISO 3166-1 alpha-2), the EU member states, the US states.

Codes are taken in any case and given back in upper case. Greece is `GR` here, as in ISO
3166; only its VAT numbers carry the prefix `EL` (see `vat_number.py`). US territories
(Puerto Rico, Guam, ...) are countries of their own in ISO 3166 (`PR`, `GU`) and, for a US
shop, are outside the states whose sales tax this package knows.
"""

from __future__ import annotations

from mercato.tax.errors import StateRequired, UnknownCountry, UnknownState

# ISO 3166-1 alpha-2, the officially assigned codes, plus XK (Kosovo, user-assigned but
# used by the European Commission and most registries).
_ISO_3166_TEXT = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
"""
_ISO_3166_ALPHA_2 = frozenset(_ISO_3166_TEXT.split())

_EU_TEXT = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
EU_MEMBER_STATES: frozenset[str] = frozenset(_EU_TEXT.split())
"""The 27 member states (ISO codes), as of the rate table's compilation date."""

US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
"""The 50 states and the District of Columbia, by USPS code."""

UNITED_STATES = "US"


def country_code(text: str, *, param: str = "country") -> str:
    """`text` as an upper-case ISO 3166-1 alpha-2 code; `UnknownCountry` if it names none.

    "de" and "DE" are Germany. "EL" (Greece's VAT prefix) and "UK" are not country codes:
    Greece is "GR" and the United Kingdom "GB".
    """
    code = _upper_ascii(text, "a country code")
    if code not in _ISO_3166_ALPHA_2:
        hint = {"EL": " (Greece is GR)", "UK": " (the United Kingdom is GB)"}.get(code, "")
        raise UnknownCountry(f"{text!r} is not an ISO 3166-1 country code{hint}", param=param)
    return code


def us_state_code(text: str | None, *, param: str = "state") -> str:
    """`text` as an upper-case USPS state code (50 states and DC).

    `StateRequired` if it is missing, `UnknownState` if it names no state.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        raise StateRequired("a US address needs its state (e.g. CA)", param=param)
    code = _upper_ascii(text, "a state code")
    if code not in US_STATES:
        raise UnknownState(f"{text!r} is not a US state or DC", param=param)
    return code


def is_eu_member(country: str) -> bool:
    """Whether `country` (an ISO code, already checked) is an EU member state."""
    return country in EU_MEMBER_STATES


def _upper_ascii(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{what} is a str, not {type(text).__name__}")
    # ASCII only: a look-alike letter must not turn into a real code on upper().
    stripped = text.strip()
    return stripped.upper() if stripped.isascii() else stripped
