"""Receipts inside one process: the payments world of ``tests/integration/payments`` (the
v1 API, the processor, the issuing bank on a real ISO 8583 socket), on SQLite and on
PostgreSQL, and a real SMTP server (aiosmtpd, the demo's mailbox) on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mail_world import SmtpServer
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.mail import sending
from mercato.mail.mailbox_store import MailboxStore
from mercato.mail.transport import SmtpTransport
from mercato.outbox import Worker
from payments_fixtures import *  # noqa: F403 -- the shared fixtures, registered by this import


@pytest.fixture
def smtp_server(engine: Engine, clock: ManualClock) -> Iterator[SmtpServer]:
    server = SmtpServer(MailboxStore(engine, clock))
    yield server
    server.stop()


@pytest.fixture
def mail_worker(engine: Engine, clock: ManualClock, smtp_server: SmtpServer) -> Worker:
    transport = SmtpTransport("127.0.0.1", smtp_server.port, sender="receipts@shop.test")
    return Worker(engine, clock, sending.handlers(engine, clock, transport))
