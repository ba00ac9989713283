"""What the receipts' tests share: the mailbox's SMTP server on a port of the test's own."""

from __future__ import annotations

import socket
from collections.abc import Callable

from mercato.mail import mailbox
from mercato.mail.mailbox_store import MailboxStore


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """The mailbox's SMTP server on a port of the test's own, started and stopped at will."""

    def __init__(self, store: MailboxStore) -> None:
        self.store = store
        self.port = free_port()
        self._stop: Callable[[], None] | None = None

    def start(self) -> None:
        self._stop = mailbox.serve("127.0.0.1", self.port, self.store)

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None
