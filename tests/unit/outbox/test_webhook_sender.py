"""How one POST to a merchant's server goes, without a network (httpx2's MockTransport)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx2
import pytest

from mercato.gateway.webhooks import MAX_RESPONSE_BYTES, Sender

SECRET = "whsec_test"
BODY = b'{"id": "evt_1"}'


def sending(answer: Callable[[httpx2.Request], httpx2.Response]) -> Sender:
    return Sender(transport=httpx2.MockTransport(answer), wall=lambda: 1_790_000_000.5)


@pytest.fixture
def seen() -> list[httpx2.Request]:
    return []


def test_a_2xx_answer_is_success_and_the_request_carries_the_signature(
    seen: list[httpx2.Request],
) -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(204)

    attempt = sending(answer).send("https://shop.example/hooks", BODY, SECRET)
    assert attempt.succeeded
    assert (attempt.status_code, attempt.error) == (204, None)
    [request] = seen
    assert request.method == "POST"
    assert request.content == BODY
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("Mercato/")
    assert request.headers["stripe-signature"].startswith("t=1790000000,v1=")


@pytest.mark.parametrize("status", [400, 404, 500, 503])
def test_another_status_is_a_failure(status: int) -> None:
    attempt = sending(lambda _request: httpx2.Response(status)).send(
        "https://s.example", BODY, SECRET
    )
    assert not attempt.succeeded
    assert attempt.describe() == f"HTTP {status}"


def test_a_redirect_is_not_followed(seen: list[httpx2.Request]) -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(307, headers={"Location": "http://169.254.169.254/latest"})

    attempt = sending(answer).send("https://shop.example/hooks", BODY, SECRET)
    assert not attempt.succeeded
    assert attempt.status_code == 307
    assert attempt.describe() == "HTTP 307: redirects are not followed"
    assert len(seen) == 1


def test_a_timeout_is_a_failure_with_its_reason() -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("too slow", request=request)

    attempt = sending(answer).send("https://shop.example/hooks", BODY, SECRET)
    assert (attempt.status_code, attempt.error) == (None, "timed out after 10 s")


def test_only_the_start_of_a_long_answer_is_read() -> None:
    chunks_read = 0

    def endless() -> Iterator[bytes]:
        nonlocal chunks_read
        while True:
            chunks_read += 1
            yield b"x" * 1024

    attempt = sending(lambda _request: httpx2.Response(200, content=endless())).send(
        "https://shop.example/hooks", BODY, SECRET
    )
    assert attempt.succeeded
    assert chunks_read <= MAX_RESPONSE_BYTES // 1024 + 1
