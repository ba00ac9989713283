"""Mercato's ISO 8583:1987 specification: every field the link carries, its format and length.

docs/iso8583.md is the same table for people; a test holds the two together. The whole
message is printable ASCII: the MTI as four digits, each bitmap as 16 hexadecimal characters,
numeric fields as digits (fixed ones zero-padded on the left), text fields space-padded on the
right, and variable fields after a length of 2 (LLVAR) or 3 (LLLVAR) ASCII digits. The 2-byte
length in front of each message belongs to the framing (framing.py), not to this spec.

Formats name what a field may hold, as ISO 8583 does: ``n`` digits, ``an`` letters and digits,
``ans`` any printable ASCII character, space included.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from iso8583.specs import default_ascii

from mercato.network.errors import InvalidMessage


class Kind(enum.StrEnum):
    NUMERIC = "n"
    ALPHANUMERIC = "an"
    TEXT = "ans"


_CHARACTERS = {
    Kind.NUMERIC: re.compile(r"[0-9]*"),
    Kind.ALPHANUMERIC: re.compile(r"[A-Za-z0-9]*"),
    Kind.TEXT: re.compile(r"[\x20-\x7e]*"),
}


@dataclass(frozen=True, slots=True)
class Field:
    """One data element (or one sub-element of field 48).

    ``length`` is the fixed length, or the maximum of a variable field (``prefix`` is the
    number of length digits in front of it: 2 for LLVAR, 3 for LLLVAR). A ``padded`` text
    field is fixed on the wire but carries a value of 1 to ``length`` characters, padded with
    spaces on the right; such a value cannot itself end with a space, which would be lost.
    """

    number: int
    name: str
    kind: Kind
    length: int
    prefix: int = 0
    min_length: int | None = None
    padded: bool = False

    @property
    def format(self) -> str:
        """As the document writes it: ``n6``, ``n..19``, ``ans..999``."""
        return f"{self.kind}{'..' if self.prefix else ''}{self.length}"

    @property
    def shortest(self) -> int:
        if self.min_length is not None:
            return self.min_length
        return 1 if self.prefix or self.padded else self.length

    def accepts(self, value: str) -> bool:
        """Whether ``value`` fits this field: its characters and its length."""
        if not self.shortest <= len(value) <= self.length:
            return False
        if self.padded and value.endswith(" "):
            return False
        return _CHARACTERS[self.kind].fullmatch(value) is not None

    def check(self, value: object, what: str) -> str:
        """``value`` if this field can carry it, else `InvalidMessage` (which never shows the
        value: it may be a card number)."""
        if not isinstance(value, str):
            raise TypeError(f"{what} is a str, not {type(value).__name__}")
        if not self.accepts(value):
            span = (
                str(self.length)
                if self.shortest == self.length
                else f"{self.shortest} to {self.length}"
            )
            tail = ", not ending in a space" if self.padded else ""
            raise InvalidMessage(
                f"{what} must be {span} characters of format {self.kind}{tail} "
                f"(field {self.number}, {self.name})"
            )
        return value

    def check_number(self, value: object, what: str) -> int:
        """``value`` if it is an int that fits this numeric field's digits."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{what} is an int, not {type(value).__name__}")
        if not 0 <= value < 10**self.length:
            raise InvalidMessage(
                f"{what} must be 0 to {10**self.length - 1} (field {self.number}, {self.name})"
            )
        return value


# The data elements, by number. Fixed numeric fields carry ints or codes zero-padded on the left.
PAN = Field(2, "Primary account number", Kind.NUMERIC, 19, prefix=2, min_length=12)
PROCESSING_CODE = Field(3, "Processing code", Kind.NUMERIC, 6)
AMOUNT = Field(4, "Amount, transaction", Kind.NUMERIC, 12)
TRANSMISSION_DATE_TIME = Field(7, "Transmission date and time", Kind.NUMERIC, 10)
STAN = Field(11, "System trace audit number", Kind.NUMERIC, 6)
LOCAL_TIME = Field(12, "Time, local transaction", Kind.NUMERIC, 6)
LOCAL_DATE = Field(13, "Date, local transaction", Kind.NUMERIC, 4)
EXPIRY = Field(14, "Date, expiration", Kind.NUMERIC, 4)
MCC = Field(18, "Merchant category code", Kind.NUMERIC, 4)
POS_ENTRY_MODE = Field(22, "Point of service entry mode", Kind.NUMERIC, 3)
ACQUIRER_ID = Field(32, "Acquiring institution identification code", Kind.NUMERIC, 11, prefix=2)
RRN = Field(37, "Retrieval reference number", Kind.ALPHANUMERIC, 12)
APPROVAL_CODE = Field(38, "Authorisation identification response", Kind.ALPHANUMERIC, 6)
RESPONSE_CODE = Field(39, "Response code", Kind.ALPHANUMERIC, 2)
TERMINAL_ID = Field(41, "Card acceptor terminal identification", Kind.TEXT, 8, padded=True)
MERCHANT_ID = Field(42, "Card acceptor identification code", Kind.TEXT, 15, padded=True)
MERCHANT_NAME = Field(43, "Card acceptor name/location", Kind.TEXT, 40, padded=True)
ADDITIONAL_DATA = Field(48, "Additional data, private", Kind.TEXT, 999, prefix=3)
CURRENCY = Field(49, "Currency code, transaction", Kind.NUMERIC, 3)
MANAGEMENT_CODE = Field(70, "Network management information code", Kind.NUMERIC, 3)
ORIGINAL_DATA = Field(90, "Original data elements", Kind.NUMERIC, 42)

FIELDS: Mapping[int, Field] = MappingProxyType(
    {
        field.number: field
        for field in (
            PAN,
            PROCESSING_CODE,
            AMOUNT,
            TRANSMISSION_DATE_TIME,
            STAN,
            LOCAL_TIME,
            LOCAL_DATE,
            EXPIRY,
            MCC,
            POS_ENTRY_MODE,
            ACQUIRER_ID,
            RRN,
            APPROVAL_CODE,
            RESPONSE_CODE,
            TERMINAL_ID,
            MERCHANT_ID,
            MERCHANT_NAME,
            ADDITIONAL_DATA,
            CURRENCY,
            MANAGEMENT_CODE,
            ORIGINAL_DATA,
        )
    }
)

# Sub-elements of field 48, each written as tag (2 digits), length (2 digits), value. The tags
# follow Mastercard's DE 48 where it has one for the same thing.
ECI = Field(42, "Electronic commerce indicator (3-D Secure)", Kind.NUMERIC, 2)
AUTHENTICATION_VALUE = Field(
    43, "3-D Secure authentication value (CAVV/AAV)", Kind.TEXT, 40, prefix=2, min_length=0
)
THREE_DS_TRANSACTION_ID = Field(
    66, "3-D Secure transaction identifier", Kind.TEXT, 64, prefix=2, min_length=0
)
CVC_RESULT = Field(87, "CVC 2 result", Kind.ALPHANUMERIC, 1)
CVC = Field(92, "CVC 2", Kind.NUMERIC, 4, prefix=2, min_length=3)

SUBELEMENTS: Mapping[int, Field] = MappingProxyType(
    {
        field.number: field
        for field in (ECI, AUTHENTICATION_VALUE, THREE_DS_TRANSACTION_ID, CVC_RESULT, CVC)
    }
)
CVC_RESULTS = frozenset({"M", "N", "P"})  # match, no match, not processed


@dataclass(frozen=True, slots=True)
class Layout:
    """Which fields a message type carries: always (``required``) or when it has them."""

    name: str
    required: frozenset[int]
    optional: frozenset[int] = frozenset()
    subelements: frozenset[int] = frozenset()  # of field 48, when it is carried


def _layout(
    name: str, required: tuple[int, ...], optional: tuple[int, ...] = (), sub: tuple[int, ...] = ()
) -> Layout:
    return Layout(name, frozenset(required), frozenset(optional), frozenset(sub))


# The acquirer's request and advice MTIs, and the issuer's answers to them.
AUTHORIZATION_REQUEST = "0100"
AUTHORIZATION_RESPONSE = "0110"
COMPLETION_ADVICE = "0220"
COMPLETION_RESPONSE = "0230"
REVERSAL_REQUEST = "0400"
REVERSAL_RESPONSE = "0410"
NETWORK_MANAGEMENT_REQUEST = "0800"
NETWORK_MANAGEMENT_RESPONSE = "0810"

_REQUEST_FIELDS = (2, 3, 4, 7, 11)
LAYOUTS: Mapping[str, Layout] = MappingProxyType(
    {
        AUTHORIZATION_REQUEST: _layout(
            "Authorisation request",
            (*_REQUEST_FIELDS, 12, 13, 14, 18, 22, 32, 37, 41, 42, 43, 49),
            (48,),
            (ECI.number, AUTHENTICATION_VALUE.number, THREE_DS_TRANSACTION_ID.number, CVC.number),
        ),
        AUTHORIZATION_RESPONSE: _layout(
            "Authorisation response", (7, 11, 37, 39), (38, 48), (CVC_RESULT.number,)
        ),
        COMPLETION_ADVICE: _layout("Completion advice", (*_REQUEST_FIELDS, 32, 37, 49, 90)),
        COMPLETION_RESPONSE: _layout("Completion advice response", (7, 11, 37, 39)),
        REVERSAL_REQUEST: _layout("Reversal request", (*_REQUEST_FIELDS, 32, 37, 49, 90)),
        REVERSAL_RESPONSE: _layout("Reversal response", (7, 11, 37, 39)),
        NETWORK_MANAGEMENT_REQUEST: _layout("Network management request", (7, 11, 70)),
        NETWORK_MANAGEMENT_RESPONSE: _layout("Network management response", (7, 11, 39, 70)),
    }
)

PURCHASE = "000000"  # processing code: goods and services, from the default account


def _iso8583_field(field: Field) -> dict[str, Any]:
    return {
        "data_enc": "ascii",
        "len_enc": "ascii",
        "len_type": field.prefix,
        "max_len": field.length,
        "desc": field.name,
    }


# The dict pyiso8583 encodes and decodes with. Fields Mercato does not use keep the 1987
# standard's formats (pyiso8583's default_ascii), only so that a message carrying one can be
# read far enough to be refused with its STAN instead of dropped with its connection.
ISO8583_SPEC: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        **default_ascii,
        "h": {**default_ascii["h"], "max_len": 0},
        **{str(number): _iso8583_field(field) for number, field in FIELDS.items()},
    }
)
