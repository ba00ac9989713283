"""Every message survives encoding and decoding unchanged, whatever values it carries."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mercato.money import Currency, all_currencies
from mercato.network import (
    AuthorizationRequest,
    AuthorizationResponse,
    CompletionAdvice,
    CompletionResponse,
    ManagementCode,
    NetworkManagementRequest,
    NetworkManagementResponse,
    OriginalData,
    Request,
    Response,
    ResponseCode,
    ReversalRequest,
    ReversalResponse,
    ThreeDSResult,
    decode,
    encode,
)

NOW = dt.datetime(2026, 3, 14, 12, 0, tzinfo=dt.UTC)

ASCII_TEXT = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
DIGITS = st.characters(min_codepoint=ord("0"), max_codepoint=ord("9"))
ALNUM = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def digits(low: int, high: int | None = None) -> st.SearchStrategy[str]:
    return st.text(DIGITS, min_size=low, max_size=high if high is not None else low)


def padded_text(length: int) -> st.SearchStrategy[str]:
    """What a space-padded field carries: 1 to ``length`` characters, no trailing space."""
    return st.text(ASCII_TEXT, min_size=1, max_size=length).filter(lambda s: s[-1] != " ")


# Within five months of the receiver's clock, either side, so the year it infers is right.
times = st.integers(-150 * 86400, 150 * 86400).map(lambda s: NOW + dt.timedelta(seconds=s))
stans = st.integers(0, 999_999)
rrns = st.text(ALNUM, min_size=12, max_size=12)
pans = digits(12, 19)
amounts = st.integers(0, 10**12 - 1)
currencies = st.sampled_from(all_currencies())
acquirers = digits(1, 11)
codes = st.sampled_from(ResponseCode)
expiries = st.builds(
    lambda year, month: f"{year:02d}{month:02d}", st.integers(0, 99), st.integers(1, 12)
)
three_ds = st.builds(
    ThreeDSResult,
    eci=digits(2),
    authentication_value=st.text(ASCII_TEXT, max_size=40),
    transaction_id=st.text(ASCII_TEXT, max_size=64),
)

authorization_requests = st.builds(
    AuthorizationRequest,
    stan=stans,
    rrn=rrns,
    pan=pans,
    expiry=expiries,
    amount=amounts,
    currency=currencies,
    transmitted_at=times,
    merchant_id=padded_text(15),
    terminal_id=padded_text(8),
    merchant_category_code=digits(4),
    merchant_name=padded_text(40),
    acquirer_id=acquirers,
    entry_mode=digits(3),
    cvc=st.none() | digits(3, 4),
    three_ds=st.none() | three_ds,
)
authorization_responses = st.builds(
    AuthorizationResponse,
    stan=stans,
    rrn=rrns,
    response_code=codes,
    approval_code=st.none() | st.text(ALNUM, min_size=6, max_size=6),
    transmitted_at=times,
    cvc_result=st.none() | st.sampled_from("MNP"),
)


@st.composite
def follow_ups(draw: st.DrawFn, kind: type[CompletionAdvice | ReversalRequest]) -> Request:
    """A completion or reversal; its original's acquirer is its own (as it is in practice),
    or one spelled without leading zeros (field 90 pads it, field 32 does not)."""
    acquirer = draw(acquirers)
    original_acquirer = draw(
        st.just(acquirer)
        | st.integers(0, 10**11 - 1).map(str).filter(lambda other: int(other) != int(acquirer))
    )
    original = OriginalData(
        mti=draw(st.sampled_from(["0100", "0200"])),
        stan=draw(stans),
        transmitted_at=draw(times),
        acquirer_id=original_acquirer,
    )
    return kind(
        stan=draw(stans),
        rrn=draw(rrns),
        pan=draw(pans),
        amount=draw(amounts),
        currency=draw(currencies),
        transmitted_at=draw(times),
        original=original,
        acquirer_id=acquirer,
    )


def answer_strategy(
    kind: type[CompletionResponse | ReversalResponse],
) -> st.SearchStrategy[Response]:
    return st.builds(kind, stan=stans, rrn=rrns, response_code=codes, transmitted_at=times)


management_requests = st.builds(
    NetworkManagementRequest, stan=stans, code=st.sampled_from(ManagementCode), transmitted_at=times
)
management_responses = st.builds(
    NetworkManagementResponse,
    stan=stans,
    code=st.sampled_from(ManagementCode),
    response_code=codes,
    transmitted_at=times,
)

every_message = st.one_of(
    authorization_requests,
    authorization_responses,
    follow_ups(CompletionAdvice),
    answer_strategy(CompletionResponse),
    follow_ups(ReversalRequest),
    answer_strategy(ReversalResponse),
    management_requests,
    management_responses,
)


@given(authorization_requests)
def test_authorisation_requests_round_trip(message: AuthorizationRequest) -> None:
    assert decode(encode(message), now=NOW) == message


@given(authorization_responses)
def test_authorisation_responses_round_trip(message: AuthorizationResponse) -> None:
    assert decode(encode(message), now=NOW) == message


@given(follow_ups(CompletionAdvice), answer_strategy(CompletionResponse))
def test_completion_advices_and_their_responses_round_trip(
    advice: Request, response: Response
) -> None:
    assert decode(encode(advice), now=NOW) == advice
    assert decode(encode(response), now=NOW) == response


@given(follow_ups(ReversalRequest), answer_strategy(ReversalResponse))
def test_reversals_and_their_responses_round_trip(reversal: Request, response: Response) -> None:
    assert decode(encode(reversal), now=NOW) == reversal
    assert decode(encode(response), now=NOW) == response


@given(management_requests, management_responses)
def test_network_management_messages_round_trip(question: Request, answer: Response) -> None:
    assert decode(encode(question), now=NOW) == question
    assert decode(encode(answer), now=NOW) == answer


@given(every_message)
def test_every_message_is_printable_ascii_and_within_the_frame_bound(
    message: Request | Response,
) -> None:
    raw = encode(message)
    assert raw.isascii()
    assert all(0x20 <= byte <= 0x7E for byte in raw)
    assert len(raw) <= 4096


def test_a_message_sent_on_new_years_eve_and_read_on_new_years_day_keeps_its_year() -> None:
    sent = dt.datetime(2025, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    echo = NetworkManagementRequest(1, ManagementCode.ECHO, sent)
    read_at = dt.datetime(2026, 1, 1, 0, 0, 2, tzinfo=dt.UTC)
    assert decode(encode(echo), now=read_at) == echo


def test_a_reversal_names_its_original_as_the_authorisation_spelled_it() -> None:
    authorisation = AuthorizationRequest(
        stan=17,
        rrn="607315000017",
        pan="4000002500003155",
        expiry="3001",
        amount=5000,
        currency=Currency.of("USD"),
        transmitted_at=NOW,
        merchant_id="MERC0042",
        terminal_id="WEB00001",
        merchant_category_code="5999",
        merchant_name="Mercato Demo Shop",
        acquirer_id="000001",
    )
    reversal = ReversalRequest(
        stan=18,
        rrn="607315000018",
        pan=authorisation.pan,
        amount=authorisation.amount,
        currency=authorisation.currency,
        transmitted_at=NOW + dt.timedelta(seconds=5),
        original=OriginalData.of(authorisation),
        acquirer_id="000001",
    )
    decoded = decode(encode(reversal), now=NOW)
    assert isinstance(decoded, ReversalRequest)
    assert decoded.original == OriginalData("0100", 17, NOW, "000001")
