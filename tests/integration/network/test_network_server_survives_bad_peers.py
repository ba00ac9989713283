"""Whatever one peer sends, the issuer's server keeps serving the others: what it can read
enough of it answers with a format error, and what it cannot it hangs up on."""

from __future__ import annotations

import datetime as dt
import socket

import iso8583
import pytest
from issuer_on_loopback import ConnectAcquirer, ServeIssuer, authorisation, read_frame

from mercato.network import AuthorizationResponse, ResponseCode, decode, encode, spec
from mercato.network.framing import frame


def raw_connection(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=30)  # a bound, should the test fail


@pytest.mark.parametrize(
    "stream",
    [
        frame(b"hello"),  # no MTI
        frame(b""),  # an empty frame
        frame(b"0100" + b"7" * 16),  # an MTI, but no STAN before it breaks
        b"GET / HTTP/1.1\r\nHost: issuer\r\n\r\n",  # "GE" is a length of 18245: too large
        b"\x00\x40" + b"0100" + b"half a frame",  # then the end of the stream
        b"\x00",  # half a length
    ],
    ids=["garbage", "empty", "no-stan", "http", "half-frame", "half-prefix"],
)
def test_a_connection_sending_what_cannot_be_answered_is_closed_and_others_are_served(
    stream: bytes, serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    issuer = serve()
    client = connect(issuer.address, timeout=30)
    assert client.send(authorisation(client.next_stan())).response_code is ResponseCode.APPROVED

    with raw_connection(issuer.address) as peer:
        peer.sendall(stream)
        peer.shutdown(socket.SHUT_WR)
        assert read_frame(peer) is None  # closed, with no answer

    assert client.send(authorisation(client.next_stan())).response_code is ResponseCode.APPROVED
    assert client.late_answers == 0


def test_a_request_with_a_bad_field_is_answered_with_a_format_error(serve: ServeIssuer) -> None:
    request = authorisation(4711)
    document = iso8583.decode(encode(request), spec.ISO8583_SPEC)[0]
    document = {key: value for key, value in document.items() if key not in ("p", "h")}
    document["49"] = "999"  # no such currency
    bad, _ = iso8583.encode(document, spec.ISO8583_SPEC)

    with raw_connection(serve().address) as peer:
        peer.sendall(frame(bytes(bad)))
        answer = read_frame(peer)
        assert answer is not None
        decoded = decode(answer)
        assert isinstance(decoded, AuthorizationResponse)
        assert (decoded.stan, decoded.rrn, decoded.response_code) == (
            4711,
            request.rrn,
            ResponseCode.FORMAT_ERROR,
        )
        # The connection stays open: the next request on it is answered as usual.
        peer.sendall(frame(encode(authorisation(4712))))
        following = read_frame(peer)
        assert following is not None
        assert decode(following).response_code is ResponseCode.APPROVED  # type: ignore[union-attr]


def test_requests_in_flight_are_answered_after_the_acquirer_stops_sending(
    serve: ServeIssuer,
) -> None:
    requests = [authorisation(stan) for stan in (1, 2, 3)]
    with raw_connection(serve().address) as peer:
        peer.sendall(b"".join(frame(encode(request)) for request in requests))
        peer.shutdown(socket.SHUT_WR)
        answers = []
        while (answer := read_frame(peer)) is not None:
            answers.append(decode(answer, now=dt.datetime.now(dt.UTC)))
    assert sorted(answer.stan for answer in answers) == [1, 2, 3]


def test_an_answer_sent_to_the_issuer_closes_that_connection(serve: ServeIssuer) -> None:
    stray = AuthorizationResponse(1, "607300000001", "00", "ABC123", dt.datetime.now(dt.UTC))
    with raw_connection(serve().address) as peer:
        peer.sendall(frame(encode(stray)))
        assert read_frame(peer) is None
