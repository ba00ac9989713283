"""The card network link: ISO 8583 messages between the acquirer and the issuing bank.

messages.py   the messages as typed, immutable values
spec.py       every field: number, format, length (docs/iso8583.md is the same for people)
codec.py      messages to bytes and back
framing.py    messages on a TCP stream, each after a 2-byte length
server.py     the issuer's end: answers requests with a handler
client.py     the acquirer's end: one connection, shared by every thread
errors.py     what can go wrong, drawn once
"""

from mercato.network.client import NetworkClient
from mercato.network.codec import decode, encode
from mercato.network.errors import (
    FormatError,
    FrameTooLarge,
    FramingError,
    InvalidMessage,
    NetworkError,
    NetworkTimeout,
    NetworkUnavailable,
    TruncatedFrame,
    UnreadableResponse,
)
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
    response_to,
)
from mercato.network.server import Handler, NetworkServer, RunningServer

__all__ = [
    "AuthorizationRequest",
    "AuthorizationResponse",
    "CompletionAdvice",
    "CompletionResponse",
    "FormatError",
    "FrameTooLarge",
    "FramingError",
    "Handler",
    "InvalidMessage",
    "ManagementCode",
    "NetworkClient",
    "NetworkError",
    "NetworkManagementRequest",
    "NetworkManagementResponse",
    "NetworkServer",
    "NetworkTimeout",
    "NetworkUnavailable",
    "OriginalData",
    "Request",
    "Response",
    "ResponseCode",
    "ReversalRequest",
    "ReversalResponse",
    "RunningServer",
    "ThreeDSResult",
    "TruncatedFrame",
    "UnreadableResponse",
    "decode",
    "encode",
    "response_to",
]
