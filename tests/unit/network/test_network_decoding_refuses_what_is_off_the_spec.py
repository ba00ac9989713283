"""Whatever bytes arrive, decoding gives a message or a FormatError, never anything else; and
the error carries the MTI and STAN when they could be read, so the issuer can answer 30."""

from __future__ import annotations

import contextlib
import datetime as dt

import iso8583
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.money import Currency
from mercato.network import (
    AuthorizationRequest,
    AuthorizationResponse,
    FormatError,
    ManagementCode,
    NetworkManagementRequest,
    NetworkManagementResponse,
    ResponseCode,
    decode,
    encode,
    spec,
)
from mercato.network.codec import format_error_answer

NOW = dt.datetime(2026, 3, 14, 15, 9, 26, tzinfo=dt.UTC)

REQUEST = AuthorizationRequest(
    stan=4711,
    rrn="607315004711",
    pan="4000000000009995",
    expiry="2812",
    amount=12500,
    currency=Currency.of("USD"),
    transmitted_at=NOW,
    merchant_id="MERC0042",
    terminal_id="WEB00001",
    merchant_category_code="5999",
    merchant_name="Mercato Demo Shop",
    acquirer_id="000001",
    cvc="321",
)
RAW = encode(REQUEST)


def fields_of(raw: bytes) -> dict[str, str]:
    document, _ = iso8583.decode(raw, spec.ISO8583_SPEC)
    return {key: value for key, value in document.items() if key not in ("p", "1", "h")}


def reencoded(changes: dict[str, str | None]) -> bytes:
    """The example request with some fields replaced (or removed, for None), encoded with
    no checks but pyiso8583's own."""
    document = fields_of(RAW)
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    raw, _ = iso8583.encode(document, spec.ISO8583_SPEC)
    return bytes(raw)


def refusal(raw: bytes) -> FormatError:
    with pytest.raises(FormatError) as caught:
        decode(raw, now=NOW)
    return caught.value


@given(st.binary(max_size=300))
def test_random_bytes_are_a_format_error_or_a_message(raw: bytes) -> None:
    with contextlib.suppress(FormatError):
        decode(raw, now=NOW)


@given(st.integers(0, len(RAW) - 1))
def test_every_truncation_of_a_request_is_a_format_error(length: int) -> None:
    refusal(RAW[:length])


@given(st.integers(0, len(RAW) - 1), st.binary(min_size=1, max_size=1))
def test_a_corrupted_byte_never_escapes_as_anything_but_a_format_error(
    position: int, byte: bytes
) -> None:
    corrupted = RAW[:position] + byte + RAW[position + 1 :]
    with contextlib.suppress(FormatError):
        decode(corrupted, now=NOW)


def test_garbage_has_neither_mti_nor_stan() -> None:
    error = refusal(b"GET / HTTP/1.1\r\nHost: issuer\r\n\r\n")
    assert (error.mti, error.stan) == (None, None)


def test_an_empty_frame_is_a_format_error() -> None:
    assert refusal(b"").mti is None


def test_a_request_cut_after_its_stan_still_names_its_mti_and_stan() -> None:
    error = refusal(RAW[: RAW.index(b"607315004711") + 3])
    assert (error.mti, error.stan) == ("0100", 4711)


def test_a_cut_message_does_not_show_the_card_number() -> None:
    assert "4000000000009995" not in str(refusal(RAW[:-2]))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"4": "0000000012AB"}, "letter in the amount"),
        ({"49": "999"}, "no such currency"),
        ({"39": "00"}, "a field an authorisation request does not carry"),
        ({"14": None}, "no expiry"),
        ({"14": "2813"}, "month 13"),
        ({"7": "0230120000"}, "30 February"),
        ({"3": "200000"}, "a refund, which the link does not carry"),
        ({"48": "9203321" + "9203321"}, "the CVC twice"),
        ({"48": "8701M"}, "a CVC result in a request"),
        ({"48": "420205"}, "an ECI without the rest of 3-D Secure"),
        ({"48": "9205321"}, "a sub-element longer than what is left"),
        ({"5": "000000000100"}, "field 5, which Mercato does not use"),
        ({"42": " " * 15}, "a merchant id of spaces only"),
        ({"41": "WEB\x070001"}, "a control character in text"),
        ({"t": "0200"}, "a financial request, which the link does not carry"),
    ],
)
def test_a_request_off_the_spec_is_refused_with_its_mti_and_stan(
    changes: dict[str, str | None], reason: str
) -> None:
    error = refusal(reencoded(changes))
    assert (error.mti, error.stan) == (changes.get("t", "0100"), 4711), reason


def test_an_unknown_response_code_is_a_format_error() -> None:
    approval = AuthorizationResponse(4711, "607315004711", ResponseCode.APPROVED, "ABC123", NOW)
    document = fields_of(encode(approval)) | {"39": "57"}
    raw, _ = iso8583.encode(document, spec.ISO8583_SPEC)
    assert refusal(bytes(raw)).mti == "0110"


def test_a_format_error_is_answered_with_30_and_the_requests_rrn() -> None:
    error = refusal(reencoded({"49": "999"}))
    answer = decode(format_error_answer(error, NOW) or b"", now=NOW)
    assert answer == AuthorizationResponse(
        4711, "607315004711", ResponseCode.FORMAT_ERROR, None, NOW
    )


def test_a_network_management_request_off_the_spec_is_answered_with_its_code() -> None:
    echo = NetworkManagementRequest(9, ManagementCode.ECHO, NOW)
    document = fields_of(encode(echo)) | {"39": "00"}
    raw, _ = iso8583.encode(document, spec.ISO8583_SPEC)
    answer = decode(format_error_answer(refusal(bytes(raw)), NOW) or b"", now=NOW)
    assert answer == NetworkManagementResponse(
        9, ManagementCode.ECHO, ResponseCode.FORMAT_ERROR, NOW
    )


def test_a_request_type_the_link_does_not_carry_is_answered_in_its_own_class() -> None:
    answer = format_error_answer(refusal(reencoded({"t": "0200"})), NOW)
    assert answer is not None
    assert fields_of(answer) == {
        "t": "0210",
        "7": "0314150926",
        "11": "004711",
        "37": "607315004711",
        "39": "30",
    }


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\x01garbage",  # no MTI
        RAW[:30],  # MTI but no STAN
        encode(AuthorizationResponse(1, "607315000001", ResponseCode.APPROVED, "ABC123", NOW))[
            :-1
        ],  # an answer: nobody answers an answer
    ],
)
def test_what_cannot_be_answered_gets_no_answer(raw: bytes) -> None:
    assert format_error_answer(refusal(raw), NOW) is None
