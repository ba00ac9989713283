"""What the network link tests share: requests, a test issuer's answers, raw socket reads."""

from __future__ import annotations

import datetime as dt
import itertools
import socket
from collections.abc import Callable

from mercato.money import Currency
from mercato.network import (
    AuthorizationRequest,
    AuthorizationResponse,
    NetworkClient,
    Request,
    Response,
    ResponseCode,
    RunningServer,
    response_to,
)

ServeIssuer = Callable[..., RunningServer]
ConnectAcquirer = Callable[..., NetworkClient]

_rrns = itertools.count(1)


def authorisation(stan: int, amount: int = 1999) -> AuthorizationRequest:
    """An e-commerce authorisation with a fresh RRN."""
    return AuthorizationRequest(
        stan=stan,
        rrn=f"6073{next(_rrns):08d}",
        pan="4242424242424242",
        expiry="2812",
        amount=amount,
        currency=Currency.of("EUR"),
        transmitted_at=dt.datetime.now(dt.UTC),
        merchant_id="MERC0042",
        terminal_id="WEB00001",
        merchant_category_code="5999",
        merchant_name="Mercato Demo Shop",
        acquirer_id="000001",
        cvc="123",
    )


def approval_code_for(amount: int) -> str:
    """The approval code the test issuer gives: it tells which request was answered."""
    return f"{amount:06d}"


def approve(request: Request) -> Response:
    now = dt.datetime.now(dt.UTC)
    if isinstance(request, AuthorizationRequest):
        return AuthorizationResponse(
            request.stan,
            request.rrn,
            ResponseCode.APPROVED,
            approval_code_for(request.amount),
            now,
            cvc_result="M",
        )
    return response_to(request, ResponseCode.APPROVED, now)


async def approving(request: Request) -> Response:
    return approve(request)


def read_frame(sock: socket.socket) -> bytes | None:
    """One frame from a blocking socket, or None at the end of the stream."""
    prefix = read_exactly(sock, 2)
    if prefix is None:
        return None
    message = read_exactly(sock, int.from_bytes(prefix, "big"))
    assert message is not None, "the stream ended inside a frame"
    return message


def read_exactly(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data
