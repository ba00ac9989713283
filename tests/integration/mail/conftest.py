"""Receipts inside one process: the payments world of ``tests/integration/payments`` (the
v1 API, the processor, the issuing bank on a real ISO 8583 socket), on SQLite and on
PostgreSQL, and a real SMTP server (aiosmtpd, the demo's mailbox) on a free port."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.mail import sending
from mercato.mail.mailbox_store import MailboxStore
from mercato.mail.transport import SmtpTransport
from mercato.outbox import Worker

_PAYMENTS = Path(__file__).parents[1] / "payments"
sys.path.insert(0, str(_PAYMENTS))
_spec = importlib.util.spec_from_file_location("payments_fixtures", _PAYMENTS / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

from mail_world import SmtpServer  # noqa: E402 -- beside this file

issuer_url = _fixtures.issuer_url
bank = _fixtures.bank
wire = _fixtures.wire
acs_browser = _fixtures.acs_browser
app_client = _fixtures.app_client
merchant = _fixtures.merchant
merchant_id = _fixtures.merchant_id
shop = _fixtures.shop


@pytest.fixture
def smtp_server(engine: Engine, clock: ManualClock) -> Iterator[SmtpServer]:
    server = SmtpServer(MailboxStore(engine, clock))
    yield server
    server.stop()


@pytest.fixture
def mail_worker(engine: Engine, clock: ManualClock, smtp_server: SmtpServer) -> Worker:
    transport = SmtpTransport("127.0.0.1", smtp_server.port, sender="receipts@shop.test")
    return Worker(engine, clock, sending.handlers(engine, clock, transport))
