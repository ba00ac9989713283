"""The acquirer's end of the link: one TCP connection to the issuer, shared by every thread.

`NetworkClient.send` is synchronous and thread-safe. Underneath, one event loop in a thread
of its own owns the connection: it writes each request as it comes and reads answers as they
arrive, in whatever order the issuer finishes them, and hands each to the caller whose
request it answers: same response type, same STAN, same RRN (or management code). The RRN
check matters after a timeout: the late answer to a request given up on must never reach
a later request that happens to carry the same STAN. Such answers are dropped and counted
(`late_answers`).

The connection is made on the first send and made again on the next send after it drops.
What a caller gets besides its answer (errors.py):

- `NetworkUnavailable` when no connection can be made (nothing was sent), or when it drops
  while the caller waits (``outcome_unknown``: the issuer may have the request);
- `NetworkTimeout` when no answer comes in time;
- `UnreadableResponse` when the answer came but could not be read.

After a timeout or any error with ``outcome_unknown`` on an authorisation, the caller sends a
`ReversalRequest` for it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import overload

from mercato import logs
from mercato.clock import Clock, SystemClock
from mercato.network import codec, framing, spec
from mercato.network.errors import (
    FormatError,
    FramingError,
    NetworkTimeout,
    NetworkUnavailable,
    UnreadableResponse,
)
from mercato.network.messages import (
    RESPONSE_TYPES,
    AuthorizationRequest,
    AuthorizationResponse,
    CompletionAdvice,
    CompletionResponse,
    ManagementCode,
    NetworkManagementRequest,
    NetworkManagementResponse,
    Request,
    Response,
    ReversalRequest,
    ReversalResponse,
    answers,
)

log = logs.get_logger(__name__)

MAX_STAN = 999_999

StanBlocks = Callable[[], range]
"""Where a client takes its STANs from, a block at a time: each call hands out a range no
other client holds. Without one, a client counts through 1..999999 on its own, which is
right only while it is the acquirer's one connection."""


def every_stan() -> range:
    return range(1, MAX_STAN + 1)


_Key = tuple[str, int]  # (the answer's MTI, STAN)


@dataclass(eq=False)
class _Waiting:
    request: Request
    answer: asyncio.Future[Response]


@dataclass(eq=False)
class _Link:
    """One TCP connection and the requests that wait for an answer on it."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    waiting: dict[_Key, _Waiting] = field(default_factory=dict)
    lost: bool = False


class NetworkClient:
    """A connection to the issuer at ``host``:``port`` for synchronous callers.

    ``timeout`` (seconds) bounds each `send`: connecting, writing and waiting for the answer.
    ``acquirer_id`` is this acquirer's institution id, for the requests its callers build
    (field 32). ``stans`` hands out its STANs (field 11) a block at a time, when several
    processes send for the same acquirer. Close it with `close`, or use it as a context
    manager.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        timeout: float = 5.0,
        acquirer_id: str = "000001",
        clock: Clock | None = None,
        stans: StanBlocks = every_stan,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.acquirer_id = spec.ACQUIRER_ID.check(acquirer_id, "acquirer_id")
        self._clock: Clock = clock or SystemClock()
        self._stan_lock = threading.Lock()  # guards the two below, which callers' threads read
        self._stan_blocks = stans
        self._stans: Iterator[int] = iter(())
        self._stans_in_flight: Counter[int] = Counter()
        self._late_answers = 0
        self._state_lock = threading.Lock()
        self._closed = False
        # Touched only on the loop's own thread:
        self._link: _Link | None = None
        self._connecting = asyncio.Lock()
        self._reading: set[asyncio.Task[None]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, name="mercato-network-client", daemon=True
        )
        self._thread.start()

    # --- the callers' side (any thread) ------------------------------------------------

    @overload
    def send(
        self, request: AuthorizationRequest, *, timeout: float | None = None
    ) -> AuthorizationResponse: ...
    @overload
    def send(
        self, request: CompletionAdvice, *, timeout: float | None = None
    ) -> CompletionResponse: ...
    @overload
    def send(
        self, request: ReversalRequest, *, timeout: float | None = None
    ) -> ReversalResponse: ...
    @overload
    def send(
        self, request: NetworkManagementRequest, *, timeout: float | None = None
    ) -> NetworkManagementResponse: ...
    def send(self, request: Request, *, timeout: float | None = None) -> Response:
        """Send ``request`` and wait for its answer, at most ``timeout`` seconds (the
        client's own by default). Raises `NetworkTimeout`, `NetworkUnavailable` or
        `UnreadableResponse`, and ValueError when a request of the same type and STAN is
        already waiting for its answer."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("send() blocks: it cannot run on the client's own event loop")
        limit = self.timeout if timeout is None else timeout
        payload = framing.frame(codec.encode(request))
        with self._state_lock:
            if self._closed:
                raise NetworkUnavailable("the network client is closed")
            exchange = asyncio.run_coroutine_threadsafe(
                self._exchange(request, payload, limit), self._loop
            )
        try:
            return exchange.result()
        except concurrent.futures.CancelledError:
            raise NetworkUnavailable("the network client was closed before sending") from None

    def network_management(
        self, code: ManagementCode = ManagementCode.ECHO, *, timeout: float | None = None
    ) -> NetworkManagementResponse:
        """Send a network management request (an echo test by default) and return its answer."""
        request = NetworkManagementRequest(self.next_stan(), code, self._clock.now())
        return self.send(request, timeout=timeout)

    def next_stan(self) -> int:
        """The next system trace audit number (1 to 999999) from this client's block, skipping
        any that a request still waiting for its answer carries."""
        with self._stan_lock:
            for _ in range(MAX_STAN):
                stan = next(self._stans, None)
                if stan is None:
                    self._stans = iter(self._stan_blocks())
                    continue
                if stan not in self._stans_in_flight:
                    return stan
        raise RuntimeError("every STAN is in flight")

    @property
    def late_answers(self) -> int:
        """Frames from the issuer that answered nobody waiting, and were dropped: answers
        that came after their caller gave up, strays, and unreadable ones."""
        return self._late_answers

    def close(self) -> None:
        """Close the connection and stop the client's thread. Callers still waiting get
        `NetworkUnavailable`."""
        with self._state_lock:
            if self._closed:
                return
            self._closed = True
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()

    def __enter__(self) -> NetworkClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- the loop's side -----------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
            self._loop.close()

    async def _exchange(self, request: Request, payload: bytes, limit: float) -> Response:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        link = await self._connected(deadline)
        key = (RESPONSE_TYPES[type(request)].MTI, request.stan)
        if key in link.waiting:
            raise ValueError(f"STAN {request.stan:06d} already waits for an answer ({key[0]})")
        waiting = _Waiting(request, loop.create_future())
        link.waiting[key] = waiting
        with self._stan_lock:
            self._stans_in_flight[request.stan] += 1
        try:
            link.writer.write(payload)
            async with asyncio.timeout_at(deadline):
                await link.writer.drain()
                return await waiting.answer
        except TimeoutError:
            log.warning("network.timeout", mti=request.MTI, stan=request.stan)
            raise NetworkTimeout(
                f"no answer to {request.MTI} STAN {request.stan:06d} within {limit:g}s"
            ) from None
        except ConnectionError as error:  # from drain: the connection dropped under the write
            raise NetworkUnavailable(
                f"the connection to {self.host}:{self.port} failed while sending: "
                f"{type(error).__name__}",
                outcome_unknown=True,
            ) from None
        finally:
            if link.waiting.get(key) is waiting:
                del link.waiting[key]
            if waiting.answer.done() and not waiting.answer.cancelled():
                waiting.answer.exception()  # seen: a lost link may have failed it unawaited
            with self._stan_lock:
                self._stans_in_flight[request.stan] -= 1
                if not self._stans_in_flight[request.stan]:
                    del self._stans_in_flight[request.stan]

    async def _connected(self, deadline: float) -> _Link:
        """The live connection, made now if there is none."""
        try:
            async with asyncio.timeout_at(deadline), self._connecting:
                link = self._link
                if link is None or link.lost:
                    reader, writer = await asyncio.open_connection(self.host, self.port)
                    link = self._link = _Link(reader, writer)
                    task = asyncio.create_task(self._read(link))
                    self._reading.add(task)
                    task.add_done_callback(self._reading.discard)
                    log.info("network.connected", host=self.host, port=self.port)
                return link
        except TimeoutError:
            raise NetworkUnavailable(
                f"could not connect to {self.host}:{self.port} in time"
            ) from None
        except OSError as error:
            raise NetworkUnavailable(
                f"cannot connect to {self.host}:{self.port}: {error.strerror or error}"
            ) from None

    async def _read(self, link: _Link) -> None:
        reason = "the issuer closed the connection"
        try:
            while (frame := await framing.read_frame(link.reader)) is not None:
                self._deliver(link, frame)
        except (FramingError, ConnectionError) as error:
            reason = f"the connection failed ({type(error).__name__})"
        except asyncio.CancelledError:
            reason = "the network client was closed"
            raise
        finally:
            self._drop(link, reason)
            with contextlib.suppress(ConnectionError):
                await link.writer.wait_closed()

    def _deliver(self, link: _Link, frame: bytes) -> None:
        try:
            response = codec.decode(frame, now=self._clock.now())
        except FormatError as error:
            waiting = (
                link.waiting.get((error.mti, error.stan))
                if error.mti is not None and error.stan is not None
                else None
            )
            rrn = error.echo.get(spec.RRN.number)
            if (
                waiting is None
                or waiting.answer.done()
                or (rrn is not None and rrn != getattr(waiting.request, "rrn", rrn))
            ):
                self._dropped("network.unreadable_frame_dropped", error.mti, error.stan)
                return
            waiting.answer.set_exception(
                UnreadableResponse(str(error), mti=error.mti, stan=error.stan)
            )
            return
        waiting = link.waiting.get((response.MTI, response.stan))
        if (
            waiting is None
            or waiting.answer.done()
            or not isinstance(response, Response)
            or not answers(response, waiting.request)
        ):
            self._dropped("network.answer_dropped", response.MTI, response.stan)
            return
        waiting.answer.set_result(response)

    def _dropped(self, event: str, mti: str | None, stan: int | None) -> None:
        self._late_answers += 1  # only ever written on the loop's thread
        log.warning(event, mti=mti, stan=stan)

    def _drop(self, link: _Link, reason: str) -> None:
        """The connection is gone: whoever waits on it learns so now, not at their timeout."""
        link.lost = True
        if self._link is link:
            self._link = None
        for waiting in link.waiting.values():
            if not waiting.answer.done():
                waiting.answer.set_exception(
                    NetworkUnavailable(
                        f"{reason} while waiting for the answer", outcome_unknown=True
                    )
                )
        link.writer.close()
        log.info("network.disconnected", host=self.host, port=self.port, reason=reason)

    async def _shutdown(self) -> None:
        for task in self._reading:
            task.cancel()
        await asyncio.gather(*self._reading, return_exceptions=True)
        current = asyncio.current_task()
        rest = [task for task in asyncio.all_tasks() if task is not current]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)
