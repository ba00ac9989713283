"""The demo's built-in mailbox: an SMTP server (aiosmtpd) that keeps every message it is
sent in a ``Store`` (``mailbox_store.MailboxStore``: the platform's database), for the
dashboard's Mailbox page.

    stop = serve("127.0.0.1", 8025, MailboxStore(engine, clock))
    ...
    stop()

It delivers nowhere else and accepts any recipient: it is a window onto what Mercato
sends, not a mail server. Listen on loopback only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from mercato.logs import get_logger

log = get_logger(__name__)

MAX_MESSAGE_BYTES = 10 * 1024 * 1024


class Store(Protocol):
    def keep(self, raw: bytes, *, sender: str, recipients: list[str]) -> None:
        """Keep one message as it was received."""


class _Handler:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            self.store.keep(
                raw,
                sender=str(envelope.mail_from or ""),
                recipients=[str(to) for to in envelope.rcpt_tos],
            )
        except Exception as error:  # the sender will try again: nothing is lost
            log.error("mailbox could not keep a message", error=type(error).__name__)
            return "451 Requested action aborted: local error in processing"
        return "250 Message accepted for delivery"


def serve(host: str, port: int, store: Store) -> Callable[[], None]:
    """Start the mailbox's SMTP server on ``host:port`` in a thread; returns what stops it."""
    controller = Controller(
        _Handler(store),
        hostname=host,
        port=port,
        data_size_limit=MAX_MESSAGE_BYTES,
        decode_data=False,
        server_hostname="mailbox.mercato.localhost",
        ready_timeout=10.0,
    )
    controller.start()
    log.info("mailbox listening", host=host, port=port)

    def stop(*_args: Any) -> None:
        controller.stop()

    return stop
