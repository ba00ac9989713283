"""``mercato worker``: run the outbox's background jobs (webhook deliveries) and the
platform's housekeeping duties until stopped.

Start as many as you like, on as many machines as share the platform's database: each job
runs in one worker at a time. Ctrl-C or SIGTERM stops a worker after its current job.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
from pathlib import Path
from types import FrameType

import typer
from sqlalchemy.engine import Engine

from mercato.cli.context import fail, reported, settings_of
from mercato.clock import Clock, clock_for
from mercato.dashboard import reconciling
from mercato.database import migrate
from mercato.database.engine import engine_for
from mercato.gateway import (
    authorisation_expiry,
    checkout_sessions,
    idempotency,
    payment_intents,
    webhooks,
)
from mercato.gateway.cvc import CvcHolder
from mercato.gateway.intent_records import Payments
from mercato.gateway.payment_methods import Services
from mercato.mail import sending as mail_sending
from mercato.mail.transport import transport_for
from mercato.outbox import Duty, Handler, Worker
from mercato.processor import Processor, build_processor
from mercato.settings import Party, Settings
from mercato.settlement.bank_link import link_from
from mercato.settlement.duties import duties as settlement_duties
from mercato.shop.duties import duties as shop_duties

FORGET_KEYS_EVERY = dt.timedelta(hours=1)


def housekeeping(engine: Engine, clock: Clock, settings: Settings | None = None) -> list[Duty]:
    """The platform's periodic duties, for ``mercato worker`` and ``mercato demo``.

    The platform's authorisation holds are released by ``payment_duties`` (an intent
    canceled as expired), never by a bare sweep of the ledger, so the intent and its hold
    always agree.

    Settlement's duties (``settlement.duties``): funds made available, automatic payouts,
    payouts marked paid; with ``settings``, payout files sent to the bank and its returns
    read."""
    reconcile = [] if settings is None else [reconciling.duty(engine, clock, link_from(settings))]
    return [
        *settlement_duties(engine, clock, settings),
        *reconcile,  # payouts seen on the bank's statements, for the merchants' payouts pages
        *shop_duties(engine, clock),  # shop orders paid from events, reservations expired
        Duty(
            "idempotency.forget_expired",
            FORGET_KEYS_EVERY,
            lambda: idempotency.forget_expired(engine, clock),
        ),
    ]


def payment_duties(engine: Engine, clock: Clock, processor: Processor) -> list[Duty]:
    """The duties that speak to issuers through ``processor``: expired Checkout Sessions'
    payments canceled, and authorisations left uncaptured for seven days canceled."""
    return [
        checkout_sessions.expiry_duty(engine, clock, processor),
        authorisation_expiry.duty(engine, clock, processor),
    ]


def background_handlers(
    engine: Engine,
    clock: Clock,
    processor: Processor,
    *,
    ca_bundle: Path | None = None,
    settings: Settings | None = None,
) -> dict[str, Handler]:
    """The platform's background jobs: webhook deliveries, and the payments' own
    (completions and reversals owed to issuers, confirmations a crash left unfinished)."""
    services = Services(processor.vault, clock, CvcHolder())
    return {
        **webhooks.handlers(engine, clock, ca_bundle=ca_bundle),
        **payment_intents.background_handlers(engine, Payments(services, processor)),
        # Receipts, sent through the SMTP server the settings name (none: not sent).
        **mail_sending.handlers(engine, clock, transport_for(settings or Settings())),
    }


def worker(
    ctx: typer.Context,
    poll_interval: float = typer.Option(1.0, min=0.05, help="Seconds to rest when no job is due."),
    batch: int = typer.Option(10, min=1, max=100, help="Jobs claimed at a time."),
    ca_bundle: Path | None = typer.Option(  # noqa: B008
        None,
        "--ca-bundle",
        envvar="MERCATO_WEBHOOK_CA_BUNDLE",
        exists=True,
        dir_okay=False,
        help="CA certificates (PEM) to trust for HTTPS endpoints instead of the usual roots.",
    ),
) -> None:
    """Run the outbox's jobs until interrupted (webhook deliveries, e-mail receipts,
    completions and reversals owed to issuers, confirmations a crash left unfinished) and
    the platform's duties: the day's clearing and interbank settlement, funds made
    available, automatic payouts and their files sent to the bank, the bank's returns read,
    expired checkout sessions and stock reservations, paid shop orders, forgotten
    Idempotency-Keys."""
    settings = settings_of(ctx)
    engine = engine_for(settings, Party.PLATFORM)
    with reported():
        behind = migrate.pending(engine, Party.PLATFORM)
    if behind:
        engine.dispose()
        raise fail("the platform's database is not migrated; run `mercato db upgrade` first")
    clock = clock_for(settings)
    processor = build_processor(settings, clock, engine=engine)
    handlers = background_handlers(engine, clock, processor, ca_bundle=ca_bundle, settings=settings)
    stop = threading.Event()

    def stop_on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        duties = [
            *housekeeping(engine, clock, settings),
            *payment_duties(engine, clock, processor),
        ]
        Worker(engine, clock, handlers, duties=duties).run_forever(stop, poll_interval, limit=batch)
    finally:
        processor.close()
        engine.dispose()
