"""Many callers share one connection, and each one gets its own answer, in whatever order the
issuer finishes them."""

from __future__ import annotations

import asyncio
import random
import threading
from concurrent.futures import ThreadPoolExecutor

from issuer_on_loopback import (
    ConnectAcquirer,
    ServeIssuer,
    approval_code_for,
    approve,
    authorisation,
)

from mercato.network import (
    AuthorizationRequest,
    AuthorizationResponse,
    ManagementCode,
    Request,
    Response,
    ResponseCode,
)

THREADS = 8
PER_THREAD = 25


def test_two_hundred_requests_from_eight_threads_each_get_their_own_answer(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    delays = random.Random(8583)
    finished: list[int] = []

    async def unhurried(request: Request) -> Response:
        await asyncio.sleep(delays.uniform(0, 0.01))  # so that answers overtake each other
        finished.append(request.stan)
        return approve(request)

    issuer = serve(unhurried)
    client = connect(issuer.address, timeout=30)
    start = threading.Barrier(THREADS)

    def caller(number: int) -> list[tuple[AuthorizationRequest, AuthorizationResponse]]:
        start.wait()
        exchanges = []
        for turn in range(PER_THREAD):
            request = authorisation(client.next_stan(), amount=number * 1000 + turn + 1)
            exchanges.append((request, client.send(request)))
        return exchanges

    with ThreadPoolExecutor(THREADS) as pool:
        results = [exchange for batch in pool.map(caller, range(THREADS)) for exchange in batch]

    assert len(results) == THREADS * PER_THREAD
    for request, response in results:
        assert (response.stan, response.rrn) == (request.stan, request.rrn)
        assert response.response_code is ResponseCode.APPROVED
        assert response.approval_code == approval_code_for(request.amount)
    assert len({request.stan for request, _ in results}) == THREADS * PER_THREAD
    assert sorted(finished) == sorted(request.stan for request, _ in results)
    assert client.late_answers == 0


def test_a_quick_answer_overtakes_a_slow_one_on_the_same_connection(
    serve: ServeIssuer, connect: ConnectAcquirer
) -> None:
    slow_arrived = threading.Event()
    release_slow = threading.Event()

    async def handler(request: Request) -> Response:
        if isinstance(request, AuthorizationRequest) and request.amount == 1:
            slow_arrived.set()
            await asyncio.to_thread(release_slow.wait)
        return approve(request)

    issuer = serve(handler)
    client = connect(issuer.address, timeout=30)
    slow = authorisation(client.next_stan(), amount=1)
    with ThreadPoolExecutor(1) as pool:
        slow_answer = pool.submit(client.send, slow)
        slow_arrived.wait()
        quick = authorisation(client.next_stan(), amount=2)
        quick_answer = client.send(quick)  # answered while the slow one is still in the issuer
        assert not slow_answer.done()
        release_slow.set()
        assert slow_answer.result().approval_code == approval_code_for(1)
    assert quick_answer.approval_code == approval_code_for(2)
    assert (quick_answer.stan, slow_answer.result().stan) == (quick.stan, slow.stan)


def test_an_echo_test_is_answered(serve: ServeIssuer, connect: ConnectAcquirer) -> None:
    client = connect(serve().address)
    answer = client.network_management(ManagementCode.ECHO)
    assert (answer.code, answer.response_code) == (ManagementCode.ECHO, ResponseCode.APPROVED)
