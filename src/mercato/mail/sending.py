"""The outbox job that sends a receipt: ``mail.receipt`` with ``{"charge_id": ...}``.

Once per charge: the job ends at once if the receipt is already sent, and the receipt is
marked sent in the transaction that finishes the job. Between the SMTP server taking the
message and that transaction a worker may die; the job then runs again and the customer
may get the message twice, with the same Message-ID (``message``), which a mailbox
deduplicates. The server down or answering 4xx: tried again after 30 s, 1, 2, 5, 15 and
30 min, then every hour, for three days; a 5xx answer is final. Either way the receipt's
row says what became of it (``sent``, ``failed``, ``not_sent`` with no server configured).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.clock import Clock
from mercato.database.engine import reading
from mercato.logs import get_logger
from mercato.mail import receipts
from mercato.mail.errors import PermanentFailure, ReceiptUnavailable, TemporaryFailure
from mercato.mail.facts import receipt_of
from mercato.mail.message import receipt_message
from mercato.mail.owed import SEND_RECEIPT
from mercato.mail.tables import receipts as receipt_rows
from mercato.mail.transport import NoTransport, Transport
from mercato.outbox import Done, GiveUp, Handler, Job, Outcome, Retry

log = get_logger(__name__)

RETRY_DELAYS = tuple(dt.timedelta(minutes=m) for m in (0.5, 1, 2, 5, 15, 30))
LAST_RETRY_DELAY = dt.timedelta(hours=1)
GIVE_UP_AFTER = dt.timedelta(days=3)


def _mark(charge_id: str, status: str, now: dt.datetime) -> sa.Update:
    return (
        sa.update(receipt_rows)
        .where(receipt_rows.c.charge_id == charge_id, receipt_rows.c.status == "pending")
        .values(status=status, sent_at=now if status == "sent" else None)
    )


def _retry_or_give_up(
    job: Job, charge_id: str, owed_since: dt.datetime, now: dt.datetime, error: str
) -> Outcome:
    if now - owed_since > GIVE_UP_AFTER:
        return GiveUp(error, record=lambda c: _run(c, _mark(charge_id, "failed", now)))
    index = job.attempts - 1
    delay = RETRY_DELAYS[index] if index < len(RETRY_DELAYS) else LAST_RETRY_DELAY
    return Retry(now + delay, error)


def _run(connection: Connection, statement: sa.Update) -> None:
    connection.execute(statement)


def send_receipt(engine: Engine, clock: Clock, transport: Transport, job: Job) -> Outcome:
    charge_id = str(job.payload["charge_id"])
    with reading(engine) as connection:
        owed = connection.execute(
            sa.select(receipt_rows.c.status, receipt_rows.c.created_at).where(
                receipt_rows.c.charge_id == charge_id
            )
        ).first()
        if owed is None or owed.status != "pending":
            return Done()
        try:
            receipt = receipt_of(connection, charge_id)
        except ReceiptUnavailable as error:
            return GiveUp(str(error))
    if isinstance(transport, NoTransport):
        log.warning("receipt not sent: no SMTP server configured", charge=charge_id)
        now = clock.now()
        return Done(record=lambda c: _run(c, _mark(charge_id, "not_sent", now)))
    message = receipt_message(receipt, sender=transport.sender, pdf=receipts.render_pdf(receipt))
    try:
        transport.send(message)
    except TemporaryFailure as error:
        log.warning("receipt not sent yet", charge=charge_id, error=str(error))
        return _retry_or_give_up(job, charge_id, owed.created_at, clock.now(), str(error))
    except PermanentFailure as error:
        log.error("receipt refused", charge=charge_id, error=str(error))
        now = clock.now()
        return GiveUp(str(error), record=lambda c: _run(c, _mark(charge_id, "failed", now)))
    now = clock.now()
    log.info("receipt sent", charge=charge_id, number=receipt.number)
    return Done(record=lambda c: _run(c, _mark(charge_id, "sent", now)))


def handlers(engine: Engine, clock: Clock, transport: Transport) -> dict[str, Handler]:
    """The mail component's outbox jobs, for ``cli.worker.background_handlers``."""
    return {SEND_RECEIPT: lambda job: send_receipt(engine, clock, transport, job)}
