"""What every v1 endpoint does around its use case: find the caller from the API key, read
the parameters, keep the ``Idempotency-Key`` promise, and answer in Stripe's shape.

Use cases are plain functions of a database connection, the caller and the parameters;
they raise ``gateway.errors.ApiError`` subclasses, which become Stripe's error objects.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Connection, Engine
from starlette.concurrency import run_in_threadpool

from mercato.clock import Clock
from mercato.database.engine import reading, writing
from mercato.gateway import idempotency
from mercato.gateway.errors import AuthenticationError, PermissionError_
from mercato.gateway.merchants import Caller, KeyKind, authenticate, get_merchant
from mercato.gateway.params import decode_body, decode_query
from mercato.settings import Party

Outcome = dict[str, Any] | tuple[int, dict[str, Any]]
"""An object (200), or a status and body: a card decline is an error the caller sees *and*
a change that is kept (the payment's new status), so it is returned, not raised."""
Handler = Callable[[Connection, Caller, dict[str, Any]], Outcome]


def platform_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engines[Party.PLATFORM]
    return engine


def clock_of(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def api_key(request: Request) -> str | None:
    """The key from ``Authorization: Bearer KEY`` or Basic auth with the key as user name."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(value.strip(), validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationError("Invalid Basic authorization header.") from None
        return user or None
    if header:
        raise AuthenticationError("Authorization must be 'Bearer KEY' or Basic with the key.")
    return None


def caller_of(request: Request, connection: Connection, *, secret: bool = True) -> Caller:
    caller = authenticate(connection, api_key(request))
    if secret and caller.kind is KeyKind.PUBLISHABLE:
        raise PermissionError_(
            "This API call cannot be made with a publishable API key. Please use a secret API key.",
            code="secret_key_required",
        )
    if caller.kind is KeyKind.ADMIN and request.headers.get("stripe-account") is None:
        raise PermissionError_(
            "The operator's key acts for a merchant only with a Stripe-Account header."
        )
    if caller.kind is KeyKind.ADMIN:
        account = request.headers["stripe-account"]
        if get_merchant(connection, account) is None:
            raise PermissionError_(
                f"The provided key does not have access to account '{account}' "
                "(or that account does not exist).",
                code="account_invalid",
            )
        return Caller(KeyKind.ADMIN, account)
    return caller


def respond(status: int, body: dict[str, Any], *, replayed: bool = False) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(body, status_code=status, headers=headers)


def read(request: Request, handler: Handler) -> JSONResponse:
    """A GET: the caller and the query parameters, in one consistent snapshot."""
    engine = platform_engine(request)
    params = decode_query(request.url.query)
    with reading(engine) as connection:
        caller = caller_of(request, connection)
        return respond(*_status_and_body(handler(connection, caller, params)))


async def write(request: Request, handler: Handler, *, publishable: bool = False) -> JSONResponse:
    """A POST or DELETE: the handler runs in one transaction, and with an idempotency key its
    response is stored in that same transaction (see ``gateway.idempotency``)."""
    body = await request.body()
    params = decode_body(body, request.headers.get("content-type", ""))
    return await run_in_threadpool(_write, request, handler, params, publishable)


def _begin_write(
    request: Request, params: dict[str, Any], publishable: bool
) -> tuple[Caller, idempotency.Claim | None] | idempotency.Replay:
    """Who is calling, and their Idempotency-Key claimed for this request, or the response
    stored for it."""
    engine = platform_engine(request)
    with reading(engine) as connection:
        caller = caller_of(request, connection, secret=not publishable)
    key = request.headers.get("idempotency-key")
    if key is None:
        return caller, None
    outcome = idempotency.claim(
        engine,
        clock_of(request),
        secret=request.app.state.idempotency_secret,
        owner=caller.owner,
        key=key,
        method=request.method,
        path=request.url.path,
        params=params,
    )
    if isinstance(outcome, idempotency.Replay):
        return outcome
    return caller, outcome


def _write(
    request: Request, handler: Handler, params: dict[str, Any], publishable: bool
) -> JSONResponse:
    engine = platform_engine(request)
    begun = _begin_write(request, params, publishable)
    if isinstance(begun, idempotency.Replay):
        return respond(begun.status, begun.body, replayed=True)
    caller, claimed = begun
    try:
        with writing(engine) as connection:
            status, body = _status_and_body(handler(connection, caller, params))
            if claimed is not None:
                idempotency.finish(connection, claimed, status, body)
    except Exception:
        # Raised means nothing was kept (bad parameters, no such object, a failure on our
        # side): the key is free again, and a retry with it runs afresh.
        if claimed is not None:
            idempotency.release(engine, claimed)
        raise
    return respond(status, body)


def _status_and_body(outcome: Outcome) -> tuple[int, dict[str, Any]]:
    return (200, outcome) if isinstance(outcome, dict) else outcome


class Steps:
    """Transactions for a handler that talks to another party between them (an issuer), so
    that none stays open while it waits: each ``transaction()`` is a writing transaction of
    its own, and the handler calls ``finish`` inside its last one, which stores the response
    for ``Idempotency-Key`` replays together with the work that made it."""

    def __init__(self, engine: Engine, claimed: idempotency.Claim | None) -> None:
        self.engine = engine
        self._claimed = claimed
        self.finished = False
        self.committed = False

    @property
    def idempotency_key(self) -> str | None:
        return None if self._claimed is None else self._claimed.key

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        finished_before = self.finished
        try:
            with writing(self.engine) as connection:
                yield connection
        except BaseException:
            self.finished = finished_before  # a response stored in a rolled-back transaction
            raise
        self.committed = True

    def finish(self, connection: Connection, outcome: Outcome) -> None:
        if self._claimed is not None:
            idempotency.finish(connection, self._claimed, *_status_and_body(outcome))
        self.finished = True


StepsHandler = Callable[[Steps, Caller, dict[str, Any]], Outcome]


async def write_in_steps(
    request: Request, handler: StepsHandler, *, publishable: bool = False
) -> JSONResponse:
    """A POST whose handler runs its own transactions (``Steps``): the idempotency key is
    claimed as for ``write``, and kept with the response the handler finishes with. If the
    handler raises before it committed anything, the key is freed, as ``write`` frees it.
    If it raises later (an intent claimed for processing, the issuer asked), the key stays
    in flight, as after a crash: a retry is told 409 until ``idempotency.LOCK_TIMEOUT``, by
    when the first request's effects are the resource's own state, which its recovery job
    resolves."""
    body = await request.body()
    params = decode_body(body, request.headers.get("content-type", ""))
    return await run_in_threadpool(_write_in_steps, request, handler, params, publishable)


def _write_in_steps(
    request: Request, handler: StepsHandler, params: dict[str, Any], publishable: bool
) -> JSONResponse:
    engine = platform_engine(request)
    begun = _begin_write(request, params, publishable)
    if isinstance(begun, idempotency.Replay):
        return respond(begun.status, begun.body, replayed=True)
    caller, claimed = begun
    steps = Steps(engine, claimed)
    try:
        status, body = _status_and_body(handler(steps, caller, params))
    except Exception:
        if claimed is not None and not steps.committed:
            idempotency.release(engine, claimed)
        raise
    if claimed is not None and not steps.finished:
        with writing(engine) as connection:
            idempotency.finish(connection, claimed, status, body)
    return respond(status, body)
