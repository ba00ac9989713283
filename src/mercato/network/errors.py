"""What can go wrong on the card network link, designed once for the package.

    NetworkError                  network_error
    ├── InvalidMessage            invalid_message      a value the wire cannot carry
    ├── FormatError               format_error         bytes that are not a message of our spec
    │   └── UnreadableResponse    unreadable_response  the answer to a request, unreadable
    ├── FramingError              framing_error        a stream that cannot be cut into frames
    │   ├── FrameTooLarge         frame_too_large      a length prefix beyond the bound
    │   └── TruncatedFrame        truncated_frame      the peer closed inside a frame
    ├── NetworkUnavailable        network_unavailable  no connection, or lost while waiting
    └── NetworkTimeout            network_timeout      no answer in time

`InvalidMessage` is also a ValueError: it says a value is not acceptable.

``outcome_unknown`` is the attribute a caller must read: when it is true, the request may
have reached the issuer, which may have approved it and placed a hold that nobody will ever
capture. For an authorisation the acquirer then sends a ``ReversalRequest`` naming it. A
timeout and an unreadable answer are always of that kind; a lost connection is when the
request had already been written to it; a refused connection never is.

Messages of these errors never carry a card number, an expiry date or a CVC.
"""

from __future__ import annotations


class NetworkError(Exception):
    """Base class of every error the network link raises on purpose."""

    code = "network_error"
    outcome_unknown = False


class InvalidMessage(NetworkError, ValueError):
    """A message was built with a value that its field cannot carry (too long, not digits,
    a naive datetime...). Raised when the message is made, so it never reaches the wire."""

    code = "invalid_message"


class FormatError(NetworkError):
    """Bytes that are not a message of our spec (docs/iso8583.md).

    ``mti`` and ``stan`` are set when they could be read, so that a server can still answer
    with response code 30; ``echo`` holds the other fields an answer repeats (37, the RRN,
    and 70, the network management code) when they could be read and are well formed.
    """

    code = "format_error"

    def __init__(
        self,
        message: str,
        *,
        mti: str | None = None,
        stan: int | None = None,
        echo: dict[int, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.mti = mti
        self.stan = stan
        self.echo: dict[int, str] = dict(echo or {})


class UnreadableResponse(FormatError):
    """The client received an answer for a caller's request (its MTI and STAN match) but
    could not read the rest. The issuer may have approved: reverse, as after a timeout."""

    code = "unreadable_response"
    outcome_unknown = True


class FramingError(NetworkError):
    """The byte stream cannot be cut into frames any more; the connection is closed."""

    code = "framing_error"


class FrameTooLarge(FramingError):
    code = "frame_too_large"


class TruncatedFrame(FramingError):
    code = "truncated_frame"


class NetworkUnavailable(NetworkError):
    """The issuer cannot be reached: the connection was refused, could not be made in time,
    or dropped while the caller waited. ``outcome_unknown`` is true when the request had
    been written before the connection dropped."""

    code = "network_unavailable"

    def __init__(self, message: str, *, outcome_unknown: bool = False) -> None:
        super().__init__(message)
        self.outcome_unknown = outcome_unknown


class NetworkTimeout(NetworkError):
    """No answer came in time. The issuer may still act on the request, and its late answer
    is dropped: the caller must send a reversal for an authorisation that timed out."""

    code = "network_timeout"
    outcome_unknown = True
