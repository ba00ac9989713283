"""The messages between the acquirer and the issuing bank, as typed, immutable values.

Amounts are integers in minor units of a `mercato.money.Currency`; times are timezone-aware
UTC. A message refuses, when it is made, any value its field could not carry on the wire
(`InvalidMessage`), so encoding never fails half-way. Two values are normalised instead:
times are turned to UTC and cut to whole seconds (field 7 carries no more), and codes given
as plain strings become their enum.

The repr of every message shows at most the first six and last four digits of the card
number, and never the CVC or the 3-D Secure authentication value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from mercato.money import Currency, UnknownCurrency
from mercato.network import spec
from mercato.network.errors import InvalidMessage


class ResponseCode(enum.StrEnum):
    """Field 39: the issuer's verdict."""

    APPROVED = "00"
    DO_NOT_HONOUR = "05"
    INVALID_TRANSACTION = "12"
    INVALID_AMOUNT = "13"
    INVALID_CARD = "14"
    FORMAT_ERROR = "30"
    LOST_CARD = "41"
    STOLEN_CARD = "43"
    INSUFFICIENT_FUNDS = "51"
    EXPIRED_CARD = "54"
    EXCEEDS_LIMIT = "61"
    CVC_FAILED = "82"
    CVC_FAILED_N7 = "N7"
    AUTHENTICATION_REQUIRED = "1A"
    ORIGINAL_NOT_FOUND = "25"
    DUPLICATE = "94"
    ISSUER_UNAVAILABLE = "91"
    SYSTEM_ERROR = "96"

    @property
    def approved(self) -> bool:
        return self is ResponseCode.APPROVED


class ManagementCode(enum.StrEnum):
    """Field 70: what a network management message is for."""

    SIGN_ON = "001"
    SIGN_OFF = "002"
    ECHO = "301"


def masked_pan(pan: str) -> str:
    """The card number as it may be shown: the last four digits, and of the first six only
    as many as leave at least six digits hidden (``424242******4242``)."""
    first = max(0, min(6, len(pan) - 10))
    return pan[:first] + "*" * (len(pan) - first - 4) + pan[-4:]


_HIDDEN = frozenset({"cvc", "authentication_value"})


class _Masked:
    """A repr that masks the card number and hides secrets, for every message."""

    __slots__ = ()

    def __repr__(self) -> str:
        parts = []
        for item in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if item.name == "pan":
                shown = repr(masked_pan(value))
            elif item.name in _HIDDEN and value is not None:
                shown = "'***'"
            else:
                shown = repr(value)
            parts.append(f"{item.name}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"


_E = TypeVar("_E", bound=enum.StrEnum)


def _set(message: object, name: str, value: Any) -> None:
    object.__setattr__(message, name, value)  # normalising a frozen value, in __post_init__


def _utc_seconds(value: object, what: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{what} is a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidMessage(f"{what} must be timezone-aware")
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _currency(value: object) -> Currency:
    try:
        return Currency.of(value)  # type: ignore[arg-type]
    except UnknownCurrency as error:
        raise InvalidMessage(f"currency: {error}") from None


def _enum(kind: type[_E], value: object, what: str) -> _E:
    try:
        return kind(value)  # type: ignore[arg-type]  # a wrong value is what is checked here
    except ValueError:
        raise InvalidMessage(f"{what} {value!r} is not one of {kind.__name__}") from None


def _check_expiry(expiry: object) -> None:
    spec.EXPIRY.check(expiry, "expiry")
    assert isinstance(expiry, str)
    if not 1 <= int(expiry[2:]) <= 12:
        raise InvalidMessage("expiry must be YYMM with a month from 01 to 12")


@dataclass(frozen=True, slots=True, repr=False)
class ThreeDSResult(_Masked):
    """The outcome of 3-D Secure, as the acquirer forwards it (field 48, sub-elements 42, 43
    and 66): ``eci`` two digits ("05" authenticated, "06" attempted, "07" none)."""

    eci: str
    authentication_value: str
    transaction_id: str

    def __post_init__(self) -> None:
        spec.ECI.check(self.eci, "eci")
        spec.AUTHENTICATION_VALUE.check(self.authentication_value, "authentication_value")
        spec.THREE_DS_TRANSACTION_ID.check(self.transaction_id, "transaction_id")


@dataclass(frozen=True, slots=True, repr=False)
class OriginalData(_Masked):
    """Field 90: which earlier message a completion or reversal is about."""

    mti: str
    stan: int
    transmitted_at: dt.datetime
    acquirer_id: str

    def __post_init__(self) -> None:
        mti = self.mti
        if not isinstance(mti, str) or len(mti) != 4 or not (mti.isascii() and mti.isdecimal()):
            raise InvalidMessage("original mti must be four digits")
        spec.STAN.check_number(self.stan, "original stan")
        _set(self, "transmitted_at", _utc_seconds(self.transmitted_at, "original transmitted_at"))
        spec.ACQUIRER_ID.check(self.acquirer_id, "original acquirer_id")

    @classmethod
    def of(cls, request: AuthorizationRequest) -> OriginalData:
        """What a completion or reversal of ``request`` names as its original."""
        return cls(request.MTI, request.stan, request.transmitted_at, request.acquirer_id)


@dataclass(frozen=True, slots=True, repr=False)
class AuthorizationRequest(_Masked):
    """MTI 0100: may the cardholder spend ``amount``? An approval places a hold."""

    MTI: ClassVar[str] = spec.AUTHORIZATION_REQUEST

    stan: int
    rrn: str
    pan: str
    expiry: str  # YYMM
    amount: int
    currency: Currency
    transmitted_at: dt.datetime
    merchant_id: str
    terminal_id: str
    merchant_category_code: str
    merchant_name: str
    acquirer_id: str
    entry_mode: str = "010"  # PAN entered by hand (e-commerce), PIN capability unspecified
    cvc: str | None = None
    three_ds: ThreeDSResult | None = None

    def __post_init__(self) -> None:
        spec.STAN.check_number(self.stan, "stan")
        spec.RRN.check(self.rrn, "rrn")
        spec.PAN.check(self.pan, "pan")
        _check_expiry(self.expiry)
        spec.AMOUNT.check_number(self.amount, "amount")
        _set(self, "currency", _currency(self.currency))
        _set(self, "transmitted_at", _utc_seconds(self.transmitted_at, "transmitted_at"))
        spec.MERCHANT_ID.check(self.merchant_id, "merchant_id")
        spec.TERMINAL_ID.check(self.terminal_id, "terminal_id")
        spec.MCC.check(self.merchant_category_code, "merchant_category_code")
        spec.MERCHANT_NAME.check(self.merchant_name, "merchant_name")
        spec.ACQUIRER_ID.check(self.acquirer_id, "acquirer_id")
        spec.POS_ENTRY_MODE.check(self.entry_mode, "entry_mode")
        if self.cvc is not None:
            spec.CVC.check(self.cvc, "cvc")
        if self.three_ds is not None and not isinstance(self.three_ds, ThreeDSResult):
            raise TypeError(f"three_ds is a ThreeDSResult, not {type(self.three_ds).__name__}")


@dataclass(frozen=True, slots=True, repr=False)
class AuthorizationResponse(_Masked):
    """MTI 0110. ``cvc_result``: "M" match, "N" no match, "P" not processed."""

    MTI: ClassVar[str] = spec.AUTHORIZATION_RESPONSE

    stan: int
    rrn: str
    response_code: ResponseCode
    approval_code: str | None
    transmitted_at: dt.datetime
    cvc_result: str | None = None

    def __post_init__(self) -> None:
        spec.STAN.check_number(self.stan, "stan")
        spec.RRN.check(self.rrn, "rrn")
        _set(self, "response_code", _enum(ResponseCode, self.response_code, "response_code"))
        if self.approval_code is not None:
            spec.APPROVAL_CODE.check(self.approval_code, "approval_code")
        _set(self, "transmitted_at", _utc_seconds(self.transmitted_at, "transmitted_at"))
        if self.cvc_result is not None and self.cvc_result not in spec.CVC_RESULTS:
            raise InvalidMessage(f"cvc_result {self.cvc_result!r} is not one of M, N, P")


@dataclass(frozen=True, slots=True, repr=False)
class _FollowUp(_Masked):
    """What a completion advice and a reversal request share: an amount and an original."""

    stan: int
    rrn: str
    pan: str
    amount: int
    currency: Currency
    transmitted_at: dt.datetime
    original: OriginalData
    acquirer_id: str

    def __post_init__(self) -> None:
        spec.STAN.check_number(self.stan, "stan")
        spec.RRN.check(self.rrn, "rrn")
        spec.PAN.check(self.pan, "pan")
        spec.AMOUNT.check_number(self.amount, "amount")
        _set(self, "currency", _currency(self.currency))
        _set(self, "transmitted_at", _utc_seconds(self.transmitted_at, "transmitted_at"))
        if not isinstance(self.original, OriginalData):
            raise TypeError(f"original is an OriginalData, not {type(self.original).__name__}")
        spec.ACQUIRER_ID.check(self.acquirer_id, "acquirer_id")


@dataclass(frozen=True, slots=True, repr=False)
class CompletionAdvice(_FollowUp):
    """MTI 0220: capture ``amount`` (all or part) of the approved authorisation ``original``."""

    MTI: ClassVar[str] = spec.COMPLETION_ADVICE


@dataclass(frozen=True, slots=True, repr=False)
class ReversalRequest(_FollowUp):
    """MTI 0400: undo the authorisation ``original`` (it timed out, or was cancelled);
    ``amount`` is the amount that was authorised."""

    MTI: ClassVar[str] = spec.REVERSAL_REQUEST


@dataclass(frozen=True, slots=True, repr=False)
class _Answer(_Masked):
    stan: int
    rrn: str
    response_code: ResponseCode
    transmitted_at: dt.datetime

    def __post_init__(self) -> None:
        spec.STAN.check_number(self.stan, "stan")
        spec.RRN.check(self.rrn, "rrn")
        _set(self, "response_code", _enum(ResponseCode, self.response_code, "response_code"))
        _set(self, "transmitted_at", _utc_seconds(self.transmitted_at, "transmitted_at"))


@dataclass(frozen=True, slots=True, repr=False)
class CompletionResponse(_Answer):
    """MTI 0230."""

    MTI: ClassVar[str] = spec.COMPLETION_RESPONSE


@dataclass(frozen=True, slots=True, repr=False)
class ReversalResponse(_Answer):
    """MTI 0410."""

    MTI: ClassVar[str] = spec.REVERSAL_RESPONSE


@dataclass(frozen=True, slots=True, repr=False)
class NetworkManagementRequest(_Masked):
    """MTI 0800: sign on, sign off, or an echo test that the link is alive."""

    MTI: ClassVar[str] = spec.NETWORK_MANAGEMENT_REQUEST

    stan: int
    code: ManagementCode
    transmitted_at: dt.datetime

    def __post_init__(self) -> None:
        spec.STAN.check_number(self.stan, "stan")
        _set(self, "code", _enum(ManagementCode, self.code, "code"))
        _set(self, "transmitted_at", _utc_seconds(self.transmitted_at, "transmitted_at"))


@dataclass(frozen=True, slots=True, repr=False)
class NetworkManagementResponse(_Masked):
    """MTI 0810."""

    MTI: ClassVar[str] = spec.NETWORK_MANAGEMENT_RESPONSE

    stan: int
    code: ManagementCode
    response_code: ResponseCode
    transmitted_at: dt.datetime

    def __post_init__(self) -> None:
        spec.STAN.check_number(self.stan, "stan")
        _set(self, "code", _enum(ManagementCode, self.code, "code"))
        _set(self, "response_code", _enum(ResponseCode, self.response_code, "response_code"))
        _set(self, "transmitted_at", _utc_seconds(self.transmitted_at, "transmitted_at"))


Request = AuthorizationRequest | CompletionAdvice | ReversalRequest | NetworkManagementRequest
Response = AuthorizationResponse | CompletionResponse | ReversalResponse | NetworkManagementResponse

RESPONSE_TYPES: dict[type[Request], type[Response]] = {
    AuthorizationRequest: AuthorizationResponse,
    CompletionAdvice: CompletionResponse,
    ReversalRequest: ReversalResponse,
    NetworkManagementRequest: NetworkManagementResponse,
}


def response_to(
    request: Request, response_code: ResponseCode, transmitted_at: dt.datetime
) -> Response:
    """The answer to ``request`` that carries only a response code: a decline, an error, or
    the approval of a network management request. An approved authorisation needs an
    approval code, so build that `AuthorizationResponse` directly."""
    match request:
        case AuthorizationRequest():
            return AuthorizationResponse(
                request.stan, request.rrn, response_code, None, transmitted_at
            )
        case CompletionAdvice():
            return CompletionResponse(request.stan, request.rrn, response_code, transmitted_at)
        case ReversalRequest():
            return ReversalResponse(request.stan, request.rrn, response_code, transmitted_at)
        case NetworkManagementRequest():
            return NetworkManagementResponse(
                request.stan, request.code, response_code, transmitted_at
            )


def answers(response: Response, request: Request) -> bool:
    """Whether ``response`` is the answer to ``request``: its type, STAN and echoed fields."""
    if type(response) is not RESPONSE_TYPES[type(request)] or response.stan != request.stan:
        return False
    if isinstance(response, NetworkManagementResponse):
        return isinstance(request, NetworkManagementRequest) and response.code == request.code
    return not isinstance(request, NetworkManagementRequest) and response.rrn == request.rrn
