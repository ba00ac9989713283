"""Messages are values: they refuse what the wire cannot carry, and never show card secrets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mercato.money import Currency
from mercato.network import (
    AuthorizationRequest,
    AuthorizationResponse,
    CompletionAdvice,
    CompletionResponse,
    InvalidMessage,
    ManagementCode,
    NetworkManagementRequest,
    NetworkManagementResponse,
    OriginalData,
    ResponseCode,
    ReversalRequest,
    ReversalResponse,
    ThreeDSResult,
    response_to,
)
from mercato.network.messages import answers, masked_pan

NOW = dt.datetime(2026, 3, 14, 15, 9, 26, tzinfo=dt.UTC)


def authorisation(**changes: object) -> AuthorizationRequest:
    values: dict[str, object] = {
        "stan": 1,
        "rrn": "607315000001",
        "pan": "4242424242424242",
        "expiry": "2812",
        "amount": 1999,
        "currency": Currency.of("EUR"),
        "transmitted_at": NOW,
        "merchant_id": "MERC0042",
        "terminal_id": "WEB00001",
        "merchant_category_code": "5999",
        "merchant_name": "Mercato Demo Shop",
        "acquirer_id": "000001",
        "cvc": "987",
        "three_ds": ThreeDSResult("05", "AAABBEg0VhI0VniQEjRWAAAAAAA=", "tds-1"),
    }
    return AuthorizationRequest(**(values | changes))  # type: ignore[arg-type]


def test_the_repr_shows_only_the_bin_and_last_four_and_no_secrets() -> None:
    shown = repr(authorisation())
    assert "424242******4242" in shown
    assert "4242424242424242" not in shown
    assert "987" not in shown
    assert "AAABBEg0VhI0VniQEjRWAAAAAAA=" not in shown
    assert "cvc='***'" in shown


def test_a_completion_and_a_reversal_mask_the_card_number_too() -> None:
    original = OriginalData.of(authorisation())
    for kind in (CompletionAdvice, ReversalRequest):
        message = kind(2, "607315000002", "4242424242424242", 1999, Currency.of("EUR"), NOW,
                       original, "000001")  # fmt: skip
        assert "4242424242424242" not in repr(message)
        assert "424242******4242" in str(message)


@pytest.mark.parametrize(
    ("pan", "shown"),
    [
        ("4242424242424242", "424242******4242"),
        ("5555555555554444123", "555555*********4123"),
        ("378282246310005", "37828******0005"),
        ("123456789012", "12******9012"),
    ],
)
def test_short_card_numbers_show_fewer_leading_digits(pan: str, shown: str) -> None:
    assert masked_pan(pan) == shown
    assert shown.count("*") >= 6


def test_times_become_utc_in_whole_seconds() -> None:
    paris = dt.datetime(2026, 3, 14, 16, 9, 26, 999_999, tzinfo=ZoneInfo("Europe/Paris"))
    assert authorisation(transmitted_at=paris).transmitted_at == NOW


def test_codes_given_as_text_become_their_enums() -> None:
    response = AuthorizationResponse(1, "607315000001", "51", None, NOW)  # type: ignore[arg-type]
    assert response.response_code is ResponseCode.INSUFFICIENT_FUNDS
    echo = NetworkManagementRequest(1, "301", NOW)  # type: ignore[arg-type]
    assert echo.code is ManagementCode.ECHO


@pytest.mark.parametrize(
    "changes",
    [
        {"stan": 1_000_000},
        {"stan": -1},
        {"rrn": "60731500001"},
        {"rrn": "6073150000-1"},
        {"pan": "42424242424"},
        {"pan": "42424242424242424242"},
        {"pan": "4242 4242 4242 4242"},
        {"expiry": "2813"},
        {"expiry": "12/28"},
        {"amount": 10**12},
        {"amount": -1},
        {"transmitted_at": dt.datetime(2026, 3, 14, 15, 9, 26)},  # noqa: DTZ001 naive on purpose
        {"merchant_id": "MERC0042MERC0042"},
        {"merchant_id": "MERC0042 "},
        {"merchant_id": ""},
        {"merchant_name": "Café Müller"},
        {"merchant_name": "x" * 41},
        {"terminal_id": "WEB000001"},
        {"merchant_category_code": "599"},
        {"acquirer_id": "A1"},
        {"entry_mode": "81"},
        {"cvc": "12"},
        {"cvc": "12345"},
        {"currency": "XXX"},
    ],
)
def test_a_value_the_wire_cannot_carry_is_refused_when_the_message_is_made(
    changes: dict[str, object],
) -> None:
    with pytest.raises(InvalidMessage) as caught:
        authorisation(**changes)
    assert "4242424242424242" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_an_amount_is_an_int_never_a_float() -> None:
    with pytest.raises(TypeError):
        authorisation(amount=19.99)


@pytest.mark.parametrize(
    "build",
    [
        lambda: AuthorizationResponse(1, "607315000001", "57", None, NOW),
        lambda: AuthorizationResponse(1, "607315000001", "00", "ABC12", NOW),
        lambda: AuthorizationResponse(1, "607315000001", "00", "ABC123", NOW, cvc_result="X"),
        lambda: NetworkManagementRequest(1, "999", NOW),
        lambda: ThreeDSResult("5", "", ""),
        lambda: ThreeDSResult("05", "x" * 41, ""),
        lambda: OriginalData("100", 1, NOW, "000001"),
    ],
)
def test_responses_and_parts_refuse_bad_values_too(build: object) -> None:
    with pytest.raises(InvalidMessage):
        build()  # type: ignore[operator]


def test_messages_are_immutable() -> None:
    message = authorisation()
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.amount = 1  # type: ignore[misc]


def test_each_request_has_a_bare_answer_of_its_own_type() -> None:
    auth = authorisation()
    original = OriginalData.of(auth)
    completion = CompletionAdvice(2, "607315000002", auth.pan, 1999, auth.currency, NOW,
                                  original, "000001")  # fmt: skip
    reversal = ReversalRequest(3, "607315000003", auth.pan, 1999, auth.currency, NOW,
                               original, "000001")  # fmt: skip
    echo = NetworkManagementRequest(4, ManagementCode.ECHO, NOW)
    code = ResponseCode.SYSTEM_ERROR
    assert response_to(auth, code, NOW) == AuthorizationResponse(1, "607315000001", code, None, NOW)
    assert response_to(completion, code, NOW) == CompletionResponse(2, "607315000002", code, NOW)
    assert response_to(reversal, code, NOW) == ReversalResponse(3, "607315000003", code, NOW)
    assert response_to(echo, code, NOW) == NetworkManagementResponse(
        4, ManagementCode.ECHO, code, NOW
    )
    for request in (auth, completion, reversal, echo):
        assert answers(response_to(request, code, NOW), request)


def test_an_answer_with_another_rrn_stan_or_type_answers_nothing() -> None:
    auth = authorisation()
    assert not answers(AuthorizationResponse(1, "607315999999", "00", "ABC123", NOW), auth)
    assert not answers(AuthorizationResponse(2, "607315000001", "00", "ABC123", NOW), auth)
    assert not answers(CompletionResponse(1, "607315000001", "00", NOW), auth)
    echo = NetworkManagementRequest(4, ManagementCode.ECHO, NOW)
    assert not answers(NetworkManagementResponse(4, ManagementCode.SIGN_ON, "00", NOW), echo)
