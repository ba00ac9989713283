"""Messages to ISO 8583:1987 bytes and back, by Mercato's spec (spec.py, docs/iso8583.md).

`encode` cannot fail on a message that was made: the message checked its values then.
`decode` trusts nothing: anything that is not exactly a message of the spec (a field it does
not carry, a letter in a numeric field, an unknown currency or response code, a sub-element
twice) raises `FormatError`, carrying the MTI and STAN when they could be read so that the
server can still answer with response code 30.

Field 7 carries no year. The decoder takes the year that puts the time nearest to ``now``
(the receiver's clock), as every network does: a message sent on 31 December and read on
1 January belongs to the old year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import iso8583

from mercato.money import Currency
from mercato.network import spec
from mercato.network.errors import FormatError, InvalidMessage
from mercato.network.messages import (
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
)

_NO_FORWARDING_INSTITUTION = "0" * 11  # the last subfield of field 90


def encode(message: Request | Response) -> bytes:
    """The message as ISO 8583 bytes, without the framing's length prefix."""
    document = {"t": message.MTI} | {str(number): text for number, text in _fields(message)}
    raw, _ = iso8583.encode(document, spec.ISO8583_SPEC)
    return bytes(raw)


def decode(frame: bytes, *, now: dt.datetime | None = None) -> Request | Response:
    """The message in ``frame`` (without its length prefix), or `FormatError`.

    ``now`` is the receiver's time, which decides the year of field 7 and field 90.
    """
    if not isinstance(frame, bytes | bytearray):
        raise TypeError(f"a frame is bytes, not {type(frame).__name__}")
    try:
        document, _ = iso8583.decode(bytes(frame), spec.ISO8583_SPEC)
    except iso8583.DecodeError as error:
        # Its message names the field and position, never the data.
        raise _format_error(
            f"not an ISO 8583 message of our spec: {error}", error.doc_dec
        ) from None
    reference = now if now is not None else dt.datetime.now(dt.UTC)
    try:
        return _Reader(document, reference).message()
    except InvalidMessage as error:
        raise _format_error(str(error), document) from None


def format_error_answer(error: FormatError, transmitted_at: dt.datetime) -> bytes | None:
    """The answer, with response code 30, to a request that could not be read; ``None`` when
    there is nobody to answer: its MTI or STAN could not be read, or it was not a request or
    an advice (whose MTI's third digit is 0 or 2; the answer's is one more)."""
    mti, stan = error.mti, error.stan
    if mti is None or stan is None or mti[2] not in "02":
        return None
    answer_mti = f"{mti[:2]}{int(mti[2]) + 1}0"
    layout = spec.LAYOUTS.get(answer_mti)
    carried = layout.required | layout.optional if layout else {spec.RRN.number}
    document = {
        "t": answer_mti,
        "7": _date_time(transmitted_at.astimezone(dt.UTC)),
        "11": f"{stan:06d}",
        "39": ResponseCode.FORMAT_ERROR.value,
    }
    for number, text in error.echo.items():
        if number in carried:
            document[str(number)] = text
    raw, _ = iso8583.encode(document, spec.ISO8583_SPEC)
    return bytes(raw)


# --- encoding ---------------------------------------------------------------------------


def _date_time(moment: dt.datetime) -> str:
    return moment.strftime("%m%d%H%M%S")


def _fields(message: Request | Response) -> list[tuple[int, str]]:
    fields: list[tuple[int, str]] = [
        (7, _date_time(message.transmitted_at)),
        (11, f"{message.stan:06d}"),
    ]
    match message:
        case AuthorizationRequest():
            fields += _card_fields(message.pan, message.amount, message.currency)
            fields += [
                (12, message.transmitted_at.strftime("%H%M%S")),
                (13, message.transmitted_at.strftime("%m%d")),
                (14, message.expiry),
                (18, message.merchant_category_code),
                (22, message.entry_mode),
                (32, message.acquirer_id),
                (37, message.rrn),
                (41, message.terminal_id.ljust(spec.TERMINAL_ID.length)),
                (42, message.merchant_id.ljust(spec.MERCHANT_ID.length)),
                (43, message.merchant_name.ljust(spec.MERCHANT_NAME.length)),
            ]
            subelements = {spec.CVC.number: message.cvc}
            if message.three_ds is not None:
                subelements[spec.ECI.number] = message.three_ds.eci
                subelements[spec.AUTHENTICATION_VALUE.number] = (
                    message.three_ds.authentication_value
                )
                subelements[spec.THREE_DS_TRANSACTION_ID.number] = message.three_ds.transaction_id
            fields += _additional_data(subelements)
        case AuthorizationResponse():
            fields += [(37, message.rrn), (39, message.response_code.value)]
            if message.approval_code is not None:
                fields.append((38, message.approval_code))
            fields += _additional_data({spec.CVC_RESULT.number: message.cvc_result})
        case CompletionAdvice() | ReversalRequest():
            fields += _card_fields(message.pan, message.amount, message.currency)
            fields += [
                (32, message.acquirer_id),
                (37, message.rrn),
                (90, _original_data(message.original)),
            ]
        case CompletionResponse() | ReversalResponse():
            fields += [(37, message.rrn), (39, message.response_code.value)]
        case NetworkManagementRequest():
            fields.append((70, message.code.value))
        case NetworkManagementResponse():
            fields += [(39, message.response_code.value), (70, message.code.value)]
    return sorted(fields)


def _card_fields(pan: str, amount: int, currency: Currency) -> list[tuple[int, str]]:
    return [(2, pan), (3, spec.PURCHASE), (4, f"{amount:012d}"), (49, f"{currency.number:03d}")]


def _additional_data(subelements: Mapping[int, str | None]) -> list[tuple[int, str]]:
    """Field 48 as tag, length and value of each sub-element, in tag order; absent when
    there is none."""
    text = "".join(
        f"{tag:02d}{len(value):02d}{value}"
        for tag, value in sorted(subelements.items())
        if value is not None
    )
    return [(48, text)] if text else []


def _original_data(original: OriginalData) -> str:
    return (
        f"{original.mti}{original.stan:06d}{_date_time(original.transmitted_at)}"
        f"{original.acquirer_id.zfill(11)}{_NO_FORWARDING_INSTITUTION}"
    )


# --- decoding ---------------------------------------------------------------------------


def _format_error(message: str, document: Mapping[str, str]) -> FormatError:
    """A `FormatError` with whatever an answer needs that could be read from ``document``."""
    mti = document.get("t")
    stan = document.get("11")
    echo = {
        field.number: document[str(field.number)]
        for field in (spec.RRN, spec.MANAGEMENT_CODE)
        if field.accepts(document.get(str(field.number), ""))
    }
    return FormatError(
        message,
        mti=mti if mti is not None and len(mti) == 4 and mti.isdecimal() else None,
        stan=int(stan) if stan is not None and spec.STAN.accepts(stan) else None,
        echo=echo,
    )


class _Reader:
    """Reads one decoded document into its message, refusing anything off the spec."""

    def __init__(self, document: Mapping[str, str], now: dt.datetime) -> None:
        self.document = document
        self.now = now.astimezone(dt.UTC)
        self.mti = document["t"]

    def message(self) -> Request | Response:
        layout = spec.LAYOUTS.get(self.mti)
        if layout is None:
            raise InvalidMessage(f"message type {self.mti!r} is not carried by this link")
        present = {int(key) for key in self.document if key.isdecimal() and key != "1"}
        if missing := sorted(layout.required - present):
            raise InvalidMessage(f"{layout.name} lacks field(s) {missing}")
        if unexpected := sorted(present - layout.required - layout.optional):
            raise InvalidMessage(f"{layout.name} does not carry field(s) {unexpected}")
        for number in sorted(present):
            field = spec.FIELDS[number]
            if not field.accepts(self.text(number)):
                raise InvalidMessage(f"field {number} ({field.name}) is not {field.format}")
        return self._build(layout)

    def text(self, number: int) -> str:
        """A field's value; a padded one without its padding."""
        value = self.document[str(number)]
        return value.rstrip(" ") if spec.FIELDS[number].padded else value

    def optional(self, number: int) -> str | None:
        return self.text(number) if str(number) in self.document else None

    def _build(self, layout: spec.Layout) -> Request | Response:  # noqa: PLR0911 one per type
        stan, at = int(self.text(11)), self.date_time(self.text(7))
        match self.mti:
            case spec.AUTHORIZATION_REQUEST:
                self.require_purchase()
                sub = self.subelements(layout)
                return AuthorizationRequest(
                    stan=stan,
                    rrn=self.text(37),
                    pan=self.text(2),
                    expiry=self.text(14),
                    amount=int(self.text(4)),
                    currency=self.currency(),
                    transmitted_at=at,
                    merchant_id=self.text(42),
                    terminal_id=self.text(41),
                    merchant_category_code=self.text(18),
                    merchant_name=self.text(43),
                    acquirer_id=self.text(32),
                    entry_mode=self.text(22),
                    cvc=sub.get(spec.CVC.number),
                    three_ds=self.three_ds(sub),
                )
            case spec.AUTHORIZATION_RESPONSE:
                sub = self.subelements(layout)
                return AuthorizationResponse(
                    stan=stan,
                    rrn=self.text(37),
                    response_code=self.response_code(),
                    approval_code=self.optional(38),
                    transmitted_at=at,
                    cvc_result=sub.get(spec.CVC_RESULT.number),
                )
            case spec.COMPLETION_ADVICE | spec.REVERSAL_REQUEST:
                self.require_purchase()
                kind = CompletionAdvice if self.mti == spec.COMPLETION_ADVICE else ReversalRequest
                return kind(
                    stan=stan,
                    rrn=self.text(37),
                    pan=self.text(2),
                    amount=int(self.text(4)),
                    currency=self.currency(),
                    transmitted_at=at,
                    original=self.original_data(),
                    acquirer_id=self.text(32),
                )
            case spec.COMPLETION_RESPONSE:
                return CompletionResponse(stan, self.text(37), self.response_code(), at)
            case spec.REVERSAL_RESPONSE:
                return ReversalResponse(stan, self.text(37), self.response_code(), at)
            case spec.NETWORK_MANAGEMENT_REQUEST:
                return NetworkManagementRequest(stan, self.management_code(), at)
            case _:  # spec.NETWORK_MANAGEMENT_RESPONSE, the last of LAYOUTS
                return NetworkManagementResponse(
                    stan, self.management_code(), self.response_code(), at
                )

    def require_purchase(self) -> None:
        if self.text(3) != spec.PURCHASE:
            raise InvalidMessage("processing code: only 000000 (purchase) is carried")

    def response_code(self) -> ResponseCode:
        text = self.text(39)
        if text not in ResponseCode._value2member_map_:
            raise InvalidMessage(f"response code {text!r} is not one this link knows")
        return ResponseCode(text)

    def management_code(self) -> ManagementCode:
        text = self.text(70)
        if text not in ManagementCode._value2member_map_:
            raise InvalidMessage(f"network management code {text!r} is not one this link knows")
        return ManagementCode(text)

    def currency(self) -> Currency:
        number = int(self.text(49))
        try:
            return Currency.of_number(number)
        except ValueError:
            raise InvalidMessage(f"currency {number:03d} is not an ISO 4217 currency") from None

    def date_time(self, text: str, what: str = "transmission date and time") -> dt.datetime:
        """MMDDhhmmss in the year that puts it nearest to now."""
        month, day, hour, minute, second = (int(text[i : i + 2]) for i in range(0, 10, 2))
        candidates = []
        for year in (self.now.year - 1, self.now.year, self.now.year + 1):
            try:
                candidates.append(
                    dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
                )
            except ValueError:  # 30 February, 25 o'clock, or 29 February of a common year
                continue
        if not candidates:
            raise InvalidMessage(f"{what} is not a valid MMDDhhmmss")
        return min(candidates, key=lambda moment: abs(moment - self.now))

    def original_data(self) -> OriginalData:
        """Field 90: MTI, STAN, date and time, acquirer (n11, zero-padded) of the original."""
        text = self.text(90)
        acquirer = text[20:31].lstrip("0") or "0"
        own = self.text(32)
        # Zero padding hides how the acquirer spells its id. It is almost always the sender
        # itself (an acquirer completes and reverses its own authorisations): spell it as
        # field 32 does, so the original compares equal to `OriginalData.of(request)`.
        if int(own) == int(acquirer):
            acquirer = own
        return OriginalData(
            mti=text[0:4],
            stan=int(text[4:10]),
            transmitted_at=self.date_time(text[10:20], "original transmission date and time"),
            acquirer_id=acquirer,
        )

    def subelements(self, layout: spec.Layout) -> dict[int, str]:
        """Field 48's sub-elements: tag n2, length n2, value; each one at most once."""
        text = self.optional(48)
        if text is None:
            return {}
        found: dict[int, str] = {}
        position = 0
        while position < len(text):
            head = text[position : position + 4]
            if len(head) < 4 or not head.isdecimal():
                raise InvalidMessage("field 48: a sub-element's tag and length are 4 digits")
            tag, length = int(head[:2]), int(head[2:])
            value = text[position + 4 : position + 4 + length]
            if len(value) < length:
                raise InvalidMessage(f"field 48: sub-element {tag:02d} is cut short")
            if tag not in layout.subelements or tag in found:
                raise InvalidMessage(f"field 48: sub-element {tag:02d} is unexpected or repeated")
            if not spec.SUBELEMENTS[tag].accepts(value):
                raise InvalidMessage(f"field 48: sub-element {tag:02d} is not well formed")
            found[tag] = value
            position += 4 + length
        if not found:
            raise InvalidMessage("field 48 is present but empty")
        return found

    @staticmethod
    def three_ds(subelements: Mapping[int, str]) -> ThreeDSResult | None:
        tags = (
            spec.ECI.number,
            spec.AUTHENTICATION_VALUE.number,
            spec.THREE_DS_TRANSACTION_ID.number,
        )
        present = [tag in subelements for tag in tags]
        if not any(present):
            return None
        if not all(present):
            raise InvalidMessage("field 48: 3-D Secure needs sub-elements 42, 43 and 66 together")
        return ThreeDSResult(*(subelements[tag] for tag in tags))
