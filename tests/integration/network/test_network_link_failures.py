"""When the issuer is slow, gone, broken or restarted, the acquirer's callers learn it at once
and never receive an answer meant for someone else."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import iso8583
import pytest
from issuer_on_loopback import (
    ConnectAcquirer,
    ServeIssuer,
    approval_code_for,
    approve,
    authorisation,
    read_frame,
)

from mercato.network import (
    AuthorizationRequest,
    NetworkTimeout,
    NetworkUnavailable,
    Request,
    Response,
    ResponseCode,
    UnreadableResponse,
    encode,
    spec,
)
from mercato.network.framing import frame

SLOW = 1


def test_an_answer_that_comes_after_the_timeout_is_dropped_not_given_to_the_next_caller(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    release = threading.Event()
    late_answer_written = asyncio.Event()

    async def handler(request: Request) -> Response:
        if isinstance(request, AuthorizationRequest) and request.amount == SLOW:
            await asyncio.to_thread(release.wait)
            late_answer_written.set()  # the server writes it before any other task runs
        else:
            await late_answer_written.wait()
        return approve(request)

    client = connect(serve(handler).address, timeout=30)
    given_up = authorisation(client.next_stan(), amount=SLOW)
    with pytest.raises(NetworkTimeout) as caught:
        client.send(given_up, timeout=0.2)
    assert caught.value.outcome_unknown  # the acquirer must reverse it

    release.set()
    # The same STAN again: only the RRN tells the late answer from the right one.
    next_caller = authorisation(given_up.stan, amount=2)
    answer = client.send(next_caller)

    assert (answer.rrn, answer.approval_code) == (next_caller.rrn, approval_code_for(2))
    assert client.late_answers == 1


def test_a_stopped_issuer_is_unavailable_at_once_not_after_the_timeout(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    issuer = serve()
    client = connect(issuer.address, timeout=60)
    assert client.send(authorisation(client.next_stan())).response_code is ResponseCode.APPROVED
    issuer.stop()
    with pytest.raises(NetworkUnavailable):
        client.send(authorisation(client.next_stan()))


def test_nothing_listening_is_unavailable_and_nothing_was_sent(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    issuer = serve()
    address = issuer.address
    issuer.stop()
    client = connect(address, timeout=60)
    with pytest.raises(NetworkUnavailable) as caught:
        client.send(authorisation(client.next_stan()))
    assert not caught.value.outcome_unknown


def test_callers_waiting_when_the_issuer_goes_away_learn_it_at_once(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    arrived = threading.Event()

    async def never_answers(request: Request) -> Response:
        arrived.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    issuer = serve(never_answers)
    client = connect(issuer.address, timeout=60)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(client.send, authorisation(client.next_stan()))
        arrived.wait()
        issuer.stop()
        with pytest.raises(NetworkUnavailable) as caught:
            waiting.result()
    assert caught.value.outcome_unknown  # it had reached the issuer: reverse it


def test_callers_waiting_when_the_client_is_closed_are_told_it_is_unavailable(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    arrived = threading.Event()

    async def never_answers(request: Request) -> Response:
        arrived.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    client = connect(serve(never_answers).address, timeout=60)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(client.send, authorisation(client.next_stan()))
        arrived.wait()
        client.close()
        with pytest.raises(NetworkUnavailable) as caught:
            waiting.result()
    assert caught.value.outcome_unknown
    with pytest.raises(NetworkUnavailable):
        client.send(authorisation(client.next_stan()))


def test_a_stan_in_flight_is_neither_handed_out_nor_accepted_twice(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    arrived = threading.Event()
    release = threading.Event()

    async def handler(request: Request) -> Response:
        if isinstance(request, AuthorizationRequest) and request.amount == SLOW:
            arrived.set()
            await asyncio.to_thread(release.wait)
        return approve(request)

    client = connect(serve(handler).address, timeout=60)
    in_flight = authorisation(client.next_stan(), amount=SLOW)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(client.send, in_flight)
        arrived.wait()
        with pytest.raises(ValueError, match="already waits"):
            client.send(authorisation(in_flight.stan, amount=2))
        handed_out = {client.next_stan() for _ in range(999_999)}
        release.set()
        assert waiting.result().stan == in_flight.stan
    assert in_flight.stan not in handed_out
    assert len(handed_out) == 999_998


def test_the_client_reconnects_when_the_issuer_comes_back(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    issuer = serve()
    address = issuer.address
    client = connect(address, timeout=60)
    assert client.send(authorisation(client.next_stan())).response_code is ResponseCode.APPROVED
    issuer.stop()
    with pytest.raises(NetworkUnavailable):
        client.send(authorisation(client.next_stan()))

    serve(port=address[1])
    answer = client.send(authorisation(client.next_stan(), amount=7))
    assert answer.approval_code == approval_code_for(7)


def test_a_failing_handler_is_answered_for_with_a_system_error(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    async def broken(request: Request) -> Response:
        if isinstance(request, AuthorizationRequest) and request.amount == 1:
            raise RuntimeError("the issuer's database is gone")
        return dataclasses.replace(approve(request), stan=(request.stan + 1) % 1_000_000)

    client = connect(serve(broken).address, timeout=30)
    for amount in (1, 2):  # raises; answers with another STAN
        answer = client.send(authorisation(client.next_stan(), amount=amount))
        assert answer.response_code is ResponseCode.SYSTEM_ERROR
        assert answer.approval_code is None


class RawIssuer:
    """An issuer that answers the first request with stray frames (garbage, an answer with no
    STAN, an answer to another STAN) and then with ``answers``, in which ``<STAN>`` is
    replaced by the request's STAN."""

    def __init__(self, *answers: bytes) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(30)  # a bound in case the test fails before connecting
        self.answers = answers
        self.thread = threading.Thread(target=self.serve_one)
        self.thread.start()

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.listener.getsockname()[:2]
        return host, port

    def serve_one(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            request = read_frame(connection)
            assert request is not None
            stan = iso8583.decode(request, spec.ISO8583_SPEC)[0]["11"]
            other_stan = f"{(int(stan) + 1) % 1_000_000:06d}"
            connection.sendall(frame(b"not even ISO 8583"))
            connection.sendall(frame(b"0110" + b"0200000000000000" + b"0314150926"))
            connection.sendall(frame(self.answers[-1].replace(b"<STAN>", other_stan.encode())))
            for answer in self.answers:
                connection.sendall(frame(answer.replace(b"<STAN>", stan.encode())))
            assert read_frame(connection) is None  # until the acquirer closes


@pytest.fixture
def raw_issuer() -> Iterator[Callable[..., RawIssuer]]:
    issuers: list[RawIssuer] = []

    def start(*answers: bytes) -> RawIssuer:
        issuers.append(RawIssuer(*answers))
        return issuers[-1]

    yield start
    for issuer in issuers:
        issuer.thread.join()
        issuer.listener.close()


def template(response: Response, **fields: str) -> bytes:
    """``response`` encoded with ``<STAN>`` in field 11 and other fields replaced as given,
    whether or not the spec allows them."""
    document = iso8583.decode(encode(response), spec.ISO8583_SPEC)[0]
    document = {key: value for key, value in document.items() if key not in ("p", "h")}
    document |= {"11": "<STAN>"} | fields
    raw, _ = iso8583.encode(document, spec.ISO8583_SPEC)
    return bytes(raw)


def test_an_answer_that_cannot_be_read_fails_its_caller_at_once(
    raw_issuer: Callable[..., RawIssuer], connect: ConnectAcquirer
) -> None:
    request = authorisation(1)
    issuer = raw_issuer(template(approve(request), **{"39": "57"}))  # 57: unknown here
    client = connect(issuer.address, timeout=60)
    with pytest.raises(UnreadableResponse) as caught:
        client.send(request)
    assert caught.value.outcome_unknown  # the issuer may have approved: reverse it
    assert (caught.value.mti, caught.value.stan) == ("0110", 1)
    assert client.late_answers == 3  # the garbage, the answer with no STAN, the other STAN


def test_stray_frames_are_dropped_and_the_right_answer_delivered(
    raw_issuer: Callable[..., RawIssuer], connect: ConnectAcquirer
) -> None:
    request = authorisation(5, amount=5)
    issuer = raw_issuer(template(approve(request)))
    client = connect(issuer.address, timeout=60)
    answer = client.send(request)
    assert (answer.stan, answer.rrn, answer.approval_code) == (5, request.rrn, "000005")
    assert client.late_answers == 3


def test_an_unreadable_answer_that_names_another_rrn_reaches_nobody(
    raw_issuer: Callable[..., RawIssuer], connect: ConnectAcquirer
) -> None:
    request = authorisation(9, amount=9)
    stale = template(approve(authorisation(9)), **{"39": "57"})  # same STAN, another RRN
    issuer = raw_issuer(stale, template(approve(request)))
    client = connect(issuer.address, timeout=60)
    assert client.send(request).approval_code == approval_code_for(9)
    assert client.late_answers == 4
