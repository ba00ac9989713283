"""The issuer's end of the link: a TCP server that answers each request with a handler.

On one connection many requests may be in flight. Each is handled as its own task and
answered as soon as its handler returns, so answers go back in completion order, not in
arrival order; the acquirer matches them by STAN. A handler that fails, or answers with a
message that is not the answer to its request, is answered for with 96 (system error).

A frame that cannot be decoded is answered with 30 (format error) when its MTI and STAN could
be read. Otherwise nothing after it can be trusted, and that connection alone is closed, as it
is after a frame cut short or too large; every other connection keeps being served. When the
acquirer closes its side between two frames, the requests still in flight are answered first.

Logs name the message type, STAN and peer, never a card number; a handler's failure is logged
by its type only, since its message or traceback may quote one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType

from mercato import logs
from mercato.clock import Clock, SystemClock
from mercato.network import codec, framing
from mercato.network.errors import FormatError, FramingError
from mercato.network.messages import Request, Response, ResponseCode, answers, response_to

Handler = Callable[[Request], Awaitable[Response]]

# Requests one connection may have in flight; beyond it the server stops reading from that
# connection until one is answered, so a peer that never reads cannot make it start tasks
# without end.
MAX_IN_FLIGHT = 1000

log = logs.get_logger(__name__)


class NetworkServer:
    """Serves ``handler`` on ``host``:``port`` (port 0: any free port, see `address`)."""

    def __init__(
        self,
        handler: Handler,
        host: str = "127.0.0.1",
        port: int = 8583,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._handler = handler
        self._host = host
        self._port = port
        self._clock: Clock = clock or SystemClock()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._answering: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the server is already started")
        self._server = await asyncio.start_server(self._serve, self._host, self._port)
        host, port = self.address
        log.info("network.server_started", host=host, port=port)

    @property
    def address(self) -> tuple[str, int]:
        """The host and port it listens on."""
        if self._server is None or not self._server.sockets:
            raise RuntimeError("the server is not started")
        host, port = self._server.sockets[0].getsockname()[:2]
        return host, port

    async def stop(self) -> None:
        """Stop listening and close every connection. Handlers still running are cancelled:
        their requests go unanswered, and the acquirer reverses them after its timeout."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = [*self._connections, *self._answering]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()
        log.info("network.server_stopped")

    def run_in_thread(self) -> RunningServer:
        """Start the server on an event loop of its own, in a thread of its own."""
        return RunningServer(self)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        peer = str(writer.get_extra_info("peername"))
        in_flight: set[asyncio.Task[None]] = set()
        try:
            while (frame := await framing.read_frame(reader)) is not None:
                if not self._dispatch(frame, writer, peer, in_flight):
                    return
                if len(in_flight) >= MAX_IN_FLIGHT:
                    await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            # The acquirer closed its side between two frames; it may still be reading.
            if in_flight:
                await asyncio.wait(in_flight)
        except FramingError as error:
            log.warning("network.connection_closed", peer=peer, reason=str(error))
        except ConnectionError as error:
            log.info("network.connection_lost", peer=peer, reason=type(error).__name__)
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def _dispatch(
        self,
        frame: bytes,
        writer: asyncio.StreamWriter,
        peer: str,
        in_flight: set[asyncio.Task[None]],
    ) -> bool:
        """Start answering one frame; False when the connection must be closed."""
        now = self._clock.now()
        try:
            message = codec.decode(frame, now=now)
        except FormatError as error:
            answer = codec.format_error_answer(error, now)
            if answer is None:
                log.warning("network.unreadable_frame", peer=peer, mti=error.mti, reason=str(error))
                return False
            log.info("network.format_error", peer=peer, mti=error.mti, stan=error.stan)
            writer.write(framing.frame(answer))
            return True
        if not isinstance(message, Request):
            log.warning("network.unexpected_response", peer=peer, mti=message.MTI)
            return False
        task = asyncio.create_task(self._answer(message, writer, peer))
        for tasks in (self._answering, in_flight):
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        return True

    async def _answer(self, request: Request, writer: asyncio.StreamWriter, peer: str) -> None:
        try:
            response = await self._handler(request)
            if not isinstance(response, Response) or not answers(response, request):
                raise TypeError(f"the handler's {type(response).__name__} does not answer it")
            payload = codec.encode(response)
        except Exception as error:
            log.error(
                "network.handler_failed",
                mti=request.MTI,
                stan=request.stan,
                error=type(error).__name__,
            )
            refusal = response_to(request, ResponseCode.SYSTEM_ERROR, self._clock.now())
            payload = codec.encode(refusal)
        if writer.is_closing():
            log.info("network.answer_undeliverable", peer=peer, mti=request.MTI, stan=request.stan)
            return
        writer.write(framing.frame(payload))
        with contextlib.suppress(ConnectionError):
            await writer.drain()


class RunningServer:
    """A `NetworkServer` on an event loop of its own, in a thread of its own: for the demo
    and for tests, whose own code is synchronous. Use it as a context manager, or `stop`."""

    def __init__(self, server: NetworkServer) -> None:
        self._server = server
        self._loop = asyncio.new_event_loop()
        started: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._run, args=(started,), name="mercato-network-server", daemon=True
        )
        self._thread.start()
        started.result()  # raises why it could not start: the port is taken, say

    @property
    def address(self) -> tuple[str, int]:
        return self._server.address

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._server.stop(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self, started: concurrent.futures.Future[None]) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            try:
                self._loop.run_until_complete(self._server.start())
            except BaseException as error:
                started.set_exception(error)
                return
            started.set_result(None)
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
            self._loop.close()
